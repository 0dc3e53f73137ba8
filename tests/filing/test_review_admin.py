"""The registry's review queue in the admin: order, accept, return, preview, and who may use it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from filing import hooks
from filing.models import Case, Document, MessageItem, ReturnReason, Submission
from filing.selectors import review_queue
from filing.services import DocumentUpload, NewCase, NewParty, filing_accept, filing_return, submission_create
from icms.core.models import AuditEvent
from tests.clock import once_received_in_law
from tests.factories import StaffFactory, totp_for
from tests.filing.conftest import document_type, pdf_file, received_at

pytestmark = pytest.mark.django_db

HKT = ZoneInfo("Asia/Hong_Kong")

CHANGELIST = reverse("admin:filing_submission_changelist")


def staff_client(user) -> Client:
    """A staff member signed in with an authenticator app (the admin requires one)."""
    totp_for(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clerk(db):
    return StaffFactory(group="Registry clerk")


@pytest.fixture
def clerk_client(clerk) -> Client:
    return staff_client(clerk)


def new_dcpi_case(filer, *, title: str = "Writ of summons") -> Submission:
    return submission_create(
        user=filer,
        new_case=NewCase(
            case_type=document_type("DCPI", "writ").case_type,
            applicants=[NewParty(name_en="CHAN Tai Man", name_zh="陳大文")],
            respondents=[NewParty(name_en="KOWLOON TRANSPORT LIMITED", kind="company")],
            nature_en="Personal injuries: road traffic accident",
        ),
        uploads=[
            DocumentUpload(document_type("DCPI", "writ"), title, pdf_file(2)),
            DocumentUpload(document_type("DCPI", "statement_of_damages"), "Statement of damages", pdf_file(1)),
        ],
    )


def file_defence(filer) -> Submission:
    return submission_create(
        user=filer,
        case=filer.case,
        uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file())],
    )


def open_documents(client: Client, submission: Submission) -> None:
    """Open each document of ``submission`` through the admin's preview, as a clerk does before accepting."""
    for document in submission.documents.all():
        response = client.get(reverse("admin:filing_submission_preview", args=[document.pk]))
        assert response.status_code == 200
        b"".join(response.streaming_content)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_queue_lists_open_submissions_by_deemed_receipt_with_pending_last(
    clerk_client, firm_filer, party_in_person, document_storage
):
    later, earlier, pending, decided = (file_defence(firm_filer) for _ in range(4))
    opening = new_dcpi_case(party_in_person)
    base = timezone.now()
    Submission.objects.filter(pk=later.pk).update(deemed_received_at=base + timedelta(hours=2))
    Submission.objects.filter(pk=earlier.pk).update(deemed_received_at=base - timedelta(hours=2))
    Submission.objects.filter(pk=opening.pk).update(deemed_received_at=base)
    Submission.objects.filter(pk=pending.pk).update(deemed_received_at=None)
    Submission.objects.filter(pk=decided.pk).update(status=Submission.Status.ACCEPTED)

    response = clerk_client.get(CHANGELIST)

    assert response.status_code == 200
    shown = re.findall(r"ES-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", response.text)
    shown = list(dict.fromkeys(shown))
    assert shown == [earlier.reference, opening.reference, later.reference, pending.reference]
    assert shown == [s.reference for s in review_queue()]
    assert "new: DCPI" in response.text
    assert "pending reopening" in response.text
    assert decided.reference in clerk_client.get(CHANGELIST + "?status=all").text


def test_the_queue_filters_by_court_case_type_and_status(clerk_client, firm_filer, party_in_person, document_storage):
    defence = file_defence(firm_filer)
    opening = new_dcpi_case(party_in_person)
    dcpi = opening.case.case_type

    by_type = clerk_client.get(CHANGELIST + f"?case__case_type__id__exact={dcpi.pk}").text
    assert opening.reference in by_type and defence.reference not in by_type
    by_court = clerk_client.get(CHANGELIST + f"?case__case_type__court__id__exact={dcpi.court_id}").text
    assert opening.reference in by_court and defence.reference in by_court
    assert defence.reference not in clerk_client.get(CHANGELIST + "?status=returned").text


def test_the_change_page_shows_each_document_with_its_hash_and_a_preview_link(
    clerk_client, party_in_person, document_storage
):
    submission = new_dcpi_case(party_in_person)
    response = clerk_client.get(reverse("admin:filing_submission_change", args=[submission.pk]))

    assert response.status_code == 200
    for document in submission.documents.all():
        assert document.sha256 in response.text
        assert reverse("admin:filing_submission_preview", args=[document.pk]) in response.text
    assert reverse("admin:filing_submission_accept", args=[submission.pk]) in response.text
    assert 'name="_save"' not in response.text  # nothing on the page is editable


