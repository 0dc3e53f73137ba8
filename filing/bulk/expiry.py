"""A batch not filed in time expires: its PDFs are kept only as long as a draft's.

A batch's PDFs wait in the drafts' store (:mod:`filing.bulk.pdfs`), whose S3 bucket removes
every object ``FILING_DRAFT_DAYS + AWS_DRAFTS_EXPIRY_MARGIN_DAYS`` days after it was written
(docs/storage.md, "Drafts"). So that a batch never loses its PDFs silently, it has a
deadline of its own, ``FILING_DRAFT_DAYS`` after it was checked, shown on its page:

* until then it is filed (a checked batch) or resumed (an interrupted one) as usual;
* after it, filing and resuming are refused with the deadline
  (:func:`filing.bulk.services.bulk_batch_file`, ``bulk_batch_resume``), and the hourly
  :func:`bulk_batches_expire` moves the batch to ``expired``: its rows not filed give up
  their references (``cancelled``, so they can be uploaded again), their PDFs are owed for
  removal, the fees paid for them are refunded at once (:mod:`filing.bulk.releasing`), and
  the change is audited (``filing.bulk_batch_cancelled``, status ``expired``, with the refunds).

A batch being filed (``filing``) is left alone: a worker is at it. Rows already filed keep
their summonses; their PDFs are in the documents' store already, and so is the manifest.
A batch that expires with nothing filed owes its manifest's removal too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from icms.core.audit import AuditEventType, audit_record
from icms.core.storage import StoredFiles

from ..models import BulkBatch, BulkItem
from .record import bulk_manifest_forget, manifest_files
from .releasing import UNFILED, bulk_rows_found_filed, bulk_rows_release

#: The batches that expire at their deadline: waiting for the filer, not for a worker.
EXPIRING = (BulkBatch.Status.CHECKED, BulkBatch.Status.INTERRUPTED)


def bulk_batch_days() -> int:
    """How many days a batch's PDFs are kept for filing: a draft's lifetime, ``FILING_DRAFT_DAYS``."""
    return int(settings.FILING_DRAFT_DAYS)


def bulk_batch_deadline(batch: BulkBatch) -> datetime:
    """When the batch must have been filed (or resumed) by: ``bulk_batch_days()`` after it was checked."""
    return batch.created_at + timedelta(days=bulk_batch_days())


def bulk_batch_past_deadline(batch: BulkBatch, *, now: datetime | None = None) -> bool:
    return (now or timezone.now()) >= bulk_batch_deadline(batch)


def bulk_batches_expire(*, now: datetime, limit: int = 100) -> int:
    """Expire the checked or interrupted batches whose deadline has passed by ``now``. Returns how many.

    Each batch in a transaction of its own (durable: a row found filed may keep the manifest,
    :mod:`filing.bulk.record`), locked (``skip_locked``: one being filed or cancelled this
    moment is left for the next run). Idempotent.
    """
    cutoff = now - timedelta(days=bulk_batch_days())
    expired = 0
    while True:
        with manifest_files() as files:
            batch = (
                BulkBatch.objects.select_for_update(skip_locked=True)
                .filter(status__in=EXPIRING, created_at__lte=cutoff)
                .order_by("pk")
                .first()
            )
            if batch is None:
                return expired
            _expire(batch, now=now, files=files)
        expired += 1
        if expired >= limit:
            return expired


def _expire(batch: BulkBatch, *, now: datetime, files: StoredFiles) -> None:
    rows = BulkItem.objects.filter(batch=batch, status__in=UNFILED)
    bulk_rows_found_filed(batch=batch, rows=rows, files=files)  # filed after all: recorded, not released
    outcome = bulk_rows_release(
        batch=batch,
        rows=rows,  # read again: those found filed just now are no longer among them
        reason=f"Bulk batch {batch.pk} expired: rows not filed within {bulk_batch_days()} days",
    )
    BulkBatch.objects.filter(pk=batch.pk, status=batch.status).update(
        status=BulkBatch.Status.EXPIRED, finished_at=now, updated_at=now
    )
    batch.refresh_from_db(fields=["rows_filed"])
    if not batch.rows_filed:
        bulk_manifest_forget(batch)
    audit_record(
        event_type=AuditEventType.FILING_BULK_BATCH_CANCELLED,
        target=batch,
        before={"status": batch.status},
        after={
            "status": BulkBatch.Status.EXPIRED,
            "reason": f"not filed within {bulk_batch_days()} days",
            "deadline": bulk_batch_deadline(batch).isoformat(),
            "rows_filed": batch.rows_filed,
            "payment_reference": batch.payment_reference,
            **outcome,
        },
    )
