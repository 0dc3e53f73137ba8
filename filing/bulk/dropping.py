"""The filer drops a failed row of an interrupted bulk batch (docs/bulk-filing.md, "A row that keeps failing").

The row is let go like the rows of an expired batch (:mod:`filing.bulk.releasing`: cancelled,
its PDF owed for removal, its own fee refunded at once), audited in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from icms.core.audit import AuditEventType, audit_record

from ..models import BulkBatch, BulkItem
from .record import bulk_manifest_forget, manifest_files
from .releasing import UNFILED, bulk_rows_found_filed, bulk_rows_release
from .services import BulkRefused, bulk_filing_organisation

BatchStatus = BulkBatch.Status
ItemStatus = BulkItem.Status


def bulk_item_drop(*, item: BulkItem, user: User, ip_address: str | None = None) -> BulkBatch:
    """Drop a failed row of an interrupted batch: cancelled, its PDF removed, its fee refunded. The batch.

    Refused (:class:`~filing.bulk.services.BulkRefused`) unless the row failed and the batch
    is interrupted; ``PermissionDenied`` for a user who may not file for the batch's
    organisation. When no row is left to file the batch ends (filed, or cancelled if nothing
    of it was filed). Audited as ``filing.bulk_batch_cancelled`` with ``row`` and ``status:
    dropped`` (the batch's own status in ``batch_status``).
    """
    organisation = bulk_filing_organisation(user)
    if organisation is None:
        raise PermissionDenied
    with manifest_files() as files:
        batch = BulkBatch.objects.select_for_update().filter(pk=item.batch_id, organisation=organisation).first()
        if batch is None:
            raise PermissionDenied
        locked = BulkItem.objects.filter(pk=item.pk, batch=batch).first()
        if locked is None:
            raise PermissionDenied
        if batch.status != BatchStatus.INTERRUPTED:
            raise BulkRefused(_("A row can be dropped only while its batch is interrupted."), code="not_interrupted")
        if locked.status != ItemStatus.FAILED:
            raise BulkRefused(_("Only a row that failed can be dropped."), code="not_failed")
        rows = BulkItem.objects.filter(pk=locked.pk)
        if bulk_rows_found_filed(batch=batch, rows=rows, files=files):
            # Filed after all (its submission was made): recorded as filed, never dropped.
            return BulkBatch.objects.get(pk=batch.pk)
        reason = f"Bulk batch {batch.pk} row {locked.row_number} ({locked.department_reference}) dropped by the filer"
        outcome = bulk_rows_release(batch=batch, rows=rows, reason=reason)
        ended = _end_if_nothing_left(batch, user=user, ip_address=ip_address)
        audit_record(
            event_type=AuditEventType.FILING_BULK_BATCH_CANCELLED,
            actor=user,
            target=batch,
            before={"status": BatchStatus.INTERRUPTED, "row": locked.row_number, "row_status": ItemStatus.FAILED},
            after={
                "status": "dropped",
                "row": locked.row_number,
                "department_reference": locked.department_reference,
                "last_error": locked.last_error[:500],
                "batch_status": ended,
                "payment_reference": batch.payment_reference,
                **outcome,
            },
            ip_address=ip_address,
        )
    return BulkBatch.objects.get(pk=batch.pk)


def _end_if_nothing_left(batch: BulkBatch, *, user: User, ip_address: str | None) -> str:
    """After a drop: the batch stays interrupted while rows are left to file, else it ends. Its status."""
    if BulkItem.objects.filter(batch=batch, status__in=UNFILED).exists():
        return BatchStatus.INTERRUPTED
    filed = BulkItem.objects.filter(batch=batch, status=ItemStatus.FILED).count()
    status = BatchStatus.FILED if filed else BatchStatus.CANCELLED
    now = timezone.now()
    BulkBatch.objects.filter(pk=batch.pk, status=BatchStatus.INTERRUPTED).update(
        status=status, finished_at=now, updated_at=now
    )
    if not filed:
        bulk_manifest_forget(batch)
    audit_record(
        event_type=AuditEventType.FILING_BULK_BATCH_FINISHED if filed else AuditEventType.FILING_BULK_BATCH_CANCELLED,
        actor=user,
        target=batch,
        before={"status": BatchStatus.INTERRUPTED},
        after={"status": status, "rows_filed": filed, "reason": "no row left to file"},
        ip_address=ip_address,
    )
    return status
