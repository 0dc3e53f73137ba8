"""Uploads hashed as they stream in (icms/core/uploads.py), and stored without being read again.

The digest must be the SHA-256 of exactly the bytes received; the checks trust it only
while the file is as it was written; storage moves the checked file into place only
when its digest is the validated one; and a file cut short is refused with nothing kept.
"""

from __future__ import annotations

import hashlib
import io
import os

import pikepdf
import pytest
from django.core.files.storage import FileSystemStorage
from django.test import RequestFactory
from django.test.client import encode_multipart

from filing.pdf_checks import PdfRejected, Rejection, validate_pdf
from icms.core.storage import StorageIntegrityError, StoredFiles, hash_stored_document
from icms.core.uploads import (
    HEAD_BYTES,
    TAIL_BYTES,
    HashingMemoryFileUploadHandler,
    HashingTemporaryFileUploadHandler,
    streamed_digest,
)

BOUNDARY = "----icms-uploads-test"


def _received(data: bytes):
    """``data`` POSTed as a file and parsed by Django with the portal's upload handlers."""
    body = encode_multipart(BOUNDARY, {"title": "Writ", "file": _Named(data)})
    request = RequestFactory().generic(
        "POST", "/upload/", body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )
    request.upload_handlers = [HashingMemoryFileUploadHandler(request), HashingTemporaryFileUploadHandler(request)]
    return request.FILES["file"]


class _Named:
    """A file-like body part with a name, as encode_multipart wants."""

    def __init__(self, data: bytes) -> None:
        self.data, self.name = data, "writ.pdf"

    def read(self) -> bytes:
        return self.data


def _scanned_pdf(size: int) -> bytes:
    """A valid PDF of about ``size`` bytes, its pages carrying incompressible image data like a scan."""
    pdf = pikepdf.Pdf.new()
    side = 500
    for _ in range(max(1, size // (side * side))):
        image = pikepdf.Stream(pdf, os.urandom(side * side))
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width = image.Height = side
        image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceGray, 8
        resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=pdf.make_indirect(image)))
        contents = pdf.make_stream(b"q 500 0 0 500 50 200 cm /Im0 Do Q")
        pdf.pages.append(
            pikepdf.Page(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842], Resources=resources, Contents=contents
                )
            )
        )
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


@pytest.mark.parametrize("size", [200, 3 * 1024 * 1024 + 17])  # in memory, and in a temporary file
def test_the_streamed_digest_is_the_sha256_of_the_bytes_received(size):
    data = os.urandom(size)
    upload = _received(data)
    digest = streamed_digest(upload)
    assert digest is not None
    assert digest.sha256 == hashlib.sha256(data).hexdigest()
    assert digest.size == size == upload.size
    assert digest.head == data[:HEAD_BYTES]
    assert digest.tail == data[-TAIL_BYTES:]
    upload.seek(0)
    assert upload.read() == data


def test_a_file_changed_after_it_arrived_is_not_trusted():
    upload = _received(os.urandom(3 * 1024 * 1024))
    with open(upload.temporary_file_path(), "ab") as handle:
        handle.write(b"one more byte")
    assert streamed_digest(upload) is None


def test_bytes_and_plain_files_have_no_streamed_digest(tmp_path):
    assert streamed_digest(b"%PDF-1.7") is None
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.7")
    with path.open("rb") as handle:
        assert streamed_digest(handle) is None


def test_a_checked_upload_is_moved_into_storage_and_proven_by_its_digest(db, tmp_path):
    pdf = _scanned_pdf(3 * 1024 * 1024)  # past the in-memory limit: a temporary file
    upload = _received(pdf)
    temporary = upload.temporary_file_path()
    info = validate_pdf(upload)
    assert info.sha256 == hashlib.sha256(pdf).hexdigest()
    storage = FileSystemStorage(location=tmp_path / "media")
    with StoredFiles(storage=storage) as files:
        stored = files.save(upload, expected_sha256=info.sha256)
    assert not os.path.exists(temporary)  # moved, not copied: the file stored is the file checked
    assert stored.sha256 == info.sha256 == hash_stored_document(stored.key, storage=storage)
    assert stored.size == len(pdf)


def test_an_upload_whose_digest_is_not_the_validated_one_is_read_and_refused(db, tmp_path):
    upload = _received(_scanned_pdf(3 * 1024 * 1024))
    storage = FileSystemStorage(location=tmp_path / "media")
    with pytest.raises(StorageIntegrityError), StoredFiles(storage=storage) as files:
        files.save(upload, expected_sha256="0" * 64)
    assert os.path.exists(upload.temporary_file_path())  # not moved
    assert not any((tmp_path / "media").rglob("*.pdf"))  # nothing kept


def test_an_upload_cut_short_is_refused_and_nothing_is_stored(db, tmp_path):
    whole = _scanned_pdf(3 * 1024 * 1024)
    cut = whole[: len(whole) // 2]  # the connection dropped half way: no %%EOF
    upload = _received(cut)
    assert streamed_digest(upload).sha256 == hashlib.sha256(cut).hexdigest()
    with pytest.raises(PdfRejected) as refused:
        validate_pdf(upload)
    assert refused.value.code == Rejection.DAMAGED
    assert not (tmp_path / "media").exists()
