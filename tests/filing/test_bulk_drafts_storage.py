"""A bulk batch's PDFs wait in the drafts' store and are really removed when not filed.

The documents' store keeps everything for years (in production S3 versioning and a
compliance lock, and no delete for the portal), so a batch's PDFs go to
``STORAGES["drafts"]``. Filing a row puts its PDF into the documents' store inside the row's
submission transaction (a hard link here, proven by the identity recorded at upload), and
the drafts' file goes after commit through the outbox; so do the PDFs of rows not kept, of a
cancelled or expired batch, and of an upload whose batch was never made. A batch from before
keeps its PDFs in the documents' store, filed in place and never removed. The same journey
on S3 is tests/storage/test_bulk_bucket.py.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from filing.bulk import services
from filing.bulk.expiry import bulk_batch_deadline, bulk_batches_expire
from filing.bulk.pdfs import UploadRefused
from filing.bulk.services import BulkRefused, bulk_batch_cancel, bulk_batch_create, bulk_batch_file, bulk_batch_resume
from filing.models import BulkBatch, BulkItem, Submission
from filing.services.follow_up import DRAFT_FILES_DELETE
from icms.core.models import AuditEvent, OutboxItem
from icms.core.storage import store_document, stored_identity
from tests.filing.bulk_support import (
    bulk_work_run,
    department_make,
    drafts_work_run,
    filed_meanwhile,
    manifest_csv,
    pdf_zip,
    row,
    storage_fault_on,
)
from tests.filing.conftest import stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def department(db):
    return department_make()


def _drafts(document_storage):
    return document_storage.parent / "drafts"


def _pdfs(directory) -> list[str]:
    return [key for key in stored_files(directory) if key.endswith(".pdf")]


def _upload(department, rows, names=None):
    names = names if names is not None else [values["pdf_filename"] for values in rows]
    return bulk_batch_create(user=department.user, manifest=manifest_csv(rows), files=[pdf_zip(names)])


def test_pdfs_wait_in_the_drafts_store_and_filing_moves_them_into_the_documents_store(
    department, document_storage, outbox_held
):
    rows = [row(1), row(2), row(3, offence_date="2026-13-01")]  # row 4 has an error: its PDF is not kept
    batch = _upload(department, rows)
    items = list(BulkItem.objects.filter(batch=batch, status=BulkItem.Status.PENDING).order_by("row_number"))
    assert len(items) == 2 and all(item.pdf_storage_key.startswith("drafts/") for item in items)
    assert _pdfs(document_storage) == []  # nothing of a batch is in the documents' store before filing
    assert len(_pdfs(_drafts(document_storage))) == 3
    drafts_work_run()
    assert _pdfs(_drafts(document_storage)) == sorted(item.pdf_storage_key for item in items)
    inodes = {item.pk: os.stat(_drafts(document_storage) / item.pdf_storage_key).st_ino for item in items}

    bulk_batch_file(batch=batch, user=department.user)
    bulk_work_run()
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.FILED and batch.rows_filed == 2
    for item in items:
        item.refresh_from_db()
        document = item.submission.documents.get()
        assert document.storage_key.startswith("documents/") and document.sha256 == item.pdf_sha256
        assert os.stat(document_storage / document.storage_key).st_ino == inodes[item.pk]  # linked, not copied
    # Each row's drafts' file was owed in its own submission's transaction, and the outbox removes it
    # (and the manifest's, kept in the documents' store when the first row was filed).
    owed = OutboxItem.objects.filter(kind=DRAFT_FILES_DELETE, state=OutboxItem.State.PENDING)
    owed_keys = [key for work in owed for key in work.payload["keys"]]
    assert sorted(key for key in owed_keys if key.endswith(".pdf")) == sorted(i.pdf_storage_key for i in items)
    assert set(drafts_work_run()) == {"done"}
    assert stored_files(_drafts(document_storage)) == []
    assert len(_pdfs(document_storage / "documents")) == 2


def test_a_cancelled_batch_leaves_nothing_in_the_drafts_store(department, document_storage, outbox_held):
    batch = _upload(department, [row(1), row(2)])
    assert len(_pdfs(_drafts(document_storage))) == 2
    bulk_batch_cancel(batch=batch, user=department.user)
    # Owed in the cancel's transaction, not deleted by the request: still there until the outbox runs.
    assert len(_pdfs(_drafts(document_storage))) == 2
    owed = [key for work in OutboxItem.objects.filter(kind=DRAFT_FILES_DELETE) for key in work.payload["keys"]]
    assert len(owed) == 3 and batch.manifest_storage_key in owed  # the two PDFs and the manifest
    drafts_work_run()
    assert _pdfs(_drafts(document_storage)) == [] and _pdfs(document_storage) == []


def test_a_cancel_while_storage_is_down_loses_nothing(department, document_storage, outbox_held, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    batch = _upload(department, [row(1)])
    bulk_batch_cancel(batch=batch, user=department.user)

    def unreachable(self, name):
        raise ConnectionError("drafts' store unreachable (test fault)")

    monkeypatch.setattr(FileSystemStorage, "delete", unreachable)
    assert drafts_work_run() == ["retry", "retry"]  # the PDF, and the manifest
    assert len(_pdfs(_drafts(document_storage))) == 1
    monkeypatch.undo()
    for work in OutboxItem.objects.filter(kind=DRAFT_FILES_DELETE):
        assert work.state == OutboxItem.State.PENDING and "unreachable" in work.last_error
        OutboxItem.objects.filter(pk=work.pk).update(next_attempt_at=work.created_at)  # its next try is due
    assert drafts_work_run() == ["done", "done"]
    assert _pdfs(_drafts(document_storage)) == []


def test_a_batch_whose_creation_fails_half_way_owes_its_pdfs_removal(
    department, document_storage, outbox_held, monkeypatch
):
    def failing_audit(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", failing_audit)
    with pytest.raises(RuntimeError):
        _upload(department, [row(1), row(2)])
    assert not BulkBatch.objects.exists()
    [work] = OutboxItem.objects.filter(kind=DRAFT_FILES_DELETE)
    assert len(work.payload["keys"]) == 3 and all(key.startswith("drafts/") for key in work.payload["keys"])
    drafts_work_run()
    assert stored_files(_drafts(document_storage)) == [] and stored_files(document_storage) == []


def test_an_upload_refused_part_way_owes_the_pdfs_already_stored(department, document_storage, outbox_held):
    rows = [row(1), row(2)]
    with pytest.raises(UploadRefused):
        bulk_batch_create(
            user=department.user,
            manifest=manifest_csv(rows),
            files=[pdf_zip(["summons-00001.pdf"]), pdf_zip(["summons-00001.pdf"], name="again.zip")],
        )
    assert len(OutboxItem.objects.get(kind=DRAFT_FILES_DELETE).payload["keys"]) == 1
    drafts_work_run()
    assert _pdfs(_drafts(document_storage)) == []


def test_a_row_refused_as_a_duplicate_when_filed_gives_up_its_pdf(
    department, document_storage, outbox_held, monkeypatch
):
    batch = _upload(department, [row(1), row(2)])
    drafts_work_run()
    refused = BulkItem.objects.get(batch=batch, row_number=2)
    filed_meanwhile(monkeypatch, refused.department_reference)
    bulk_batch_file(batch=batch, user=department.user)
    bulk_work_run()
    refused.refresh_from_db()
    assert refused.status == BulkItem.Status.DUPLICATE
    drafts_work_run()
    assert _pdfs(_drafts(document_storage)) == []
    assert len(_pdfs(document_storage / "documents")) == 1


def test_a_batch_from_before_is_filed_in_place_and_its_pdfs_never_removed(
    department, document_storage, outbox_held, caplog
):
    """Checked before the drafts' store held a batch's PDFs: keys ``documents/…`` in the documents' store."""
    batch = _upload(department, [row(1), row(2)])
    drafts_work_run()
    for item in BulkItem.objects.filter(batch=batch):
        with open(_drafts(document_storage) / item.pdf_storage_key, "rb") as handle:
            stored = store_document(handle)
        item.pdf_storage_key = stored.key
        item.data["pdf_identity"] = stored_identity(stored.key)
        item.save()
    # Its manifest too: in the documents' store under bulk-manifests/, as every batch's was.
    with open(_drafts(document_storage) / batch.manifest_storage_key, "rb") as handle:
        old_manifest = store_document(handle, prefix="bulk-manifests", extension="csv").key
    BulkBatch.objects.filter(pk=batch.pk).update(manifest_storage_key=old_manifest)
    old_keys = set(BulkItem.objects.filter(batch=batch).values_list("pdf_storage_key", flat=True))
    OutboxItem.objects.all().delete()
    bulk_batch_file(batch=batch, user=department.user)
    bulk_work_run()
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.FILED
    assert set(Submission.objects.values_list("documents__storage_key", flat=True)) == old_keys  # in place
    assert not OutboxItem.objects.filter(kind=DRAFT_FILES_DELETE).exists()
    assert old_keys <= set(stored_files(document_storage))
    batch.refresh_from_db()
    assert batch.manifest_storage_key == old_manifest and old_manifest in stored_files(document_storage)

    # A cancelled batch from before keeps its PDFs in the documents' store too (logged, not owed).
    other = _upload(department, [row(3)])
    item = BulkItem.objects.get(batch=other)
    with open(_drafts(document_storage) / item.pdf_storage_key, "rb") as handle:
        BulkItem.objects.filter(pk=item.pk).update(pdf_storage_key=store_document(handle).key)
    with open(_drafts(document_storage) / other.manifest_storage_key, "rb") as handle:
        other_manifest = store_document(handle, prefix="bulk-manifests", extension="csv").key
    BulkBatch.objects.filter(pk=other.pk).update(manifest_storage_key=other_manifest)
    item.refresh_from_db()
    OutboxItem.objects.all().delete()
    with caplog.at_level("INFO", logger="icms.core.drafts_storage"):
        bulk_batch_cancel(batch=other, user=department.user)
    assert not OutboxItem.objects.filter(kind=DRAFT_FILES_DELETE).exists()
    assert item.pdf_storage_key in stored_files(document_storage)
    assert other_manifest in stored_files(document_storage)
    assert "a draft from before" in caplog.text


