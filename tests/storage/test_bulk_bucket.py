"""A bulk batch's PDFs on S3 (moto): in the drafts' bucket until filed, then nothing left of them there.

The documents' bucket is versioned and object-locked (compliance): a batch's PDFs written
there could never be removed, whether filed or not. They wait in the drafts' bucket; filing
a row copies its PDF server side into the documents' bucket (CopyObject, proven by the
server's SHA-256 of the copy), locked like every document, and the drafts' object is deleted
after commit by the outbox. ListObjectVersions proves nothing of the batch is left there,
for a filed batch and for a cancelled one. The same on the filesystem:
tests/filing/test_bulk_drafts_storage.py.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from filing.bulk.services import bulk_batch_cancel, bulk_batch_create, bulk_batch_file
from filing.models import BulkBatch, BulkItem
from icms.core import drafts_storage
from tests.filing.bulk_support import bulk_work_run, department_make, drafts_work_run, manifest_csv, pdf_zip, row
from tests.storage.conftest import S3Bucket

pytestmark = pytest.mark.django_db


def _everything(bucket: S3Bucket) -> list[dict]:
    """Every version and delete marker in the bucket: what is left at all."""
    listing = bucket.client.list_object_versions(Bucket=bucket.name)
    return [*listing.get("Versions", []), *listing.get("DeleteMarkers", [])]


def test_a_batch_on_s3_is_filed_into_the_locked_bucket_and_leaves_nothing_in_the_drafts_bucket(
    buckets, outbox_held, monkeypatch
):
    documents, drafts = buckets
    department = department_make()
    rows = [row(1), row(2), row(3, offence_date="2026-13-01")]  # the third's PDF is not kept
    batch = bulk_batch_create(
        user=department.user, manifest=manifest_csv(rows), files=[pdf_zip([r["pdf_filename"] for r in rows])]
    )
    items = list(BulkItem.objects.filter(batch=batch, status=BulkItem.Status.PENDING).order_by("row_number"))
    # Three PDFs and the manifest; nothing of the batch in the locked bucket before a row is filed.
    assert len(drafts.keys()) == 4 and not [key for key in documents.keys() if not key.startswith("healthcheck/")]  # noqa: SIM118 (S3Bucket.keys)
    drafts_work_run()
    assert drafts.keys() == sorted([*(item.pdf_storage_key for item in items), batch.manifest_storage_key])
    for item in items:
        assert drafts.sha256(item.pdf_storage_key) == item.pdf_sha256
        assert item.data["pdf_identity"].startswith("s3:")

    def no_reading(key, **kwargs):
        raise AssertionError(f"{key} was read: the server's SHA-256 of the copy is the proof")

    monkeypatch.setattr(drafts_storage, "hash_stored_document", no_reading)
    bulk_batch_file(batch=batch, user=department.user)
    bulk_work_run()
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.FILED and batch.rows_filed == 2
    for item in items:
        item.refresh_from_db()
        document = item.submission.documents.get()
        assert document.storage_key.startswith("documents/")
        assert documents.sha256(document.storage_key) == item.pdf_sha256 == document.sha256
        # The filed object is locked: its version cannot be deleted.
        [version] = documents.versions(document.storage_key)
        head = documents.client.head_object(Bucket=documents.name, Key=document.storage_key)
        assert head["ObjectLockMode"] == "COMPLIANCE" and head["ObjectLockRetainUntilDate"]
        with pytest.raises(ClientError, match="AccessDenied"):
            documents.client.delete_object(
                Bucket=documents.name, Key=document.storage_key, VersionId=version["VersionId"]
            )
    assert set(drafts_work_run()) == {"done"}
    assert _everything(drafts) == []  # no object, no version, no delete marker


def test_a_cancelled_batch_on_s3_leaves_nothing_anywhere(buckets, outbox_held):
    documents, drafts = buckets
    department = department_make()
    rows = [row(1), row(2)]
    batch = bulk_batch_create(
        user=department.user, manifest=manifest_csv(rows), files=[pdf_zip([r["pdf_filename"] for r in rows])]
    )
    assert len(drafts.keys()) == 3  # the two PDFs and the manifest
    assert batch.manifest_storage_key.startswith("drafts/") and batch.manifest_storage_key.endswith(".csv")
    bulk_batch_cancel(batch=batch, user=department.user)
    assert set(drafts_work_run()) == {"done"}
    assert _everything(drafts) == []  # the manifest (defendants' names, addresses, IDs) gone too
    # Never in the locked bucket: neither a PDF nor the manifest, not even as a version.
    assert not [v["Key"] for v in _everything(documents) if not v["Key"].startswith("healthcheck/")]


def test_the_manifest_waits_in_the_drafts_bucket_and_is_locked_in_the_documents_bucket_once_a_row_is_filed(
    buckets, outbox_held
):
    """The manifest (defendants' names, addresses, ID numbers) is kept for ten years only if a row is filed."""
    documents, drafts = buckets
    department = department_make()
    rows = [row(1), row(2)]
    manifest = manifest_csv(rows)
    checked = manifest.read()
    batch = bulk_batch_create(
        user=department.user, manifest=manifest, files=[pdf_zip([r["pdf_filename"] for r in rows])]
    )
    waiting = batch.manifest_storage_key
    assert waiting.startswith("drafts/") and drafts.body(waiting) == checked
    assert not [v["Key"] for v in _everything(documents) if v["Key"].startswith("bulk-manifests/")]

    bulk_batch_file(batch=batch, user=department.user)
    bulk_work_run()
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.FILED
    kept = batch.manifest_storage_key
    assert kept.startswith("bulk-manifests/") and kept.endswith(".csv")
    assert documents.body(kept) == checked and documents.sha256(kept) == batch.manifest_sha256
    [version] = documents.versions(kept)  # copied once, though two rows were filed
    head = documents.client.head_object(Bucket=documents.name, Key=kept)
    assert head["ObjectLockMode"] == "COMPLIANCE" and head["ObjectLockRetainUntilDate"]
    with pytest.raises(ClientError, match="AccessDenied"):
        documents.client.delete_object(Bucket=documents.name, Key=kept, VersionId=version["VersionId"])
    assert set(drafts_work_run()) == {"done"}
    assert _everything(drafts) == []  # the drafts' copy of the manifest is gone, with the PDFs'

    # A batch cancelled before anything is filed: its manifest never reaches the locked bucket.
    other = bulk_batch_create(
        user=department.user, manifest=manifest_csv([row(3)]), files=[pdf_zip([row(3)["pdf_filename"]])]
    )
    assert other.manifest_storage_key.startswith("drafts/")
    bulk_batch_cancel(batch=other, user=department.user)
    assert set(drafts_work_run()) == {"done"}
    assert _everything(drafts) == []
    assert [v["Key"] for v in _everything(documents) if v["Key"].startswith("bulk-manifests/")] == [kept]
