"""Drafts' files live in a store of their own and are really removed (issue 14, item 3).

The documents' store keeps everything (in production S3 versioning and object lock, and
no delete for the portal), so a draft's uploads go to ``STORAGES["drafts"]``; Submit puts
each into the documents' store (a hard link here: the same inode, nothing read again),
and the draft's own files are removed after commit, by outbox work. The same journey on S3
is tests/storage/test_draft_bucket.py.
"""

from __future__ import annotations

import errno
import hashlib
import io
import logging
import os
import uuid
from datetime import timedelta

import pytest

from filing.models import DraftDocument, Submission, SubmissionDraft
from filing.services import submissions
from filing.services.drafts import draft_expiry, draft_submit, drafts_purge_expired
from filing.services.follow_up import DRAFT_FILES_DELETE
from icms.core import drafts_storage
from icms.core.models import OutboxItem
from icms.core.storage import store_document, stored_identity
from tests.filing.conftest import document_type, stored_files
from tests.filing.drafting import defence_to_review
from tests.filing.pdf_corpus import good_pdf

pytestmark = pytest.mark.django_db


def _drafts(document_storage):
    return document_storage.parent / "drafts"


def _named(data: bytes) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = "defence.pdf"
    return handle


def _submit(client, review):
    draft = SubmissionDraft.objects.get()
    return client.post(review, {"submission_key": str(draft.submission_key)})


def test_an_upload_goes_to_the_drafts_store_and_submit_files_it_in_the_documents_store(
    client, firm_filer, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    client.force_login(firm_filer)
    review, draft_document, sha256 = defence_to_review(client, firm_filer.case, filer_reference="Matter 2026-042")
    assert draft_document.storage_key.startswith("drafts/") and draft_document.sha256 == sha256
    assert stored_files(_drafts(document_storage)) == [draft_document.storage_key]
    assert stored_files(document_storage) == []
    draft_inode = os.stat(_drafts(document_storage) / draft_document.storage_key).st_ino

    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(client, review)
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Submission.objects.get().documents.get()
    assert document.storage_key.startswith("documents/") and document.storage_key in stored_files(document_storage)
    filed = document_storage / document.storage_key
    assert document.sha256 == sha256 == hashlib.sha256(filed.read_bytes()).hexdigest()
    assert os.stat(filed).st_ino == draft_inode  # linked into place, not copied
    # After commit, the outbox removed the draft's file: the drafts' store is empty.
    assert stored_files(_drafts(document_storage)) == []
    [work] = OutboxItem.objects.filter(kind=DRAFT_FILES_DELETE)
    assert work.state == OutboxItem.State.DONE and work.payload == {"keys": [draft_document.storage_key]}


def test_a_rolled_back_submit_leaves_the_draft_and_its_file_intact(
    client, firm_filer, document_storage, celery_eager, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(firm_filer)
    review, draft_document, sha256 = defence_to_review(client, firm_filer.case, filer_reference="Matter 2026-042")

    def failing_audit(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    # Fails after the document was linked into the documents' store, inside the transaction.
    monkeypatch.setattr(submissions, "audit_record", failing_audit)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError, match="audit log"), django_capture_on_commit_callbacks(execute=True):
        _submit(client, review)
    assert not Submission.objects.exists()
    assert DraftDocument.objects.get().storage_key == draft_document.storage_key
    assert stored_files(_drafts(document_storage)) == [draft_document.storage_key]
    assert stored_files(document_storage) == []  # the link went again with the rollback
    assert not OutboxItem.objects.filter(kind=DRAFT_FILES_DELETE).exists()
    # The draft can still be submitted, unchanged.
    monkeypatch.undo()
    assert _submit(client, review).status_code == 302
    assert Submission.objects.get().documents.get().sha256 == sha256


def test_across_filesystems_the_file_is_copied_and_hashed(
    client, firm_filer, document_storage, celery_eager, monkeypatch
):
    client.force_login(firm_filer)
    review, draft_document, sha256 = defence_to_review(client, firm_filer.case, filer_reference="Matter 2026-042")

    def no_link(source, target):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(drafts_storage.os, "link", no_link)
    assert _submit(client, review).status_code == 302
    document = Submission.objects.get().documents.get()
    filed = document_storage / document.storage_key
    assert hashlib.sha256(filed.read_bytes()).hexdigest() == sha256 == document.sha256
    assert os.stat(filed).st_ino != os.stat(_drafts(document_storage) / draft_document.storage_key).st_ino


def test_an_expired_draft_is_purged_and_its_files_are_gone(
    client, firm_filer, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    client.force_login(firm_filer)
    _review, _draft_document, _sha256 = defence_to_review(client, firm_filer.case, filer_reference="Matter 2026-042")
    draft = SubmissionDraft.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert drafts_purge_expired(now=draft.expires_at + timedelta(seconds=1)) == 1
    assert not DraftDocument.objects.exists()
    assert stored_files(_drafts(document_storage)) == [] == stored_files(document_storage)


def test_a_draft_from_before_keeps_its_file_in_the_documents_store(
    firm_filer, document_storage, celery_eager, django_capture_on_commit_callbacks, caplog
):
    """A draft saved before drafts had a store of their own: Submit files its file where it
    is, and the purge never deletes a documents' key (it logs it)."""
    case = firm_filer.case
    pdf = good_pdf(2)

    def old_draft(title: str) -> DraftDocument:
        draft = SubmissionDraft.objects.create(
            owner=firm_filer,
            case_type=case.case_type,
            case=case,
            submission_key=uuid.uuid4(),
            expires_at=draft_expiry(),
        )
        stored = store_document(pdf)  # the documents' store, as drafts were kept then
        return DraftDocument.objects.create(
            draft=draft,
            document_type=document_type("DCCJ", "defence"),
            title=title,
            original_filename="defence.pdf",
            storage_key=stored.key,
            sha256=stored.sha256,
            size=stored.size,
            pages=2,
            ordinal=1,
            storage_identity=stored_identity(stored.key),
        )

    submitted = old_draft("Defence")
    with django_capture_on_commit_callbacks(execute=True):
        submission = draft_submit(draft=submitted.draft, user=firm_filer)
    assert submission.documents.get().storage_key == submitted.storage_key  # left where it is
    assert not OutboxItem.objects.filter(kind=DRAFT_FILES_DELETE).exists()

    expired = old_draft("Defence, second version")
    log = caplog.at_level(logging.INFO, logger="icms.core.drafts_storage")
    with log, django_capture_on_commit_callbacks(execute=True):
        assert drafts_purge_expired(now=expired.draft.expires_at + timedelta(seconds=1)) == 1
    assert expired.storage_key in stored_files(document_storage)  # never deleted from the documents' store
    assert f"Not deleting {expired.storage_key}" in caplog.text
    assert not OutboxItem.objects.filter(kind=DRAFT_FILES_DELETE).exists()
