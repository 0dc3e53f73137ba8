"""Filing's outbox work when it fails: the filer is told, staff are alerted, nothing is silent.

And the sweep's check: an accepted filing left without sealed copies, or a submission
without its acknowledgement, for longer than one sweep interval is reported as failed work.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from filing.models import MessageItem, Submission
from filing.services import DocumentUpload, filing_accept, submission_create
from icms.core.audit_events import AuditEventType
from icms.core.models import AuditEvent, OutboxItem
from icms.core.outbox import outbox_item_retry, outbox_item_run, outbox_sweep
from icms.core.outbox.dispatch import STAFF_ALERT
from tests.clock import once_received_in_law
from tests.factories import StaffFactory
from tests.filing.conftest import document_type, pdf_file

pytestmark = pytest.mark.django_db

State = OutboxItem.State


def _defence(filer) -> Submission:
    return submission_create(
        user=filer, case=filer.case, uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file())]
    )


def _accepted(filer, clerk) -> Submission:
    submission = _defence(filer)
    with once_received_in_law(submission):
        filing_accept(submission=submission, clerk=clerk, accepted_without_opening=True)
    submission.refresh_from_db()
    return submission


def _after_one_sweep_interval(since=None):
    """Move past one sweep interval after ``since`` (the decision, which a test may have
    made on a later clock), or after now."""
    start = max(timezone.now(), since or timezone.now())
    return time_machine.travel(start + timedelta(seconds=3 * settings.OUTBOX_SWEEP_INTERVAL), tick=True)


def _run_due(item: OutboxItem) -> str:
    item.refresh_from_db()
    with time_machine.travel(max(timezone.now(), item.next_attempt_at) + timedelta(seconds=1), tick=True):
        return outbox_item_run(item.pk)


def _notices(user) -> list[str]:
    return list(MessageItem.objects.filter(recipient=user, kind="notice").values_list("subject_en", flat=True))


def test_sealing_that_cannot_read_the_original_fails_and_the_filer_learns_the_copies_will_follow(
    firm_filer, document_storage, outbox_held
):
    StaffFactory(group="Registry supervisor", email="supervisor@judiciary.example.hk")
    submission = _accepted(firm_filer, StaffFactory(group="Registry clerk"))
    for document in submission.documents.all():
        (document_storage / document.storage_key).unlink()  # the store lost the original
    item = OutboxItem.objects.get(kind="filing.seal", target_id=str(submission.pk))
    assert _run_due(item) == "failed"  # not a transient error: no retries
    item.refresh_from_db()
    assert item.last_error.startswith("FileNotFoundError")
    assert _notices(firm_filer) == [f"Your sealed copies for {submission.reference} will follow"]
    event = AuditEvent.objects.get(event_type=AuditEventType.FILING_SEALING_FAILED)
    assert event.after["outbox_item"] == item.pk
    assert OutboxItem.objects.filter(kind=STAFF_ALERT, target_id=str(item.pk)).count() == 1
    # No decision message claims the copies are there.
    assert not MessageItem.objects.filter(recipient=firm_filer, submission=submission, kind="decision").exists()


def test_an_accepted_filing_whose_sealing_was_lost_is_reported_then_sealed_when_tried_again(
    firm_filer, document_storage, outbox_held, django_capture_on_commit_callbacks
):
    submission = _accepted(firm_filer, StaffFactory(group="Registry clerk"))
    OutboxItem.objects.filter(kind="filing.seal").delete()  # the work was lost (never owed)
    assert outbox_sweep().reported == 0  # within one sweep interval: not yet a breach
    with _after_one_sweep_interval(since=submission.decided_at):
        assert outbox_sweep().reported == 1
        assert outbox_sweep().reported == 0  # reported once
    reported = OutboxItem.objects.get(kind="filing.seal", target_id=str(submission.pk))
    assert reported.state == State.FAILED and "no sealed copy" in reported.last_error
    assert _notices(firm_filer) == [f"Your sealed copies for {submission.reference} will follow"]
    assert AuditEvent.objects.filter(event_type=AuditEventType.FILING_SEALING_FAILED).count() == 1

    supervisor = StaffFactory(group="Registry supervisor")
    assert outbox_item_retry(item=reported, actor=supervisor)
    assert _run_due(reported) == "done"
    assert not submission.documents.filter(sealed_storage_key="").exists()
    assert MessageItem.objects.filter(recipient=firm_filer, submission=submission, kind="decision").count() == 1
    with _after_one_sweep_interval(since=submission.decided_at):
        assert outbox_sweep().reported == 0


def test_a_submission_whose_acknowledgement_was_lost_is_reported(firm_filer, document_storage, outbox_held):
    submission = _defence(firm_filer)
    OutboxItem.objects.filter(kind="filing.acknowledge").delete()
    with _after_one_sweep_interval():
        assert outbox_sweep().reported == 1
    reported = OutboxItem.objects.get(kind="filing.acknowledge", target_id=str(submission.pk))
    assert reported.state == State.FAILED
    assert _notices(firm_filer) == [f"Your acknowledgement for {submission.reference} will follow"]


def test_work_still_owed_is_not_a_breach(firm_filer, document_storage, outbox_held):
    submission = _accepted(firm_filer, StaffFactory(group="Registry clerk"))
    with _after_one_sweep_interval(since=submission.decided_at):
        assert outbox_sweep().reported == 0  # pending: owed, and /healthz counts it if overdue
