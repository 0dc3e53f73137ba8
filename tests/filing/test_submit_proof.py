"""Submit proves a draft's stored files unchanged without reading them again (issue 16, item 6).

The SHA-256 was taken as the upload streamed in and the checked file stored; at Submit the
storage object's identity recorded then (inode, size, modification and change times) is the
proof, and the file is hashed again only when that identity differs (docs/storage.md, "Receiving").
"""

from __future__ import annotations

import os
import time

import pytest

from filing.models import Submission, SubmissionDraft
from filing.services import submissions
from icms.core import drafts_storage
from icms.core.drafts_storage import drafts_storage as drafts_store
from icms.core.storage import stored_identity
from tests.filing.drafting import defence_to_review
from tests.filing.pdf_corpus import good_pdf

pytestmark = pytest.mark.django_db

REFUSED = "A document of this draft is no longer as it was uploaded."


def _submit(client, review: str):
    draft = SubmissionDraft.objects.get()
    return client.post(review, {"submission_key": str(draft.submission_key)})


def test_the_identity_of_the_stored_file_is_recorded_at_upload(client, firm_filer, document_storage):
    client.force_login(firm_filer)
    _review, document = defence_to_review(client, firm_filer.case, filer_reference="Matter 2026-042")[:2]
    assert document.storage_identity.startswith("fs:")
    assert document.storage_identity == stored_identity(document.storage_key, storage=drafts_store())


def test_an_unchanged_file_is_filed_without_being_read_again(
    client, firm_filer, document_storage, celery_eager, monkeypatch
):
    client.force_login(firm_filer)
    review, document = defence_to_review(client, firm_filer.case, filer_reference="Matter 2026-042")[:2]

    def no_reading(key, **kwargs):
        raise AssertionError(f"{key} was read and hashed again at Submit")

    monkeypatch.setattr(submissions, "hash_stored_document", no_reading)
    monkeypatch.setattr(drafts_storage, "hash_stored_document", no_reading)  # nor the document's link
    response = _submit(client, review)
    assert response.status_code == 302, response.content.decode()[:2000]
    filed = Submission.objects.get().documents.get()
    assert filed.sha256 == document.sha256 and filed.storage_key.startswith("documents/")
    # The document is the checked file itself: a hard link to the draft's (the same inode).
    assert os.stat(document_storage / filed.storage_key).st_ino == int(document.storage_identity.split(":")[1])


def test_submit_refuses_a_file_changed_after_upload_even_with_its_time_put_back(
    client, firm_filer, document_storage, celery_eager
):
    client.force_login(firm_filer)
    review, document = defence_to_review(client, firm_filer.case, filer_reference="Matter 2026-042")[:2]
    path = document_storage.parent / "drafts" / document.storage_key
    before = os.stat(path)
    # Past the kernel's timestamp tick (a few ms), so the change time can move.
    time.sleep(0.05)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte changed: the same size
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the modification time forged back
    assert os.stat(path).st_size == before.st_size and os.stat(path).st_mtime_ns == before.st_mtime_ns

    response = _submit(client, review)
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not Submission.objects.exists()
    assert SubmissionDraft.objects.exists()  # the filer can remove it and upload again


def test_submit_refuses_a_file_replaced_after_upload(client, firm_filer, document_storage, celery_eager):
    client.force_login(firm_filer)
    review, document = defence_to_review(client, firm_filer.case, filer_reference="Matter 2026-042")[:2]
    path = document_storage.parent / "drafts" / document.storage_key
    replacement = path.with_suffix(".new")
    replacement.write_bytes(good_pdf(4))
    replacement.replace(path)  # another file (another inode) under the same key

    response = _submit(client, review)
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not Submission.objects.exists()


def test_a_file_touched_but_unchanged_is_hashed_again_and_filed(client, firm_filer, document_storage, celery_eager):
    client.force_login(firm_filer)
    review, document = defence_to_review(client, firm_filer.case, filer_reference="Matter 2026-042")[:2]
    path = document_storage.parent / "drafts" / document.storage_key
    time.sleep(0.05)
    os.utime(path)  # a backup tool, say: the identity moves, the bytes do not
    assert stored_identity(document.storage_key, storage=drafts_store()) != document.storage_identity

    response = _submit(client, review)
    assert response.status_code == 302
    assert Submission.objects.get().documents.get().sha256 == document.sha256
