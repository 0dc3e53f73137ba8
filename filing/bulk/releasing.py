"""Rows of a bulk batch let go unfiled: a failed row the filer drops, and the rows of an expired batch.

Either way each row released becomes ``cancelled`` (its department's reference free again,
its checked data cleared), its PDF is owed for removal from the drafts' store
(``filing.draft_files_delete``), and, when the batch was paid, its own fee line (the
e-fee as charged, with the concession of Cap. 638F) is refunded at once through
:func:`filing.hooks.bulk_rows_released` (``payments.bulk_fees``): all in the transaction that
releases it, with the audit row.

**Dropping a failed row.** A row that failed for a reason of its own (its PDF changed since
it was checked, a refusal of the filing's rules) fails again on every Resume until the batch
expires. The filer sees why on the batch page and may drop it (:mod:`filing.bulk.dropping`): only
a failed row, of a batch of their own organisation, while the batch is interrupted. The
batch is then resumed with the rest; when nothing is left to file, the drop ends it: filed
if any row was filed, else cancelled (its manifest owed for removal: nothing is on record).

A row whose submission was in fact made (a worker died between the submission's commit and
the row's) is never released nor refunded: it is recorded as filed instead
(:func:`bulk_rows_found_filed`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from icms.core.storage import StoredFiles

from .. import hooks
from ..models import BulkBatch, BulkItem
from ..services.follow_up import draft_files_delete_owe
from .record import bulk_item_filed_link, item_submission

BatchStatus = BulkBatch.Status
ItemStatus = BulkItem.Status
#: The rows that hold their reference without being filed: what an expired batch lets go of.
UNFILED = (ItemStatus.PENDING, ItemStatus.FILING, ItemStatus.FAILED)


def bulk_rows_found_filed(*, batch: BulkBatch, rows: QuerySet[BulkItem], files: StoredFiles) -> int:
    """Record as filed the rows among ``rows`` (claimed or failed) whose submission was made. How many.

    Only a row claimed or failed can have one: a worker that died after the submission's
    commit and before the row's. Inside ``files``' transaction (the manifest may be kept).
    """
    found = 0
    for item in rows.filter(status__in=(ItemStatus.FILING, ItemStatus.FAILED)):
        submission = item_submission(item, batch)
        if submission is not None and bulk_item_filed_link(item=item, submission=submission, batch=batch, files=files):
            found += 1
    return found


def bulk_rows_release(*, batch: BulkBatch, rows: QuerySet[BulkItem], reason: str) -> dict[str, Any]:
    """Cancel ``rows`` (not filed), owe their PDFs' removal and refund their fees. What was done.

    In the caller's transaction, with the batch locked. Returns ``rows_released``, and
    ``refunds`` (what payments did: reference and amount) for the caller's audit row.
    """
    released = list(rows.values_list("pk", "pdf_storage_key", "data__magistracy"))
    if not released:
        return {"rows_released": 0, "refunds": []}
    BulkItem.objects.filter(pk__in=[pk for pk, _key, _court in released]).update(
        status=ItemStatus.CANCELLED, data={}, updated_at=timezone.now()
    )
    # A batch from before keeps its PDFs where they are (the documents' store): logged, not owed.
    keys = [key for _pk, key, _court in released if key]
    draft_files_delete_owe(keys, label=f"PDFs of {len(keys)} rows released from bulk batch {batch.pk}")
    refunds: list[dict[str, str]] = []
    if batch.payment_reference:
        courts = [str(court) for _pk, _key, court in released if court]
        refunds = hooks.bulk_rows_released(batch=batch, courts=courts, reason=reason)
    return {"rows_released": len(released), "refunds": refunds}