def test_an_unfiled_batch_expires_before_the_drafts_bucket_would_lose_its_pdfs(
    client, department, document_storage, outbox_held, settings
):
    settings.FILING_DRAFT_DAYS = 30
    with time_machine.travel("2026-12-01T10:00:00+08:00", tick=False):
        batch = _upload(department, [row(1), row(2)])
        drafts_work_run()
    deadline = bulk_batch_deadline(batch)
    assert deadline.isoformat() == "2026-12-31T02:00:00+00:00"
    client.force_login(department.user)
    with time_machine.travel("2026-12-20T10:00:00+08:00", tick=False):
        page = client.get(reverse("filing:bulk_batch", args=[batch.pk])).content.decode()
        assert "File this batch by 31 Dec 2026, 10:00" in page and "after that the batch expires" in page

    # One second before the deadline nothing expires; the hourly run after it expires the batch.
    assert bulk_batches_expire(now=deadline - timedelta(seconds=1)) == 0
    with time_machine.travel(deadline, tick=False):
        # Not yet expired by the hourly run, but filing already refuses, naming the deadline.
        with pytest.raises(BulkRefused) as refused:
            bulk_batch_file(batch=batch, user=department.user)
        assert "its PDFs were kept until 31 Dec 2026, 10:00" in refused.value.messages[0]
        assert bulk_batches_expire(now=deadline) == 1
        assert bulk_batches_expire(now=deadline) == 0  # idempotent
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.EXPIRED and batch.finished_at == deadline
    assert set(BulkItem.objects.filter(batch=batch).values_list("status", flat=True)) == {"cancelled"}
    event = AuditEvent.objects.get(target_id=str(batch.pk), event_type="filing.bulk_batch_cancelled")
    assert event.actor_id is None and event.after["status"] == "expired" and event.after["rows_released"] == 2
    with time_machine.travel(deadline + timedelta(hours=1), tick=False):  # the owed removal is due
        drafts_work_run()
    assert _pdfs(_drafts(document_storage)) == [] and _pdfs(document_storage) == []
    page = client.get(reverse("filing:bulk_batch", args=[batch.pk])).content.decode()
    assert "so it expired: nothing in it was filed" in page
    # Its references are free again: the rows can be uploaded in a new batch.
    again = _upload(department, [row(1), row(2)])
    assert BulkItem.objects.filter(batch=again, status=BulkItem.Status.PENDING).count() == 2


