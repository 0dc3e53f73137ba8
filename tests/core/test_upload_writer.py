"""The temporary-file handler hashes and writes each chunk on a pool thread (icms/core/uploads.py).

What must not change for it: the file holds the bytes in the order they came, the digest is
theirs, everything is written before the file is handed over, and a failed write reaches
the request instead of being lost on the other thread.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading

import pytest
from django.test import RequestFactory

from icms.core.uploads import HashingTemporaryFileUploadHandler, _HashingWriter, streamed_digest


class _SlowFile(io.BytesIO):
    """A file whose writes take a moment, on whichever thread makes them."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[str] = set()

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.threads.add(threading.current_thread().name)
        threading.Event().wait(0.001)
        return super().write(data)


def test_chunks_are_hashed_and_written_in_order_off_the_request_thread() -> None:
    chunks = [os.urandom(size) for size in (1, 5000, 3, 70_000, 0, 12)] * 5
    file = _SlowFile()
    writer = _HashingWriter(file)
    for chunk in chunks:
        writer.feed(chunk)
    assert writer.hexdigest() == hashlib.sha256(b"".join(chunks)).hexdigest()
    assert file.getvalue() == b"".join(chunks)
    assert threading.current_thread().name not in file.threads


class _FullDisk(io.BytesIO):
    def write(self, data: bytes) -> int:  # type: ignore[override]
        raise OSError(28, "No space left on device")


def test_a_failed_write_is_raised_in_the_request() -> None:
    writer = _HashingWriter(_FullDisk())
    writer.feed(b"x" * 10)
    with pytest.raises(OSError, match="No space left"):
        writer.feed(b"y" * 10)  # the next chunk finds it
    writer = _HashingWriter(_FullDisk())
    writer.feed(b"x" * 10)
    with pytest.raises(OSError, match="No space left"):
        writer.hexdigest()  # or the end does


def test_the_handler_hands_over_a_file_with_every_byte_in_it(settings, tmp_path) -> None:
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    handler = HashingTemporaryFileUploadHandler(RequestFactory().post("/"))
    handler.new_file("file", "writ.pdf", "application/pdf", None)
    data = os.urandom(3 * 1024 * 1024 + 17)
    for start in range(0, len(data), 1024 * 1024):
        handler.receive_data_chunk(data[start : start + 1024 * 1024], start)
    upload = handler.file_complete(len(data))
    assert upload is not None
    with open(upload.temporary_file_path(), "rb") as written:
        assert written.read() == data
    digest = streamed_digest(upload)
    assert digest is not None and digest.sha256 == hashlib.sha256(data).hexdigest()
    assert digest.size == len(data)
    upload.close()


def test_an_interrupted_upload_waits_for_its_write_and_leaves_no_file(settings, tmp_path) -> None:
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    handler = HashingTemporaryFileUploadHandler(RequestFactory().post("/"))
    handler.new_file("file", "writ.pdf", "application/pdf", None)
    handler.receive_data_chunk(os.urandom(1024 * 1024), 0)
    handler.upload_interrupted()
    assert list(tmp_path.iterdir()) == []
