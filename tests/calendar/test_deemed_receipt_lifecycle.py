"""One lifecycle for a filing's deemed time (docs/calendar.md, "The lifecycle of a deemed time").

A filing received on a Saturday afternoon; a Typhoon Signal No. 8 closure recorded after it;
the reopening recorded; decisions refused until the deemed time has come; and calendar changes
that would move a filing already decided, which staff correct or dismiss with a reason.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from pypdf import PdfReader

from filing.models import AcknowledgementVersion, Document, MessageItem, Submission
from filing.services import (
    DocumentUpload,
    NewCase,
    NewParty,
    filing_accept,
    filing_return,
    submission_acknowledge,
    submission_create,
    submission_documents_seal,
)
from filing.services.review import ReviewRefused
from icms.calendar.models import Closure, DeemedReceiptConflict
from icms.calendar.services import (
    ConflictRefused,
    calendar_record_delete,
    calendar_record_save,
    deemed_receipt_conflict_correct,
    deemed_receipt_conflict_dismiss,
)
from icms.core.models import AuditEvent
from icms.core.storage import read_document
from tests.factories import StaffFactory
from tests.filing.conftest import document_type, pdf_file, received_at

HKT = ZoneInfo("Asia/Hong_Kong")
SATURDAY_1638 = datetime(2026, 11, 28, 16, 38, tzinfo=HKT)
SATURDAY_1644 = datetime(2026, 11, 28, 16, 44, tzinfo=HKT)
MONDAY_0845 = datetime(2026, 11, 30, 8, 45, tzinfo=HKT)
MONDAY_0930 = datetime(2026, 11, 30, 9, 30, tzinfo=HKT)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("document_storage", "celery_eager")]


def pdf_text(key: str) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(read_document(key))).pages)


@pytest.fixture
def clerk(db):
    return StaffFactory(group="Registry clerk")


@pytest.fixture
def saturday_filing(party_in_person) -> Submission:
    """A writ received on Saturday at 16:38, its first acknowledgement sent."""
    submission = submission_create(
        user=party_in_person,
        new_case=NewCase(
            case_type=document_type("DCCJ", "writ").case_type,
            applicants=[NewParty(name_en="CHAN Tai Man")],
            respondents=[NewParty(name_en="GOLDEN HARBOUR LIMITED", kind="company")],
            nature_en="Money claim",
        ),
        uploads=[DocumentUpload(document_type("DCCJ", "writ"), "Writ of summons", pdf_file(1))],
    )
    received_at(submission, SATURDAY_1638)
    assert submission_acknowledge(submission_id=submission.pk) == 1
    submission.refresh_from_db()
    return submission


def record_closure(clerk, capture, *, starts_at=SATURDAY_1644, reopens_at=None) -> Closure:
    with capture(execute=True):
        return calendar_record_save(
            actor=clerk, record=Closure(reason="typhoon", starts_at=starts_at, reopens_at=reopens_at)
        )


def record_reopening(clerk, capture, closure: Closure, reopens_at=MONDAY_0930) -> Closure:
    closure.reopens_at = reopens_at
    with capture(execute=True):
        return calendar_record_save(actor=clerk, record=closure)


def test_a_saturday_filing_is_deemed_received_at_monday_opening(saturday_filing):
    assert saturday_filing.deemed_received_at == MONDAY_0845
    version = saturday_filing.acknowledgement_versions.get()
    assert (version.version, version.deemed_received_at, version.is_revision) == (1, MONDAY_0845, False)
    assert "30 Nov 2026, 08:45:00 HKT" in pdf_text(version.storage_key)
    assert saturday_filing.acknowledgement_key == version.storage_key


def test_a_closure_recorded_late_makes_the_time_pending_and_the_filer_is_told(
    saturday_filing, clerk, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    record_closure(clerk, django_capture_on_commit_callbacks)

    saturday_filing.refresh_from_db()
    assert (saturday_filing.deemed_received_at, saturday_filing.deemed_rule) == (None, "closure_pending")
    revised = saturday_filing.acknowledgement_versions.get(version=2)
    assert (revised.previous_deemed_received_at, revised.deemed_received_at) == (MONDAY_0845, None)
    assert "not yet announced" in revised.reason_en
    # The new PDF says which version it is and what changed; the first is kept, superseded.
    text = pdf_text(revised.storage_key)
    assert "Revised: version 2" in text
    assert "30 Nov 2026, 08:45:00 HKT" in text and "“pending”" in text
    assert saturday_filing.acknowledgement_key == revised.storage_key
    assert saturday_filing.acknowledgement_versions.get(version=1).storage_key
    # A message and an email, in both languages.
    message = MessageItem.objects.get(submission=saturday_filing, kind="acknowledgement_revised", version=2)
    assert message.attachment_key == revised.storage_key
    assert "pending" in message.body_en and "待定" in message.body_zh
    assert [m.to for m in mail.outbox] == [[saturday_filing.submitted_by.email]]
    assert "version 2" in mail.outbox[0].subject and "pending" in mail.outbox[0].body


def test_recording_the_reopening_makes_a_second_revision_with_the_time(
    saturday_filing, clerk, django_capture_on_commit_callbacks
):
    closure = record_closure(clerk, django_capture_on_commit_callbacks)
    record_reopening(clerk, django_capture_on_commit_callbacks, closure)

    saturday_filing.refresh_from_db()
    # Received before the closure began: a non-working day, whose next opening is the reopening.
    assert (saturday_filing.deemed_received_at, saturday_filing.deemed_rule) == (MONDAY_0930, "non_working_day")
    third = saturday_filing.acknowledgement_versions.get(version=3)
    assert (third.previous_deemed_received_at, third.deemed_received_at) == (None, MONDAY_0930)
    assert third.reason_en == "The Registry's reopening time has been announced."
    assert "30 Nov 2026, 09:30:00 HKT" in pdf_text(third.storage_key)
    assert MessageItem.objects.filter(submission=saturday_filing, kind="acknowledgement_revised").count() == 2
    assert list(saturday_filing.acknowledgement_versions.values_list("version", flat=True)) == [1, 2, 3]


def test_recording_the_same_change_twice_sends_nothing_more(
    saturday_filing, clerk, django_capture_on_commit_callbacks
):
    closure = record_closure(clerk, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_record_save(actor=clerk, record=closure)  # saved again unchanged
    assert saturday_filing.acknowledgement_versions.count() == 2


def test_the_registry_cannot_decide_before_the_deemed_time_or_while_it_is_pending(
    saturday_filing, clerk, django_capture_on_commit_callbacks
):
    closure = record_closure(clerk, django_capture_on_commit_callbacks)
    with time_machine.travel(datetime(2026, 11, 30, 9, 0, tzinfo=HKT), tick=False):
        with pytest.raises(ReviewRefused) as pending:
            filing_accept(submission=saturday_filing, clerk=clerk, accepted_without_opening=True)
        assert pending.value.code == "pending"
        record_reopening(clerk, django_capture_on_commit_callbacks, closure)
        with pytest.raises(ReviewRefused) as early:
            filing_accept(submission=saturday_filing, clerk=clerk, accepted_without_opening=True)
        assert early.value.code == "not_yet_received"
        assert "Not yet received in law until Monday 30 November 2026, 09:30:00" in early.value.messages[0]
        from filing.models import ReturnReason

        with pytest.raises(ReviewRefused):
            filing_return(submission=saturday_filing, clerk=clerk, reason=ReturnReason.objects.first())
    saturday_filing.refresh_from_db()
    assert saturday_filing.status == Submission.Status.RECEIVED

    with (
        time_machine.travel(datetime(2026, 11, 30, 9, 31, tzinfo=HKT), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        filing_accept(submission=saturday_filing, clerk=clerk, accepted_without_opening=True)
    document = Document.objects.get(submission=saturday_filing)
    assert "30 Nov 2026, 09:30:00 HKT" in pdf_text(document.sealed_storage_key)


def _accepted(saturday_filing, clerk, capture) -> Submission:
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=HKT), tick=False), capture(execute=True):
        filing_accept(submission=saturday_filing, clerk=clerk, accepted_without_opening=True)
    saturday_filing.refresh_from_db()
    return saturday_filing


def test_a_closure_that_would_move_a_decided_filing_lists_it_and_changes_nothing(
    saturday_filing, clerk, django_capture_on_commit_callbacks
):
    accepted = _accepted(saturday_filing, clerk, django_capture_on_commit_callbacks)
    sealed_key = Document.objects.get(submission=accepted).sealed_storage_key

    record_closure(clerk, django_capture_on_commit_callbacks, reopens_at=MONDAY_0930)

    accepted.refresh_from_db()
    assert accepted.deemed_received_at == MONDAY_0845
    assert accepted.acknowledgement_versions.count() == 1
    assert Document.objects.get(submission=accepted).sealed_storage_key == sealed_key
    conflict = DeemedReceiptConflict.objects.get()
    assert (conflict.status, conflict.recorded_deemed_at, conflict.proposed_deemed_at) == (
        "open",
        MONDAY_0845,
        MONDAY_0930,
    )
    assert conflict.target_label == accepted.reference
    assert AuditEvent.objects.filter(event_type="calendar.deemed_receipt_conflict_listed").count() == 1


def test_staff_correct_a_sealed_filing_which_is_reissued_under_the_same_drn(
    saturday_filing, clerk, party_in_person, django_capture_on_commit_callbacks
):
    accepted = _accepted(saturday_filing, clerk, django_capture_on_commit_callbacks)
    document = Document.objects.get(submission=accepted)
    first_key, first_sha, drn = document.sealed_storage_key, document.sealed_sha256, document.drn
    record_closure(clerk, django_capture_on_commit_callbacks, reopens_at=MONDAY_0930)
    conflict = DeemedReceiptConflict.objects.get()
    mail.outbox.clear()

    with pytest.raises(ConflictRefused):
        deemed_receipt_conflict_correct(conflict=conflict, actor=clerk, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        deemed_receipt_conflict_correct(conflict=conflict, actor=clerk, reason="T8 signal was up at 08:45")

    accepted.refresh_from_db()
    assert accepted.deemed_received_at == MONDAY_0930
    revised = accepted.acknowledgement_versions.get(version=2)
    assert "T8 signal was up at 08:45" in revised.reason_en
    document.refresh_from_db()
    assert (document.drn, document.sealed_version) == (drn, 2)
    assert document.sealed_storage_key not in ("", first_key)
    text = pdf_text(document.sealed_storage_key)
    assert "30 Nov 2026, 09:30:00 HKT" in text and "Re-issued, version 2" in text
    superseded = document.superseded_sealed_copies.get()
    assert (superseded.version, superseded.storage_key, superseded.sha256) == (1, first_key, first_sha)
    assert superseded.deemed_received_at == MONDAY_0845
    # Every party on record is told; the filer also gets the revised acknowledgement.
    reissued = MessageItem.objects.filter(kind="sealed_copy_reissued", submission=accepted)
    assert list(reissued.values_list("recipient", flat=True)) == [party_in_person.pk]
    assert {m.subject.split(" ")[1] for m in mail.outbox} >= {"Revised", "Sealed"}
    assert AuditEvent.objects.filter(event_type="calendar.deemed_receipt_corrected").get().after["reason"] == (
        "T8 signal was up at 08:45"
    )
    conflict.refresh_from_db()
    assert (conflict.status, conflict.resolved_by) == ("corrected", clerk)
    # Sealing again finds nothing to do and tells nobody twice.
    assert submission_documents_seal(submission_id=accepted.pk) == 0
    assert reissued.count() == 1


def test_staff_dismiss_with_a_reason_and_the_record_stays(saturday_filing, clerk, django_capture_on_commit_callbacks):
    accepted = _accepted(saturday_filing, clerk, django_capture_on_commit_callbacks)
    record_closure(clerk, django_capture_on_commit_callbacks, reopens_at=MONDAY_0930)
    conflict = DeemedReceiptConflict.objects.get()
    deemed_receipt_conflict_dismiss(conflict=conflict, actor=clerk, reason="Closure entered late; filing stands")
    with pytest.raises(ConflictRefused):
        deemed_receipt_conflict_correct(conflict=conflict, actor=clerk, reason="changed my mind")
    accepted.refresh_from_db()
    assert accepted.deemed_received_at == MONDAY_0845
    assert AcknowledgementVersion.objects.filter(submission=accepted).count() == 1


def test_deleting_the_closure_withdraws_the_listing(saturday_filing, clerk, django_capture_on_commit_callbacks):
    _accepted(saturday_filing, clerk, django_capture_on_commit_callbacks)
    closure = record_closure(clerk, django_capture_on_commit_callbacks, reopens_at=MONDAY_0930)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_record_delete(actor=clerk, record=closure)
    assert DeemedReceiptConflict.objects.get().status == "withdrawn"


def test_a_pending_proposal_cannot_be_corrected_to(saturday_filing, clerk, django_capture_on_commit_callbacks):
    _accepted(saturday_filing, clerk, django_capture_on_commit_callbacks)
    record_closure(clerk, django_capture_on_commit_callbacks)  # reopening not yet known
    conflict = DeemedReceiptConflict.objects.get()
    assert conflict.proposed_deemed_at is None
    with pytest.raises(ConflictRefused) as refused:
        deemed_receipt_conflict_correct(conflict=conflict, actor=clerk, reason="typhoon")
    assert refused.value.code == "pending"
