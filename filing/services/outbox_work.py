"""Filing's outbox work: what each kind does, and what happens when it fails for good.

Each ``*_failed`` service runs when the work has failed for good: the filer is told
the document will follow; the outbox audits it and alerts the registry supervisors.
The sweep's invariant check (:func:`filing_follow_up_check`) reports accepted filings
left without sealed copies, and submissions left without an acknowledgement, for
longer than one sweep interval with no work owed for them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef

from icms.core.audit_events import AuditEventType
from icms.core.drafts_storage import draft_files_delete
from icms.core.messages import render_message
from icms.core.models import OutboxItem
from icms.core.outbox import register_invariant, register_kind, report_missing

from ..models import AcknowledgementVersion, Document, Submission
from .acknowledgements import submission_acknowledge
from .court_documents import court_document_deliver
from .follow_up import ACKNOWLEDGE, DELIVER_COURT_DOCUMENT, DRAFT_FILES_DELETE, SEAL
from .messages import message_post
from .sealing import submission_documents_seal

# Filing failures need the registry: its supervisors are alerted.
REGISTRY_ALERTS = "Registry supervisor"


def _filer_told(item: OutboxItem, what: str) -> None:
    submission = Submission.objects.select_related("submitted_by").get(pk=int(item.target_id))
    text = render_message("filing/messages/follow_up_delayed", {"reference": submission.reference, "what": what})
    message_post(
        recipient=submission.submitted_by,
        kind="notice",
        subject_en=text.subject.en,
        subject_zh=text.subject.zh,
        body_en=text.body.en,
        body_zh=text.body.zh,
    )


def acknowledgement_failed(item: OutboxItem) -> None:
    """The acknowledgement could not be made: the filer learns it will follow."""
    _filer_told(item, "acknowledgement")


def sealing_failed(item: OutboxItem) -> None:
    """The sealed copies could not be made: the filer learns they will follow."""
    _filer_told(item, "sealing")


def court_document_delivery_failed(item: OutboxItem) -> None:
    """Nobody outside the registry knows of the document yet; the alert to staff is the report."""


def draft_files_delete_failed(item: OutboxItem) -> None:
    """Nobody is waiting for it: the drafts are gone for the filer already. The audit record
    and ``/healthz`` report it; on S3 the drafts bucket's lifecycle rule removes the files anyway."""


def filing_follow_up_check(now: datetime) -> int:
    """Report filings left without what they are owed for longer than one sweep interval.

    Owed work that is pending, running or failed is already tracked; this finds work
    that was lost (never owed, or marked done without its result). Returns how many
    were reported.
    """
    settled = now - timedelta(seconds=2 * settings.OUTBOX_SWEEP_INTERVAL)
    reported = 0
    unacknowledged = Submission.objects.filter(
        received_at__lt=settled,
        pk__in=AcknowledgementVersion.objects.filter(storage_key="").values("submission_id"),
    )
    for submission in unacknowledged.order_by("pk")[:200]:
        item = report_missing(
            ACKNOWLEDGE, target=submission, error="The acknowledgement was not made, and no work was owed for it."
        )
        reported += item is not None
    unsealed = Submission.objects.filter(
        status=Submission.Status.ACCEPTED,
        decided_at__lt=settled,
    ).filter(Exists(Document.objects.filter(submission=OuterRef("pk"), sealed_storage_key="")))
    for submission in unsealed.order_by("pk")[:200]:
        item = report_missing(
            SEAL, target=submission, error="The accepted filing has no sealed copy, and no work was owed for it."
        )
        reported += item is not None
    return reported


def register_filing_follow_ups() -> None:
    register_kind(
        ACKNOWLEDGE,
        run=lambda item: submission_acknowledge(submission_id=int(item.target_id)),
        failed=acknowledgement_failed,
        failed_event=AuditEventType.FILING_ACKNOWLEDGEMENT_FAILED,
        alert_group=REGISTRY_ALERTS,
        rendering=True,
    )
    register_kind(
        SEAL,
        run=lambda item: submission_documents_seal(submission_id=int(item.target_id)),
        failed=sealing_failed,
        failed_event=AuditEventType.FILING_SEALING_FAILED,
        alert_group=REGISTRY_ALERTS,
        rendering=True,
    )
    register_kind(
        DELIVER_COURT_DOCUMENT,
        run=lambda item: court_document_deliver(court_document_id=int(item.target_id)),
        failed=court_document_delivery_failed,
        failed_event=AuditEventType.FILING_COURT_DOCUMENT_DELIVERY_FAILED,
        alert_group=REGISTRY_ALERTS,
        rendering=True,
    )
    register_kind(
        DRAFT_FILES_DELETE,
        run=lambda item: draft_files_delete(item.payload.get("keys", [])),
        failed=draft_files_delete_failed,
        failed_event=AuditEventType.FILING_DRAFT_FILES_DELETE_FAILED,
        time_limit=120,
    )
    register_invariant(filing_follow_up_check)