def test_an_interrupted_batch_not_resumed_in_time_expires_and_says_so(
    client, department, document_storage, outbox_held, settings, monkeypatch
):
    settings.FILING_DRAFT_DAYS = 30
    with time_machine.travel("2026-12-01T10:00:00+08:00", tick=False):
        batch = _upload(department, [row(1), row(2)])
        storage_fault_on(monkeypatch, "FEHD/2026/00002", message="drafts' store unreachable (test fault)")
        bulk_batch_file(batch=batch, user=department.user)
        bulk_work_run()
        monkeypatch.undo()
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.INTERRUPTED and batch.rows_filed == 1
    deadline = bulk_batch_deadline(batch)
    client.force_login(department.user)
    with time_machine.travel(deadline - timedelta(days=1), tick=False):
        page = client.get(reverse("filing:bulk_batch", args=[batch.pk])).content.decode()
        assert "Resume by 31 Dec 2026, 10:00" in page
    with time_machine.travel(deadline + timedelta(minutes=5), tick=False):
        with pytest.raises(BulkRefused):
            bulk_batch_resume(batch=batch, user=department.user)
        assert bulk_batches_expire(now=deadline + timedelta(minutes=5)) == 1
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.EXPIRED and batch.rows_filed == 1
    statuses = dict(BulkItem.objects.filter(batch=batch).values_list("row_number", "status"))
    assert statuses == {2: "filed", 3: "cancelled"}
    with time_machine.travel(deadline + timedelta(hours=1), tick=False):  # the owed removals are due
        drafts_work_run()
    assert _pdfs(_drafts(document_storage)) == []  # the filed row's PDF is in the documents' store
    assert len(_pdfs(document_storage / "documents")) == 1
    page = client.get(reverse("filing:bulk_batch", args=[batch.pk])).content.decode()
    assert "was not resumed by 31 Dec 2026, 10:00" in page and batch.payment_reference in page


def test_a_batch_being_filed_does_not_expire(department, document_storage, outbox_held, settings):
    settings.FILING_DRAFT_DAYS = 30
    batch = _upload(department, [row(1)])
    bulk_batch_file(batch=batch, user=department.user)
    assert bulk_batches_expire(now=bulk_batch_deadline(batch) + timedelta(days=1)) == 0
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.FILING
