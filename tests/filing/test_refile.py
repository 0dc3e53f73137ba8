"""Correcting a returned submission and filing it again (issue 14)."""

from __future__ import annotations

import io
import uuid

import pytest
from django.urls import reverse

from filing.models import Case, DraftDocument, Party, ReturnReason, Submission, SubmissionDraft
from filing.services import filing_return
from tests.clock import once_received_in_law
from tests.factories import StaffFactory
from tests.filing.conftest import document_type
from tests.filing.drafting import draft_id, file_through_review, submit_from_review
from tests.filing.new_case_post import new_case_data
from tests.filing.pdf_corpus import good_pdf

pytestmark = pytest.mark.django_db


def _rows(*rows):
    data = {
        "documents-TOTAL_FORMS": str(max(len(rows), 1)),
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


def _returned_dccj_case(client, firm_filer) -> Submission:
    data = {
        "submission_key": str(uuid.uuid4()),
        **new_case_data(respondents=[{"name_en": "GOLDEN HARBOUR LIMITED", "kind": "company"}]),
        **_rows((document_type("DCCJ", "writ"), "Writ of summons", 2)),
    }
    response = file_through_review(client, reverse("filing:start_case", args=["DCCJ"]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    submission = Submission.objects.get()
    with once_received_in_law(submission):
        filing_return(
            submission=submission,
            clerk=StaffFactory(),
            reason=ReturnReason.objects.get(code="other"),
            note="The second defendant is missing from the writ.",
        )
    submission.refresh_from_db()
    return submission


def test_a_returned_dccj_opening_filing_is_corrected_and_filed_again_in_the_same_case(
    client, firm_filer, document_storage, celery_eager
):
    client.force_login(firm_filer)
    returned = _returned_dccj_case(client, firm_filer)
    case = returned.case
    assert case.status == Case.Status.DRAFT
    page = client.get(reverse("filing:submission", args=[returned.reference])).content.decode()
    assert "Correct and file again" in page

    response = client.post(reverse("filing:submission_refile", args=[returned.reference]))
    draft = SubmissionDraft.objects.get(pk=draft_id(response))
    assert draft.refiles_id == returned.pk and draft.case_id is None
    copy = DraftDocument.objects.get(draft=draft)
    original = returned.documents.get()
    assert copy.sha256 == original.sha256 and copy.storage_key != original.storage_key
    form = client.get(response["Location"]).content.decode()
    assert "The second defendant is missing from the writ." in form
    assert 'value="GOLDEN HARBOUR LIMITED"' in form and 'value="CHAN Tai Man"' in form

    corrected = {
        **new_case_data(
            respondents=[{"name_en": "GOLDEN HARBOUR LIMITED", "kind": "company"}, {"name_en": "LEE Ka Ho"}]
        ),
        **_rows(),
    }
    replacement = io.BytesIO(good_pdf(3))
    replacement.name = "Writ of summons (corrected).pdf"
    corrected[f"replace-{copy.pk}"] = replacement
    response = client.post(response["Location"], {"step": "review", **corrected})
    assert response.status_code == 302, response.content.decode()[:3000]
    acknowledged = submit_from_review(client, response)
    assert acknowledged.status_code == 302

    refiled = Submission.objects.exclude(pk=returned.pk).get()
    assert refiled.refiles_id == returned.pk
    assert refiled.case_id == case.pk and refiled.opens_case
    case.refresh_from_db()
    assert case.status == Case.Status.PENDING and case.number is None
    respondents = list(
        case.parties.filter(side=Party.Side.RESPONDENT).order_by("ordinal").values_list("name_en", flat=True)
    )
    assert respondents == ["GOLDEN HARBOUR LIMITED", "LEE Ka Ho"]
    assert case.parties.filter(side=Party.Side.APPLICANT).count() == 1
    assert refiled.documents.get().pages == 3  # the corrected writ replaced the copy
    assert Case.objects.exclude(pk=firm_filer.case.pk).count() == 1  # no second case for the correction

    new_page = client.get(reverse("filing:submission", args=[refiled.reference])).content.decode()
    assert reverse("filing:submission", args=[returned.reference]) in new_page
    old_page = client.get(reverse("filing:submission", args=[returned.reference])).content.decode()
    assert reverse("filing:submission", args=[refiled.reference]) in old_page
    assert "Correct and file again" not in old_page


def test_only_a_returned_submission_of_ones_own_side_is_filed_again(client, firm_filer, outsider, document_storage):
    client.force_login(firm_filer)
    returned = _returned_dccj_case(client, firm_filer)
    client.force_login(outsider)
    assert client.post(reverse("filing:submission_refile", args=[returned.reference])).status_code == 404
    assert not SubmissionDraft.objects.exists()
