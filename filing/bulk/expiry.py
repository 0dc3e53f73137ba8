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
  removal, and the change is audited (``filing.bulk_batch_cancelled``, status ``expired``).

A batch being filed (``filing``) is left alone: a worker is at it. Rows already filed keep
their summonses; their PDFs are in the documents' store already.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from icms.core.audit import AuditEventType, audit_record

from ..models import BulkBatch, BulkItem
from ..services.follow_up import draft_files_delete_owe

#: The batches that expire at their deadline: waiting for the filer, not for a worker.
EXPIRING = (BulkBatch.Status.CHECKED, BulkBatch.Status.INTERRUPTED)
#: The rows an expired batch lets go of: every row not filed that holds its reference.
_RELEASED = (BulkItem.Status.PENDING, BulkItem.Status.FILING, BulkItem.Status.FAILED)


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

    Each batch in a transaction of its own, locked (``skip_locked``: one being filed or
    cancelled this moment is left for the next run). Idempotent.
    """
    cutoff = now - timedelta(days=bulk_batch_days())
    expired = 0
    while True:
        with transaction.atomic():
            batch = (
                BulkBatch.objects.select_for_update(skip_locked=True)
                .filter(status__in=EXPIRING, created_at__lte=cutoff)
                .order_by("pk")
                .first()
            )
            if batch is None:
                return expired
            _expire(batch, now=now)
        expired += 1
        if expired >= limit:
            return expired


def _expire(batch: BulkBatch, *, now: datetime) -> None:
    rows = BulkItem.objects.filter(batch=batch, status__in=_RELEASED)
    keys = [key for key in rows.values_list("pdf_storage_key", flat=True) if key]
    released = rows.update(status=BulkItem.Status.CANCELLED, data={}, updated_at=now)
    BulkBatch.objects.filter(pk=batch.pk, status=batch.status).update(
        status=BulkBatch.Status.EXPIRED, finished_at=now, updated_at=now
    )
    audit_record(
        event_type=AuditEventType.FILING_BULK_BATCH_CANCELLED,
        target=batch,
        before={"status": batch.status},
        after={
            "status": BulkBatch.Status.EXPIRED,
            "reason": f"not filed within {bulk_batch_days()} days",
            "deadline": bulk_batch_deadline(batch).isoformat(),
            "rows_released": released,
            "rows_filed": batch.rows_filed,
            "payment_reference": batch.payment_reference,
        },
    )
    # A batch from before keeps its PDFs where they are (the documents' store): logged, not owed.
    draft_files_delete_owe(keys, label=f"PDFs of expired bulk batch {batch.pk}")
