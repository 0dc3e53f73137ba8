"""Drafts: the filing form keeps what was typed and uploaded; the review page submits it (issue 14)."""

from __future__ import annotations

import io
import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from filing.models import DraftDocument, Submission, SubmissionDraft
from filing.services.drafts import drafts_purge_expired
from tests.filing.conftest import document_type, stored_files
from tests.filing.drafting import draft_id, edit_url, review_url
from tests.filing.new_case_post import new_case_data
from tests.filing.pdf_corpus import good_pdf

pytestmark = pytest.mark.django_db
HKT = ZoneInfo("Asia/Hong_Kong")


def draft_files(document_storage):
    """The files in the drafts' store (the ``drafts`` directory beside the documents')."""
    return stored_files(document_storage.parent / "drafts")


def _rows(*rows):
    data = {
        "documents-TOTAL_FORMS": str(len(rows)),
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "10",
    }
    for index, (doc_type, title, pages) in enumerate(rows):
        upload = io.BytesIO(good_pdf(pages))
        upload.name = f"{title}.pdf"
        data[f"documents-{index}-document_type"] = str(doc_type.pk)
        data[f"documents-{index}-title"] = title
        data[f"documents-{index}-file"] = upload
    return data


def _save_defence(client, case, *, action="save", reference="Matter 2026-042", code="defence", title="Defence"):
    data = {"submission_key": str(uuid.uuid4()), "step": action, "filer_reference": reference}
    data.update(_rows((document_type("DCCJ", code), title, 3)))
    return client.post(reverse("filing:file_in_case", args=[case.pk]), data)


def test_save_as_draft_stays_and_says_until_when_it_is_kept(client, firm_filer, document_storage):
    client.force_login(firm_filer)
    response = _save_defence(client, firm_filer.case)
    assert response.status_code == 302
    draft = SubmissionDraft.objects.get(owner=firm_filer)
    assert response["Location"] == edit_url(draft.pk)
    page = client.get(response["Location"]).content.decode()
    assert re.search(r"Draft saved\. It will be kept until .+ HKT\.", page)
    document = draft.documents.get()
    assert (document.title, document.pages) == ("Defence", 3)
    assert draft_files(document_storage) == [document.storage_key]
    assert stored_files(document_storage) == []  # nothing in the documents' store, which keeps everything
    assert not Submission.objects.exists()
    assert draft.filer_reference == "Matter 2026-042"
    assert timedelta(days=29) < draft.expires_at - draft.created_at <= timedelta(days=30, minutes=1)


def test_a_draft_is_resumed_on_another_device_with_its_documents(firm_filer, document_storage):
    first_device = Client()
    first_device.force_login(firm_filer)
    draft_pk = draft_id(_save_defence(first_device, firm_filer.case))
    document = DraftDocument.objects.get(draft_id=draft_pk)

    other_device = Client()  # a new session: nothing but the account in common
    other_device.force_login(firm_filer)
    drafts = other_device.get(reverse("filing:drafts")).content.decode()
    assert edit_url(draft_pk) in drafts
    page = other_device.get(edit_url(draft_pk)).content.decode()
    assert "Defence" in page and document.sha256 in page
    assert 'value="Matter 2026-042"' in page
    assert "Error:" not in page  # a draft is not judged until the filer continues
    response = other_device.post(edit_url(draft_pk), {"step": "review", **_rows()})
    assert response.status_code == 302 and review_url(response)


def test_another_users_draft_is_not_found(client, firm_filer, outsider, document_storage):
    client.force_login(firm_filer)
    draft_pk = draft_id(_save_defence(client, firm_filer.case))
    client.force_login(outsider)
    assert client.get(edit_url(draft_pk)).status_code == 404
    assert client.get(reverse("filing:draft_review", args=[draft_pk])).status_code == 404
    assert client.post(reverse("filing:draft_review", args=[draft_pk])).status_code == 404
    assert client.post(reverse("filing:drafts"), {"discard": str(draft_pk)}).status_code == 404
    assert SubmissionDraft.objects.filter(pk=draft_pk).exists()


def test_an_expired_draft_is_purged_with_its_files(client, firm_filer, document_storage, settings):
    settings.FILING_DRAFT_DAYS = 30
    client.force_login(firm_filer)
    draft_pk = draft_id(_save_defence(client, firm_filer.case))
    keys = list(DraftDocument.objects.filter(draft_id=draft_pk).values_list("storage_key", flat=True))
    assert keys and set(keys) <= set(draft_files(document_storage))
    draft = SubmissionDraft.objects.get(pk=draft_pk)

    assert drafts_purge_expired(now=draft.expires_at - timedelta(seconds=1)) == 0
    with time_machine.travel(draft.expires_at + timedelta(seconds=1), tick=False):
        assert client.get(edit_url(draft_pk)).status_code == 404  # expired is gone for the user at once
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert drafts_purge_expired(now=draft.expires_at + timedelta(seconds=1)) == 1
    assert not SubmissionDraft.objects.filter(pk=draft_pk).exists()
    assert draft_files(document_storage) == []
    assert drafts_purge_expired(now=draft.expires_at + timedelta(days=1)) == 0  # idempotent


