"""Uploads hashed as they stream in (icms/core/uploads.py), and stored without being read again.

The digest must be the SHA-256 of exactly the bytes received; the checks trust it only
while the file is as it was written; storage moves the checked file into place only
when its digest is the validated one; and a file cut short is refused with nothing kept.
"""

from __future__ import annotations

import functools
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
    STRUCTURAL_STREAM,
    STRUCTURAL_STREAM_MAX_FOUND,
    TAIL_BYTES,
    HashingMemoryFileUploadHandler,
    HashingTemporaryFileUploadHandler,
    StructuralStreamSearch,
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


# --- The structural-stream screen, searched for as the chunks pass ----------------------


def _chunked(data: bytes, size: int) -> tuple[int, ...] | None:
    search = StructuralStreamSearch()
    for offset in range(0, len(data), size):
        search.update(data[offset : offset + size])
    return search.result()


def _whole(data: bytes) -> tuple[int, ...]:
    return tuple(match.start() for match in STRUCTURAL_STREAM.finditer(data))


@pytest.mark.parametrize("name", [b"/Type /ObjStm", b"/Type/XRef", b"/Type" + b" " * 255 + b"/ObjStm"])
def test_a_structural_stream_straddling_a_chunk_boundary_is_found(name):
    # Each way of cutting the match (and the byte after it, which the pattern looks at)
    # between two chunks, the second chunk long and short.
    for tail in (b" 1 0 R " * 100, b">>"):
        data = b"x" * 300 + name + tail
        expected = _whole(data)
        assert expected == (300,)
        for cut in range(300, 300 + len(name) + 2):
            search = StructuralStreamSearch()
            search.update(data[:cut])
            search.update(data[cut:])
            assert search.result() == expected, cut


def test_a_name_that_only_begins_like_one_is_not_found_across_a_boundary():
    data = b"x" * 300 + b"/Type /XRefs 1 0 R"  # another name: the look-ahead needs the "s"
    cut = 300 + len(b"/Type /XRef")
    search = StructuralStreamSearch()
    search.update(data[:cut])
    search.update(data[cut:])
    assert search.result() == _whole(data) == ()


@functools.cache
def _sample_pdfs() -> dict[str, bytes]:
    from tests.filing import pdf_corpus

    return {
        "classic": pdf_corpus.good_pdf(3),
        "object_streams": pdf_corpus.good_pdf(40, object_stream_mode=pikepdf.ObjectStreamMode.generate),
        "cjk_weasyprint": pdf_corpus.cjk_pdf(),
        "lzw_xref_stream": pdf_corpus.lzw_xref_stream_pdf(),
        "scan": _scanned_pdf(600_000),
    }


@pytest.mark.parametrize("chunk", [1, 7, 267, 268, 269, 4096, 64 * 1024, 1024 * 1024])
def test_the_search_over_chunks_finds_what_one_search_over_the_file_finds(chunk):
    for name, pdf in _sample_pdfs().items():
        found = _chunked(pdf, chunk)
        assert found == _whole(pdf), name
    assert _whole(_sample_pdfs()["object_streams"])  # the samples do have structural streams


def test_the_upload_handlers_record_the_structural_streams_as_the_file_arrives():
    pdf = _sample_pdfs()["object_streams"] + b"\n" + os.urandom(3 * 1024 * 1024)  # a temporary file
    for data in (pdf, pdf[:200_000]):  # and in memory
        digest = streamed_digest(_received(data))
        assert digest is not None
        assert digest.structural_streams == _whole(data) != ()


def test_the_screen_takes_what_the_handlers_found_and_does_not_search_again():
    from filing.pdf_checks.envelope import screen_structural_streams
    from tests.filing import pdf_corpus

    lzw = pdf_corpus.lzw_xref_stream_pdf()
    with pytest.raises(PdfRejected):
        screen_structural_streams(io.BytesIO(lzw), len(lzw), found=_whole(lzw))
    # Told there is none, it reads nothing: the handlers' search is the screen's search.
    screen_structural_streams(io.BytesIO(lzw), len(lzw), found=())
    upload = _received(lzw)
    assert streamed_digest(upload).structural_streams == _whole(lzw)
    with pytest.raises(PdfRejected) as refused:
        validate_pdf(upload)
    assert refused.value.code == Rejection.TOO_COMPLEX


def test_white_space_padding_does_not_hide_an_lzw_stream_from_the_screen():
    from filing.pdf_checks.envelope import screen_structural_streams

    padded = b"%PDF-1.7\n5 0 obj\n<< /Type" + b" " * 5000 + b"/ObjStm /Filter /LZWDecode /N 1 >>\nstream\n"
    assert _chunked(padded, 100) == _whole(padded) != ()
    with pytest.raises(PdfRejected):
        screen_structural_streams(io.BytesIO(padded), len(padded))


def test_too_many_matches_are_not_kept_and_the_screen_searches_the_file_itself():
    from filing.pdf_checks.envelope import screen_structural_streams

    data = b"/Type/XRef " * (STRUCTURAL_STREAM_MAX_FOUND + 1) + b"/Filter /LZWDecode"
    assert _chunked(data, 64 * 1024) is None
    with pytest.raises(PdfRejected):
        screen_structural_streams(io.BytesIO(data), len(data), found=None)


def test_matches_that_are_not_in_the_bytes_make_the_screen_search_the_file():
    from filing.pdf_checks.envelope import screen_structural_streams
    from tests.filing import pdf_corpus

    lzw = pdf_corpus.lzw_xref_stream_pdf()
    with pytest.raises(PdfRejected):
        screen_structural_streams(io.BytesIO(lzw), len(lzw), found=(3,))


@pytest.mark.parametrize(
    "dictionary",
    [
        # The filter far after "/ObjStm" behind a long string, or far before "/Type".
        b"<< /Type /ObjStm /Pad (" + b"x" * 5000 + b") /Filter /LZWDecode /N 1 >>",
        b"<< /Filter /LZWDecode" + b" " * 5000 + b"/Type /ObjStm /N 1 >>",
    ],
)
def test_padding_around_the_type_does_not_hide_an_lzw_filter(dictionary):
    from filing.pdf_checks.envelope import screen_structural_streams

    data = b"%PDF-1.7\n" + b"%" * 3000 + b"\n5 0 obj\n" + dictionary + b"\nstream\n" + b"x" * 3000
    with pytest.raises(PdfRejected):
        screen_structural_streams(io.BytesIO(data), len(data))


def test_a_dictionary_padded_past_any_producer_is_refused():
    from filing.pdf_checks.envelope import screen_structural_streams

    data = b"%PDF-1.7\n" + b"%" * 2_000_000 + b"\n<< /Type /ObjStm /N 1 >>" + b" " * 2_000_000 + b"\nstream\n"
    with pytest.raises(PdfRejected):
        screen_structural_streams(io.BytesIO(data), len(data))
