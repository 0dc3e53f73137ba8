"""The filer's screens: file, acknowledgement, status, message box, case file, downloads."""

import io
import uuid

import pytest
from django.urls import reverse

from accounts.models import Membership
from filing.models import MessageItem, Submission, SubmissionDraft
from filing.services import DocumentUpload, filing_accept, submission_create
from tests.clock import once_received_in_law
from tests.factories import MembershipFactory, StaffFactory
from tests.filing.conftest import document_type, pdf_file, stored_files
from tests.filing.drafting import file_through_review
from tests.filing.pdf_corpus import encrypted_pdf, good_pdf

pytestmark = pytest.mark.django_db


def _post_documents(client, url, rows, extra=None):
    data = {
        "documents-TOTAL_FORMS": str(len(rows)),
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "10",
        "submission_key": str(uuid.uuid4()),
        **(extra or {}),
    }
    for index, (doc_type, title, content, name) in enumerate(rows):
        upload = io.BytesIO(content)
        upload.name = name
        data[f"documents-{index}-document_type"] = str(doc_type.pk)
        data[f"documents-{index}-title"] = title
        data[f"documents-{index}-file"] = upload
    return file_through_review(client, url, data)


def test_the_filing_form_says_when_a_filing_now_would_be_deemed_received(client, firm_filer):
    client.force_login(firm_filer)
    response = client.get(reverse("filing:file_in_case", args=[firm_filer.case.pk]))
    assert response.status_code == 200
    assert "If you submit now, it will be deemed received" in response.content.decode()


def test_filing_shows_the_acknowledgement_at_once(client, firm_filer, document_storage, celery_eager):
    client.force_login(firm_filer)
    response = _post_documents(
        client,
        reverse("filing:file_in_case", args=[firm_filer.case.pk]),
        [(document_type("DCCJ", "defence"), "Defence", good_pdf(4), "defence.pdf")],
    )
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("filing:submission", args=[submission.reference]) + "?new=1"
    page = client.get(response["Location"]).content.decode()
    assert "Your submission has been received." in page
    assert submission.reference in page
    assert submission.documents.get().sha256 in page
    assert "Deemed received" in page
    assert "Rule applied" in page