def test_a_clerk_accepts_a_new_case_which_is_numbered_sealed_and_the_filer_told(
    clerk, clerk_client, party_in_person, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    submission = new_dcpi_case(party_in_person)
    mail.outbox.clear()
    open_documents(clerk_client, submission)

    with once_received_in_law(submission), django_capture_on_commit_callbacks(execute=True):
        response = clerk_client.post(reverse("admin:filing_submission_accept", args=[submission.pk]))

    assert response.status_code == 302 and response.url == CHANGELIST
    submission.refresh_from_db()
    year = timezone.localtime(submission.deemed_received_at).year
    assert submission.status == Submission.Status.ACCEPTED and submission.decided_by == clerk
    case = Case.objects.get(pk=submission.case_id)
    assert case.case_number == f"DCPI 1/{year}"
    assert case.status == Case.Status.ACTIVE
    documents = list(submission.documents.select_related("document_type").order_by("ordinal"))
    assert all(d.drn and len(d.drn) == 12 for d in documents)
    assert [d.public_inspection for d in documents] == [True, False]  # writ open, statement of damages not
    assert all(d.sealed_storage_key and d.sealed_sha256 != d.sha256 for d in documents)
    decision = MessageItem.objects.get(recipient=party_in_person, submission=submission, kind="decision")
    assert f"DCPI 1/{year}" in decision.subject_en
    assert any(party_in_person.email in m.to for m in mail.outbox)
    assert AuditEvent.objects.filter(event_type="filing.submission_accepted", actor=clerk).exists()
    assert any(f"DCPI 1/{year}" in text for text in texts(response))


@pytest.fixture
def refunds():
    """A payments-like handler registered through the hook, removed again afterwards."""
    calls: list[Submission] = []

    def refund(submission: Submission) -> None:
        calls.append(submission)

    hooks.register_submission_returned(refund)
    yield calls
    hooks._returned_handlers.remove(refund)  # filing.hooks has no unregister yet


def test_a_clerk_returns_a_submission_with_a_reason_and_the_refund_hook_runs(
    clerk, clerk_client, firm_filer, document_storage, refunds, django_capture_on_commit_callbacks
):
    submission = file_defence(firm_filer)
    url = reverse("admin:filing_submission_return", args=[submission.pk])
    page = clerk_client.get(url)
    assert page.status_code == 200
    assert "The document is incomplete" in page.text

    incomplete = ReturnReason.objects.get(code="incomplete")
    with once_received_in_law(submission), django_capture_on_commit_callbacks(execute=True):
        response = clerk_client.post(url, {"reason": incomplete.pk, "note": "Page 3 is missing."})

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    assert submission.return_reason == incomplete and submission.return_note == "Page 3 is missing."
    assert [s.pk for s in refunds] == [submission.pk]
    message = MessageItem.objects.get(recipient=firm_filer, submission=submission, kind="decision")
    assert "Page 3 is missing." in message.body_en and "文件不完整" in message.body_zh
    assert AuditEvent.objects.filter(event_type="filing.submission_returned", actor=clerk).exists()


def test_returning_for_another_reason_needs_a_note(clerk_client, firm_filer, document_storage, refunds):
    submission = file_defence(firm_filer)
    other = ReturnReason.objects.get(code="other")
    response = clerk_client.post(
        reverse("admin:filing_submission_return", args=[submission.pk]), {"reason": other.pk, "note": " "}
    )

    assert response.status_code == 200
    assert "Explain the reason in the note." in response.text
    submission.refresh_from_db()
    assert submission.is_open and refunds == []


def test_bulk_accept_reports_on_each_submission(clerk_client, firm_filer, document_storage):
    first, second, returned, pending = (file_defence(firm_filer) for _ in range(4))
    Submission.objects.filter(pk=returned.pk).update(status=Submission.Status.RETURNED)
    Submission.objects.filter(pk=pending.pk).update(deemed_received_at=None)
    for submission in (first, second):
        open_documents(clerk_client, submission)

    with once_received_in_law(second):
        response = clerk_client.post(
            CHANGELIST + "?status=all",
            {"action": "accept_selected", "_selected_action": [first.pk, second.pk, returned.pk, pending.pk]},
        )

    assert response.status_code == 302
    reports = texts(response)
    assert sum("accepted in" in text for text in reports) == 2
    assert any(returned.reference in text and "already decided" in text for text in reports)
    assert any(pending.reference in text and "pending" in text for text in reports)
    statuses = dict(Submission.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == Submission.Status.ACCEPTED
    assert statuses[pending.pk] == Submission.Status.RECEIVED


def test_bulk_return_asks_for_a_reason_first(clerk_client, firm_filer, document_storage, refunds):
    one, two = file_defence(firm_filer), file_defence(firm_filer)
    selection = {"action": "return_selected", "_selected_action": [one.pk, two.pk]}

    asked = clerk_client.post(CHANGELIST, selection)
    assert asked.status_code == 200 and one.reference in asked.text and two.reference in asked.text

    duplicate = ReturnReason.objects.get(code="duplicate")
    with once_received_in_law(two):
        done = clerk_client.post(CHANGELIST, {**selection, "reason": duplicate.pk, "note": ""})
    assert done.status_code == 302
    assert set(Submission.objects.values_list("status", flat=True)) == {Submission.Status.RETURNED}
    assert len(refunds) == 2


def test_deciding_twice_is_refused_with_a_message(clerk_client, firm_filer, document_storage):
    submission = file_defence(firm_filer)
    open_documents(clerk_client, submission)
    url = reverse("admin:filing_submission_accept", args=[submission.pk])
    with once_received_in_law(submission):
        clerk_client.post(url)
        response = clerk_client.post(url)
    assert any("already decided" in text for text in texts(response))


def test_accepting_is_post_only(clerk_client, firm_filer, document_storage):
    submission = file_defence(firm_filer)
    assert clerk_client.get(reverse("admin:filing_submission_accept", args=[submission.pk])).status_code == 405
    submission.refresh_from_db()
    assert submission.is_open


def test_nobody_edits_a_submission_in_the_admin(clerk_client, firm_filer, document_storage):
    submission = file_defence(firm_filer)
    response = clerk_client.post(
        reverse("admin:filing_submission_change", args=[submission.pk]), {"status": "accepted"}
    )
    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RECEIVED


def test_previewing_a_document_serves_it_inline_and_writes_an_audit_row(
    clerk, clerk_client, firm_filer, document_storage
):
    document = file_defence(firm_filer).documents.get()
    response = clerk_client.get(reverse("admin:filing_submission_preview", args=[document.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(event_type="filing.document_viewed_by_staff")
    assert event.actor == clerk and event.target_id == str(document.pk)
    assert event.after["copy"] == "original" and event.after["sha256"] == document.sha256


def test_there_is_no_sealed_copy_to_preview_before_acceptance(clerk_client, firm_filer, document_storage):
    document = file_defence(firm_filer).documents.get()
    url = reverse("admin:filing_submission_preview", args=[document.pk])
    assert clerk_client.get(url + "?copy=sealed").status_code == 404
    assert clerk_client.get(url + "?copy=nonsense").status_code == 404
    assert not AuditEvent.objects.filter(event_type="filing.document_viewed_by_staff").exists()


def test_a_non_staff_user_gets_no_admin_access(firm_filer, document_storage):
    submission = file_defence(firm_filer)
    document = submission.documents.get()
    client = Client()
    client.force_login(firm_filer)

    for url in (
        CHANGELIST,
        reverse("admin:filing_submission_change", args=[submission.pk]),
        reverse("admin:filing_submission_preview", args=[document.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
    client.post(reverse("admin:filing_submission_accept", args=[submission.pk]))
    submission.refresh_from_db()
    assert submission.is_open
    assert not AuditEvent.objects.filter(event_type="filing.document_viewed_by_staff").exists()


def test_staff_without_the_review_permissions_cannot_decide(firm_filer, document_storage):
    officer = staff_client(StaffFactory(group="Accounts officer"))
    submission = file_defence(firm_filer)
    assert officer.get(CHANGELIST).status_code == 403
    assert officer.post(reverse("admin:filing_submission_accept", args=[submission.pk])).status_code == 403
    document = Document.objects.get(submission=submission)
    assert officer.get(reverse("admin:filing_submission_preview", args=[document.pk])).status_code == 403


def test_supervisors_maintain_document_types_and_return_reasons_and_clerks_only_read_them(clerk_client):
    supervisor = staff_client(StaffFactory(group="Registry supervisor"))
    reason = ReturnReason.objects.get(code="illegible")
    change = reverse("admin:filing_returnreason_change", args=[reason.pk])
    response = supervisor.post(
        change, {"name_en": "The document cannot be read.", "name_zh": "文件無法閱讀。", "active": "on"}
    )
    assert response.status_code == 302
    reason.refresh_from_db()
    assert reason.name_en == "The document cannot be read."

    assert clerk_client.get(change).status_code == 200
    assert clerk_client.post(change, {"name_en": "x", "name_zh": "x"}).status_code == 403
    writ = document_type("DCPI", "writ")
    assert clerk_client.get(reverse("admin:filing_documenttype_change", args=[writ.pk])).status_code == 200
    assert supervisor.get(reverse("admin:filing_documenttype_change", args=[writ.pk])).status_code == 200


def test_the_queue_reads_in_chinese(clerk_client, party_in_person, document_storage):
    new_dcpi_case(party_in_person)
    with translation.override("en"):  # LocaleMiddleware leaves the request's language active in this thread
        response = clerk_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert "接納所選的提交" in response.text
    assert "新案件：DCPI" in response.text
    assert "待處理：在輪候隊列中" in response.text


def test_the_queue_says_when_a_filing_is_not_yet_received_in_law_and_accepting_it_is_refused(
    clerk_client, firm_filer, document_storage
):
    submission = file_defence(firm_filer)
    open_documents(clerk_client, submission)
    monday = datetime(2026, 11, 30, 8, 45, tzinfo=HKT)
    received_at(submission, datetime(2026, 11, 28, 11, 0, tzinfo=HKT))  # a Saturday
    with time_machine.travel(monday - timedelta(minutes=5), tick=False):
        queue = clerk_client.get(CHANGELIST).text
        assert "not yet received in law until 2026-11-30 08:45:00" in queue
        refused = clerk_client.post(reverse("admin:filing_submission_accept", args=[submission.pk]))
        assert any("Not yet received in law until Monday 30 November 2026, 08:45:00" in t for t in texts(refused))
    submission.refresh_from_db()
    assert submission.is_open
    with time_machine.travel(monday, tick=False):
        clerk_client.post(reverse("admin:filing_submission_accept", args=[submission.pk]))
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED


def test_a_returned_filings_decision_lists_no_sealed_copies_and_an_accepted_ones_lists_each_with_its_drn(
    clerk, firm_filer, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    returned, accepted = file_defence(firm_filer), file_defence(firm_filer)
    with once_received_in_law(accepted), django_capture_on_commit_callbacks(execute=True):
        filing_return(submission=returned, clerk=clerk, reason=ReturnReason.objects.get(code="unsigned"))
        filing_accept(submission=accepted, clerk=clerk, accepted_without_opening=True)
    client = Client()
    client.force_login(firm_filer)

    def decision_page(submission) -> str:
        message = MessageItem.objects.get(recipient=firm_filer, submission=submission, kind="decision")
        return client.get(reverse("filing:message", args=[message.pk])).content.decode()

    page = decision_page(returned)
    assert "Sealed copies" not in page and "DRN" not in page and "being prepared" not in page
    page = decision_page(accepted)
    document = accepted.documents.get()
    assert "Sealed copies" in page and f"DRN {document.drn}" in page
    assert reverse("filing:document", args=[document.pk, "sealed"]) in page


def test_a_queue_longer_than_its_count_offers_no_selection_of_all_across_pages(
    clerk_client, firm_filer, document_storage, monkeypatch, settings
):
    """Past its bound the list's count is "more than" (icms.core.admin_scale): "Select all 10,001
    submissions" would have named the bound while the action ran on every matching filing."""
    from filing.admin.review import SubmissionAdmin
    from icms.core import admin_scale

    for _ in range(3):
        new_dcpi_case(firm_filer)
    monkeypatch.setattr(SubmissionAdmin, "list_per_page", 1)
    monkeypatch.setattr(admin_scale.BoundedCountPaginator, "bound", 2)
    bounded = clerk_client.get(CHANGELIST).content.decode()
    assert "More than 2 submissions" in bounded and "Select all 3" not in bounded and "Select all 2" not in bounded
    assert "objects across all pages" not in bounded
    assert 'class="action-counter"' in bounded  # the rows shown can still be selected

    monkeypatch.setattr(admin_scale.BoundedCountPaginator, "bound", 10)
    counted = clerk_client.get(CHANGELIST).content.decode()
    assert "3 submissions" in counted and "Select all 3 submissions" in counted
