"""A re-filed draft's copies and a bulk batch's PDFs are filed without being read again (issue 16, item 6).

Like a draft's upload (test_submit_proof.py), each records its storage object's identity
when it is stored, and filing proves the file unchanged by it; a file changed since is
still hashed again and refused.
"""

from __future__ import annotations

import os
import time

import pytest
from django.urls import reverse

from filing.bulk.services import bulk_batch_create, bulk_batch_file
from filing.models import BulkBatch, BulkItem, DraftDocument, Submission, SubmissionDraft
from filing.services import submissions
from icms.core import drafts_storage
from icms.core.drafts_storage import drafts_storage as drafts_store
from icms.core.storage import stored_identity
from tests.filing.bulk_support import bulk_work_run, department_make, manifest_csv, pdf_zip, row
from tests.filing.drafting import draft_id, submit_from_review
from tests.filing.new_case_post import new_case_data
from tests.filing.test_refile import _returned_dccj_case, _rows

pytestmark = pytest.mark.django_db


def _no_reading(key, **kwargs):
    raise AssertionError(f"{key} was read and hashed again")


def test_a_refiled_drafts_copies_are_filed_without_being_read_again(
    client, firm_filer, document_storage, celery_eager, monkeypatch
):
    client.force_login(firm_filer)
    returned = _returned_dccj_case(client, firm_filer)
    response = client.post(reverse("filing:submission_refile", args=[returned.reference]))
    draft = SubmissionDraft.objects.get(pk=draft_id(response))
    copy = DraftDocument.objects.get(draft=draft)
    assert copy.storage_identity.startswith("fs:")
    assert copy.storage_identity == stored_identity(copy.storage_key, storage=drafts_store())

    unchanged = new_case_data(respondents=[{"name_en": "GOLDEN HARBOUR LIMITED", "kind": "company"}])
    review = client.post(response["Location"], {"step": "review", **unchanged, **_rows()})
    assert review.status_code == 302, review.content.decode()[:3000]
    monkeypatch.setattr(submissions, "hash_stored_document", _no_reading)
    monkeypatch.setattr(drafts_storage, "hash_stored_document", _no_reading)
    assert submit_from_review(client, review).status_code == 302
    refiled = Submission.objects.exclude(pk=returned.pk).get()
    filed = refiled.documents.get()
    assert filed.sha256 == copy.sha256
    assert os.stat(document_storage / filed.storage_key).st_ino == int(copy.storage_identity.split(":")[1])


def _checked_batch(rows: int = 3):
    department = department_make()
    numbered = [row(n) for n in range(1, rows + 1)]
    batch = bulk_batch_create(
        user=department.user,
        manifest=manifest_csv(numbered),
        files=[pdf_zip([r["pdf_filename"] for r in numbered])],
    )
    assert batch.status == BulkBatch.Status.CHECKED
    return department, batch


def test_a_bulk_batchs_pdfs_are_filed_without_being_read_again(document_storage, outbox_held, monkeypatch):
    department, batch = _checked_batch()
    items = list(BulkItem.objects.filter(batch=batch))
    for item in items:
        assert item.pdf_storage_key.startswith("drafts/")
        assert item.data["pdf_identity"] == stored_identity(item.pdf_storage_key, storage=drafts_store()) != ""
    monkeypatch.setattr(submissions, "hash_stored_document", _no_reading)
    bulk_batch_file(batch=batch, user=department.user)
    bulk_work_run()
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.FILED and batch.rows_filed == len(items)


def test_a_bulk_pdf_changed_after_it_was_checked_is_refused(document_storage, outbox_held):
    department, batch = _checked_batch(rows=2)
    changed = BulkItem.objects.filter(batch=batch).order_by("row_number").first()
    path = document_storage.parent / "drafts" / changed.pdf_storage_key
    before = os.stat(path)
    time.sleep(0.05)  # past the kernel's timestamp tick, so the change time moves
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the modification time forged back
    bulk_batch_file(batch=batch, user=department.user)
    bulk_work_run()
    changed.refresh_from_db()
    assert changed.submission_id is None and changed.status != BulkItem.Status.FILED
    assert Submission.objects.count() == 1  # the other row is filed
