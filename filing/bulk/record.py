"""What of a bulk batch becomes part of the record: its filed rows, and its manifest once a row is filed.

A batch's manifest (defendants' names, addresses and ID numbers) waits in the drafts' store
with its PDFs (``drafts/….csv`` or ``….xlsx``, :func:`filing.bulk.services.bulk_batch_create`).
It becomes part of the record when the **first row of the batch is filed**: in the
transaction that records that row as filed, it is put into the documents' store under a
``bulk-manifests/…`` key with the same proof as a PDF
(:func:`icms.core.drafts_storage.draft_file_to_documents`: a hard link, a server-side copy
with the server's SHA-256, or a copy hashed on the way; proven against ``manifest_sha256``),
and its drafts' file is owed for removal (``filing.draft_files_delete``). Why the first row
filed, not the start of filing: a batch paid for but never filed (every row failed and was
dropped, or it expired while interrupted) filed nothing, and its manifest must then go like
its PDFs; the document store could never let it go.

A batch whose manifest is still in the drafts' store when it ends with nothing filed
(cancelled, expired, every row dropped, or every row refused when filed) owes its removal
in that transaction (:func:`bulk_manifest_forget`). A batch checked before the manifest
went to the drafts' store keeps its ``bulk-manifests/…`` key in the documents' store, never
moved and never deleted.
"""

from __future__ import annotations

import logging
import uuid

from django.db.models import F
from django.utils import timezone

from icms.core.drafts_storage import draft_file_to_documents, is_draft_key
from icms.core.storage import StorageIntegrityError, StoredFiles

from ..models import BulkBatch, BulkItem, Submission
from ..services.follow_up import draft_files_delete_owe

logger = logging.getLogger(__name__)

#: Where a filed batch's manifest is kept in the documents' store (the key of batches from before too).
MANIFEST_PREFIX = "bulk-manifests"
_NAMESPACE = uuid.UUID("6f1c2a9e-0b7d-4e43-9b8a-5d3c1e7f2a10")


def item_submission_key(item: BulkItem) -> uuid.UUID:
    """The one-time key of the row's submission: the same row always has the same key."""
    return uuid.uuid5(_NAMESPACE, f"bulk-item:{item.pk}")


def item_submission(item: BulkItem, batch: BulkBatch) -> Submission | None:
    """The submission the row became, if one was made (a worker may have died before recording it)."""
    return Submission.objects.filter(
        submitted_by_id=batch.created_by_id, submission_key=item_submission_key(item)
    ).first()


def manifest_files() -> StoredFiles:
    """The durable transaction in which a row is recorded as filed (and the manifest may be kept)."""
    return StoredFiles(prefix=MANIFEST_PREFIX)


def bulk_item_filed_link(*, item: BulkItem, submission: Submission, batch: BulkBatch, files: StoredFiles) -> bool:
    """Record the row as filed with ``submission``; the first row filed keeps the batch's manifest.

    Runs inside ``files``' transaction (:func:`manifest_files`). True if the row was linked now.
    """
    linked = (
        BulkItem.objects.filter(pk=item.pk)
        .exclude(status=BulkItem.Status.FILED)
        .update(
            status=BulkItem.Status.FILED,
            submission=submission,
            last_error="",
            reason={},
            # The defendant's details waited here only until the summons was filed: the case
            # holds them now, where its access rules apply; no second copy is kept.
            data={},
            updated_at=timezone.now(),
        )
    )
    if linked:
        BulkBatch.objects.filter(pk=batch.pk).update(rows_filed=F("rows_filed") + 1, updated_at=timezone.now())
        bulk_manifest_keep(batch_id=batch.pk, files=files)
    return bool(linked)


def bulk_manifest_keep(*, batch_id: int, files: StoredFiles) -> str:
    """Put the batch's manifest into the documents' store if it is still in the drafts' store. Its key.

    The batch row is locked, so two workers filing rows of one batch copy it once. A
    manifest changed or gone from the drafts' store is not kept (logged): the rows filed
    stand, each with its own documents, and the drafts' bucket's lifecycle rule removes it.
    A storage outage is raised, so the row's recording is tried again (the row stays claimed
    and is filed again, found by its submission key).
    """
    batch = (
        BulkBatch.objects.select_for_update().only("pk", "manifest_storage_key", "manifest_sha256").get(pk=batch_id)
    )
    key = batch.manifest_storage_key
    if not key or not is_draft_key(key):
        return key
    extension = key.rsplit(".", 1)[-1] if "." in key else "csv"
    try:
        kept = draft_file_to_documents(
            files=files, key=key, sha256=batch.manifest_sha256, size=0, identity="", extension=extension
        )
    except StorageIntegrityError:
        logger.exception("The manifest of bulk batch %s is no longer as it was checked; it is not kept.", batch_id)
        return key
    BulkBatch.objects.filter(pk=batch_id, manifest_storage_key=key).update(
        manifest_storage_key=kept.key, updated_at=timezone.now()
    )
    draft_files_delete_owe([key], label=f"Manifest of bulk batch {batch_id}, kept as {kept.key}")
    return kept.key


def bulk_manifest_forget(batch: BulkBatch) -> None:
    """The batch ends with nothing filed: owe the removal of its manifest from the drafts' store.

    In the caller's transaction. A manifest from before (a ``bulk-manifests/…`` key in the
    documents' store) is kept there: logged, not owed.
    """
    key = BulkBatch.objects.filter(pk=batch.pk).values_list("manifest_storage_key", flat=True).first()
    if key:
        draft_files_delete_owe([key], label=f"Manifest of bulk batch {batch.pk}, nothing of it filed")