def test_a_rejected_file_is_reported_on_its_row_and_nothing_is_stored(client, firm_filer, document_storage):
    client.force_login(firm_filer)
    response = _post_documents(
        client,
        reverse("filing:file_in_case", args=[firm_filer.case.pk]),
        [
            (document_type("DCCJ", "defence"), "Defence", good_pdf(), "defence.pdf"),
            (document_type("DCCJ", "affirmation"), "Affirmation", encrypted_pdf(), "affirmation.pdf"),
        ],
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_documents-1-file_error"' in page
    assert "password-protected" in page
    assert Submission.objects.count() == 0
    assert SubmissionDraft.objects.count() == 0
    assert stored_files(document_storage) == []


def test_the_form_is_in_chinese_for_a_chinese_user(client, firm_filer):
    client.force_login(firm_filer)
    client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    page = client.get(reverse("filing:file_in_case", args=[firm_filer.case.pk])).content.decode()
    assert "如你現在提交" in page


def test_the_form_states_the_file_size_limit_from_the_setting(client, firm_filer, settings):
    settings.FILING_MAX_FILE_BYTES = 10 * 1024 * 1024
    client.force_login(firm_filer)
    page = client.get(reverse("filing:file_in_case", args=[firm_filer.case.pk])).content.decode()
    assert "up to 10.0\xa0MB" in page and "30 MB" not in page  # filesizeformat keeps number and unit together


def test_someone_not_acting_for_the_case_gets_404(client, outsider, firm_filer):
    client.force_login(outsider)
    assert client.get(reverse("filing:file_in_case", args=[firm_filer.case.pk])).status_code == 404
    assert client.get(reverse("filing:case", args=[firm_filer.case.pk])).status_code == 404


def test_an_administrator_sees_the_case_but_is_told_they_cannot_file(client, firm_filer):
    admin = MembershipFactory(
        organisation=firm_filer.memberships.get().organisation, role=Membership.Role.PRIMARY_ADMIN
    ).user
    client.force_login(admin)
    response = client.get(reverse("filing:file_in_case", args=[firm_filer.case.pk]))
    assert response.status_code == 200
    assert "Administrators manage members and cannot file" in response.content.decode()
    assert 'type="file"' not in response.content.decode()


def test_the_anonymous_are_sent_to_sign_in(client, firm_filer):
    response = client.get(reverse("filing:file_in_case", args=[firm_filer.case.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_posting_without_the_csrf_token_is_refused(firm_filer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(firm_filer)
    assert client.post(reverse("filing:file_in_case", args=[firm_filer.case.pk]), {}).status_code == 403


def _filed(firm_filer, pages=1):
    return submission_create(
        user=firm_filer,
        case=firm_filer.case,
        uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file(pages))],
    )


def test_downloads_are_attachments_with_nosniff_and_a_sandbox(client, firm_filer, document_storage):
    submission = _filed(firm_filer)
    document = submission.documents.get()
    client.force_login(firm_filer)
    response = client.get(reverse("filing:document", args=[document.pk, "original"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_another_organisations_member_cannot_download(client, firm_filer, outsider, document_storage):
    document = _filed(firm_filer).documents.get()
    client.force_login(outsider)
    assert client.get(reverse("filing:document", args=[document.pk, "original"])).status_code == 404
    assert client.get(reverse("filing:submission", args=[document.submission.reference])).status_code == 404


def test_the_status_page_shows_the_queue_position_and_refreshes_by_itself(client, firm_filer, document_storage):
    _filed(firm_filer)
    mine = _filed(firm_filer)
    client.force_login(firm_filer)
    page = client.get(reverse("filing:submission", args=[mine.reference])).content.decode()
    assert "1 submission is ahead of yours" in page
    assert 'data-hx-trigger="every 15s"' in page
    fragment = client.get(reverse("filing:submission", args=[mine.reference]), HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith("<section")


def test_the_filer_sees_the_sealed_copy_after_acceptance(
    client, firm_filer, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    submission = _filed(firm_filer, pages=2)
    with once_received_in_law(submission), django_capture_on_commit_callbacks(execute=True):
        filing_accept(submission=submission, clerk=StaffFactory(), accepted_without_opening=True)
    document = submission.documents.get()
    document.refresh_from_db()
    assert len(document.drn) == 12
    assert document.sealed_storage_key
    decision = MessageItem.objects.get(recipient=firm_filer, kind="decision")
    client.force_login(firm_filer)
    box = client.get(reverse("filing:message_box")).content.decode()
    assert decision.subject_en in box
    detail = client.get(reverse("filing:message", args=[decision.pk])).content.decode()
    assert reverse("filing:document", args=[document.pk, "sealed"]) in detail
    decision.refresh_from_db()
    assert decision.read_at is not None


def test_the_message_box_needs_the_same_queries_for_many_messages(
    client, firm_filer, document_storage, django_assert_max_num_queries
):
    from filing.services import message_post

    for index in range(3):
        message_post(recipient=firm_filer, kind="notice", subject_en=f"Notice {index}", subject_zh=f"通知 {index}")
    client.force_login(firm_filer)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("filing:message_box"))
    for index in range(30):
        message_post(recipient=firm_filer, kind="notice", subject_en=f"More {index}", subject_zh=f"更多 {index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("filing:message_box"))


def test_downloading_a_court_document_records_the_first_open(
    client, firm_filer, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    from filing.services import court_document_issue

    with django_capture_on_commit_callbacks(execute=True):
        issued = court_document_issue(
            case=firm_filer.case, staff=StaffFactory(), kind="order", title="Order for directions", file=pdf_file()
        )
    delivery = MessageItem.objects.get(recipient=firm_filer, court_document=issued)
    assert delivery.read_at is None
    client.force_login(firm_filer)
    assert client.get(reverse("filing:court_document", args=[issued.pk])).status_code == 200
    delivery.refresh_from_db()
    first = delivery.read_at
    assert first is not None
    client.get(reverse("filing:court_document", args=[issued.pk]))
    delivery.refresh_from_db()
    assert delivery.read_at == first  # only the first open is recorded


def test_a_court_document_in_the_message_box_is_closed_once_access_to_the_case_ends(
    client, firm_filer, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from filing.services import court_document_issue

    with django_capture_on_commit_callbacks(execute=True):
        issued = court_document_issue(
            case=firm_filer.case, staff=StaffFactory(), kind="order", title="Order for directions", file=pdf_file()
        )
    delivery = MessageItem.objects.get(recipient=firm_filer, court_document=issued)
    client.force_login(firm_filer)
    attachment = reverse("filing:message_attachment", args=[delivery.pk])
    assert client.get(attachment, follow=True).status_code == 200

    firm_filer.memberships.update(deactivated_at=timezone.now())
    assert client.get(reverse("filing:court_document", args=[issued.pk])).status_code == 404
    assert client.get(attachment, follow=True).status_code == 404


def test_a_document_sealed_meanwhile_by_another_worker_leaves_no_stray_sealed_file(
    firm_filer, document_storage, monkeypatch
):
    from filing.models import Document
    from filing.services import sealing

    submission = submission_create(
        user=firm_filer,
        case=firm_filer.case,
        uploads=[
            DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file()),
            DocumentUpload(document_type("DCCJ", "affirmation"), "Affirmation", pdf_file()),
        ],
    )
    monkeypatch.setattr("filing.services.sealing.submission_documents_seal", lambda **kwargs: 0)
    with once_received_in_law(submission):
        # Accepted; sealing is left to the call below.
        filing_accept(submission=submission, clerk=StaffFactory(), accepted_without_opening=True)
    monkeypatch.undo()
    first, second = submission.documents.order_by("ordinal")
    real_seal = sealing.seal_pdf

    def seal_then_lose_the_race(data, stamp):
        sealed = real_seal(data, stamp)
        if stamp.drn == second.drn:  # another worker stores and records the second one first
            Document.objects.filter(pk=second.pk).update(sealed_storage_key="sealed/by-the-other-worker.pdf")
        return sealed

    monkeypatch.setattr(sealing, "seal_pdf", seal_then_lose_the_race)
    before = set(stored_files(document_storage))
    assert sealing.submission_documents_seal(submission_id=submission.pk) == 1
    added = set(stored_files(document_storage)) - before
    first.refresh_from_db()
    assert added == {first.sealed_storage_key}  # ours for the first; nothing left for the second
