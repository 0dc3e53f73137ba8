"""icms.core.storage: server-made keys, SHA-256 while streaming, no orphans, safe downloads."""

from __future__ import annotations

import hashlib
import io
import os
import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.db import IntegrityError, connection, transaction

from icms.core.storage import (
    DOWNLOAD_HEADERS,
    StorageIntegrityError,
    StoredFiles,
    document_key,
    document_response,
    hash_stored_document,
    read_document,
    store_document,
    stored_once,
)
from tests.filing import pdf_corpus

KEY = re.compile(r"documents/\d{4}/\d{2}/[0-9a-f]{32}\.pdf")


def files_in(location):
    return sorted(path for path in location.rglob("*") if path.is_file())


def test_keys_are_made_by_the_server_in_hong_kong_months():
    # 16:30 UTC on 30 November is 00:30 on 1 December in Hong Kong.
    key = document_key(now=datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    assert re.fullmatch(r"documents/2026/12/[0-9a-f]{32}\.pdf", key)
    assert document_key() != document_key()


@pytest.mark.parametrize(("prefix", "extension"), [("../etc", "pdf"), ("Documents", "pdf"), ("documents", "p/df")])
def test_keys_refuse_odd_prefixes_and_extensions(prefix, extension):
    with pytest.raises(ValueError):
        document_key(prefix=prefix, extension=extension)


def test_a_stored_upload_gets_a_server_key_and_its_sha256(document_storage):
    data = pdf_corpus.good_pdf(3)
    upload = SimpleUploadedFile("../../Statement of claim.pdf", data, content_type="application/pdf")
    stored = store_document(upload)
    assert KEY.fullmatch(stored.key)
    assert "claim" not in stored.key
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (document_storage / stored.key).read_bytes() == data
    assert read_document(stored.key) == data
    assert hash_stored_document(stored.key) == stored.sha256


def test_a_temporary_upload_is_copied_not_moved(document_storage):
    data = os.urandom(3 * 1024 * 1024 + 17)  # more than one chunk
    upload = TemporaryUploadedFile("claim.pdf", "application/pdf", len(data), None)
    upload.write(data)
    upload.seek(0)
    try:
        stored = store_document(upload)
        assert stored.sha256 == hashlib.sha256(data).hexdigest()
        assert os.path.exists(upload.temporary_file_path())
        assert (document_storage / stored.key).read_bytes() == data
    finally:
        upload.close()


def test_bytes_and_file_objects_can_be_stored_under_other_prefixes(document_storage):
    stored = store_document(b"%PDF-1.7 acknowledgement", prefix="acknowledgements")
    assert stored.key.startswith("acknowledgements/")
    stored = store_document(io.BytesIO(b"sealed"), prefix="sealed")
    assert stored.sha256 == hashlib.sha256(b"sealed").hexdigest()


def test_a_hash_mismatch_keeps_nothing(document_storage):
    with pytest.raises(StorageIntegrityError):
        store_document(b"the bytes that arrived", expected_sha256=hashlib.sha256(b"the bytes checked").hexdigest())
    assert files_in(document_storage) == []


class SkippingStorage(FileSystemStorage):
    """A backend that reads the end of the file before the start (as a parallel uploader might)."""

    def _save(self, name, content):
        content.seek(10)
        tail = content.read()
        content.seek(0)
        head = content.read(10)
        return super()._save(name, File(io.BytesIO(head + tail)))


def test_the_hash_is_still_right_when_a_backend_reads_out_of_order(tmp_path, caplog):
    data = os.urandom(100_000)
    stored = store_document(data, storage=SkippingStorage(location=tmp_path))
    assert "hashing again" in caplog.text
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (tmp_path / stored.key).read_bytes() == data


@pytest.mark.django_db(transaction=True)
def test_files_of_a_committed_submission_stay(document_storage):
    with StoredFiles() as files:
        stored = files.save(pdf_corpus.good_pdf())
        Group.objects.create(name="submission 1")
    assert files_in(document_storage) == [document_storage / stored.key]
    assert Group.objects.filter(name="submission 1").exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_submission_leaves_no_file(document_storage):
    with pytest.raises(RuntimeError, match="payment refused"), StoredFiles() as files:
        files.save(pdf_corpus.good_pdf())
        files.save(pdf_corpus.good_pdf(2))
        Group.objects.create(name="submission 2")
        assert len(files_in(document_storage)) == 2
        raise RuntimeError("payment refused")
    assert files_in(document_storage) == []
    assert not Group.objects.filter(name="submission 2").exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_commit_leaves_no_file(document_storage):
    # auth_group_permissions' foreign keys are DEFERRABLE INITIALLY DEFERRED in
    # PostgreSQL, so a bad permission id is refused only by COMMIT itself.
    with pytest.raises(IntegrityError), StoredFiles() as files:
        files.save(pdf_corpus.good_pdf())
        group = Group.objects.create(name="submission 3")
        Group.permissions.through.objects.create(group=group, permission_id=987654321)
    assert files_in(document_storage) == []
    assert not Group.objects.filter(name="submission 3").exists()


@pytest.mark.django_db(transaction=True)
def test_stored_once_gives_the_copy_to_the_first_claimer_and_deletes_the_losers(document_storage):
    group = Group.objects.create(name="")
    unclaimed = Group.objects.filter(pk=group.pk, name="")
    with stored_once(pdf_corpus.good_pdf(), prefix="receipts", claim=lambda s: unclaimed.update(name=s.key)) as first:
        assert first is not None
    with stored_once(
        pdf_corpus.good_pdf(2), prefix="receipts", claim=lambda s: unclaimed.update(name=s.key)
    ) as second:
        assert second is None
    group.refresh_from_db()
    assert group.name == first.key
    assert files_in(document_storage) == [document_storage / first.key]


@pytest.mark.django_db(transaction=True)
def test_stored_once_deletes_its_copy_when_the_work_after_the_claim_fails(document_storage):
    group = Group.objects.create(name="")
    unclaimed = Group.objects.filter(pk=group.pk, name="")
    with (
        pytest.raises(RuntimeError, match="message box down"),
        stored_once(pdf_corpus.good_pdf(), prefix="receipts", claim=lambda s: unclaimed.update(name=s.key)),
    ):
        raise RuntimeError("message box down")
    group.refresh_from_db()
    assert group.name == ""  # the claim rolled back with the rest
    assert files_in(document_storage) == []


@pytest.mark.django_db(transaction=True)
def test_stored_files_must_be_the_outermost_transaction(document_storage):
    with pytest.raises(RuntimeError), transaction.atomic(), StoredFiles():
        pass
    assert not connection.in_atomic_block


def test_saving_outside_the_block_is_refused(document_storage):
    with pytest.raises(RuntimeError):
        StoredFiles().save(b"%PDF-")


# Closing a response sends request_finished, which checks the database connections.
@pytest.mark.django_db
def test_the_download_is_an_attachment_with_nosniff_and_a_sandbox(document_storage):
    data = pdf_corpus.good_pdf()
    stored = store_document(data)
    response = document_response(stored.key, filename="DCPI 123-2026 statement of claim.pdf")
    try:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="DCPI 123-2026 statement of claim.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == data
    finally:
        response.close()


# Closing a response sends request_finished, which checks the database connections.
@pytest.mark.django_db
def test_the_download_name_is_cleaned_and_may_be_chinese(document_storage):
    stored = store_document(pdf_corpus.good_pdf())
    response = document_response(stored.key, filename="..\\../申索陳述書\r\n.pdf")
    try:
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment; filename*=utf-8''")
        assert "%E7%94%B3" in disposition  # 申
        assert ".." not in disposition and "/" not in disposition.split("''", 1)[1]
        assert "\r" not in disposition and "\n" not in disposition
    finally:
        response.close()


# Closing a response sends request_finished, which checks the database connections.
@pytest.mark.django_db
def test_the_portal_csp_does_not_replace_the_download_sandbox(client, document_storage, settings):
    """django-csp sets the portal's policy only when a response has none."""
    from csp.middleware import CSPMiddleware

    stored = store_document(pdf_corpus.good_pdf())
    middleware = CSPMiddleware(lambda request: document_response(stored.key, filename="a.pdf"))
    from django.test import RequestFactory

    response = middleware(RequestFactory().get("/"))
    try:
        assert response["Content-Security-Policy"] == DOWNLOAD_HEADERS["Content-Security-Policy"]
    finally:
        response.close()


def test_on_s3_with_redirect_downloads_the_download_is_a_short_lived_presigned_redirect(settings):
    from storages.backends.s3 import S3Storage

    settings.DOCUMENT_DOWNLOADS = "redirect"

    storage = S3Storage(
        bucket_name="icms-documents",
        access_key="AKIAEXAMPLE",
        secret_key="example-secret",
        endpoint_url="http://127.0.0.1:9000",
        region_name="us-east-1",
        querystring_auth=True,
        querystring_expire=60,
        signature_version="s3v4",
    )
    response = document_response("documents/2026/11/abc.pdf", filename="申索陳述書.pdf", storage=storage)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("http://127.0.0.1:9000/icms-documents/documents/2026/11/abc.pdf?")
    assert "X-Amz-Expires=60" in location
    assert "response-content-disposition=attachment" in location
    assert "response-content-type=application%2Fpdf" in location
    assert response["X-Content-Type-Options"] == "nosniff"