def test_discarding_a_draft_deletes_its_files(
    client, firm_filer, document_storage, django_capture_on_commit_callbacks
):
    client.force_login(firm_filer)
    draft_pk = draft_id(_save_defence(client, firm_filer.case))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("filing:drafts"), {"discard": str(draft_pk)})
    assert response.status_code == 302
    assert not SubmissionDraft.objects.exists()
    assert draft_files(document_storage) == [] == stored_files(document_storage)


def test_remove_takes_one_document_off_the_draft(
    client, firm_filer, document_storage, django_capture_on_commit_callbacks
):
    client.force_login(firm_filer)
    draft_pk = draft_id(_save_defence(client, firm_filer.case))
    document = DraftDocument.objects.get(draft_id=draft_pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(draft_pk), {"remove": str(document.pk), **_rows()})
    assert response.status_code == 302
    assert not DraftDocument.objects.filter(pk=document.pk).exists()
    assert draft_files(document_storage) == [] == stored_files(document_storage)
    again = client.post(edit_url(draft_pk), {"step": "review", **_rows()})
    assert again.status_code == 400
    assert "Add at least one document." in again.content.decode()


def test_a_rejected_file_stores_nothing_in_the_draft(client, firm_filer, document_storage):
    from tests.filing.pdf_corpus import encrypted_pdf

    client.force_login(firm_filer)
    data = {"submission_key": str(uuid.uuid4()), "step": "save", **_rows()}
    upload = io.BytesIO(encrypted_pdf())
    upload.name = "locked.pdf"
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-0-document_type": str(document_type("DCCJ", "defence").pk),
            "documents-0-title": "Defence",
            "documents-0-file": upload,
        }
    )
    response = client.post(reverse("filing:file_in_case", args=[firm_filer.case.pk]), data)
    assert response.status_code == 400
    assert "password-protected" in response.content.decode()
    assert not SubmissionDraft.objects.exists() and stored_files(document_storage) == [] == draft_files(
        document_storage
    )


def test_the_review_page_shows_everything_before_submit(client, firm_filer, document_storage):
    client.force_login(firm_filer)
    response = _save_defence(client, firm_filer.case, action="review", code="summons", title="Summons for directions")
    review = review_url(response)
    document = DraftDocument.objects.get()
    # Wednesday 9 December 2026, 18:00 HKT: after the registry closed at 17:30.
    with time_machine.travel(datetime(2026, 12, 9, 18, 0, tzinfo=HKT), tick=False):
        page = client.get(review).content.decode()
    assert firm_filer.case.case_number in page
    assert document.sha256 in page and ">3<" in page  # SHA-256 and pages
    assert "Matter 2026-042" in page
    assert "Fee" in page and "e-fee" in page and "HK$" in page  # the summons' fee, quoted
    assert "deemed received at" in page
    assert "Received after the registry closed at 17:30" in page
    assert "10 Dec" in page or "10 December" in page  # the next working day
    assert edit_url(document.draft_id) in page  # "Change"


def test_the_review_page_of_a_new_case_shows_the_parties_by_side(client, firm_filer, document_storage):
    client.force_login(firm_filer)
    data = {
        "submission_key": str(uuid.uuid4()),
        "step": "review",
        **new_case_data(
            respondents=[{"name_en": "GOLDEN HARBOUR LIMITED", "kind": "company"}, {"name_en": "LEE Ka Ho"}]
        ),
        **_rows((document_type("DCCJ", "writ"), "Writ of summons", 2)),
    }
    response = client.post(reverse("filing:start_case", args=["DCCJ"]), data)
    page = client.get(review_url(response)).content.decode()
    for name in ("CHAN Tai Man", "GOLDEN HARBOUR LIMITED", "LEE Ka Ho", "250,000.00"):
        assert name in page
    assert "New case" in page


def test_submitting_twice_files_once(client, firm_filer, document_storage, celery_eager):
    client.force_login(firm_filer)
    review = review_url(_save_defence(client, firm_filer.case, action="review"))
    draft = SubmissionDraft.objects.get()
    key = {"submission_key": str(draft.submission_key)}
    first = client.post(review, key)
    second = client.post(review, key)  # the draft is gone: the key finds the first submission
    submission = Submission.objects.get()
    expected = reverse("filing:submission", args=[submission.reference]) + "?new=1"
    assert first["Location"] == second["Location"] == expected
    assert submission.filer_reference == "Matter 2026-042"
    assert not SubmissionDraft.objects.exists() and not DraftDocument.objects.exists()
    document = submission.documents.get()
    assert document.storage_key in stored_files(document_storage)  # the draft's file is the document's now
    assert (document.pages, document.title) == (3, "Defence")


def test_adding_a_party_row_shows_the_form_again_without_errors(client, firm_filer):
    client.force_login(firm_filer)
    data = {"submission_key": str(uuid.uuid4()), "case-add_party": "respondent", **new_case_data(), **_rows()}
    response = client.post(reverse("filing:start_case", args=["DCCJ"]), data)
    assert response.status_code == 200
    assert "Error:" not in response.content.decode()
    assert not SubmissionDraft.objects.exists()
