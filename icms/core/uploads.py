"""Uploads hashed as they stream in, so a 10 MB filing is read from disk by the parser alone.

Django's own handlers write each chunk of a multipart upload to a temporary file (or
memory) and nothing more. The checks then read the whole file back to hash it, and
storing it read it a third time to hash it again (docs/storage.md, "Receiving").
These handlers (``FILE_UPLOAD_HANDLERS`` in settings) do the same writing, and on the
way they feed each chunk to SHA-256 and keep the first 1,024 bytes and the last 64 KiB,
which is all the checks on the bytes need (:mod:`filing.pdf_checks.envelope`). The
file they hand over carries a :class:`StreamedDigest`.

What the digest vouches for: the bytes this process wrote to the file, in order, and
nothing since. It is trusted only while the file is as it was left: the same size and,
for a temporary file, the same modification time (:func:`streamed_digest`). Storage
may then skip reading the file again (``icms.core.storage.store_document``): on the
filesystem the checked temporary file itself is moved into place, so the stored bytes
are the checked bytes; anywhere else the bytes are hashed again on their way out.

Larger chunks (1 MiB rather than Django's 64 KiB) also make the multipart parser loop
sixteen times less often.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any, Final

from django.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler

#: The window at the start of a PDF where readers look for the header (ISO 32000-1 §7.5.2).
HEAD_BYTES: Final = 1024
#: The window at the end: a ZIP directory record and its longest comment (envelope.py).
TAIL_BYTES: Final = 22 + 0xFFFF
CHUNK_BYTES: Final = 1024 * 1024


@dataclass(frozen=True, slots=True)
class StreamedDigest:
    """What was learnt from an upload's bytes as they arrived."""

    size: int
    sha256: str
    head: bytes
    tail: bytes
    #: The temporary file's modification time when the last byte was written (0 in memory).
    mtime_ns: int = 0


class _Hasher:
    """SHA-256, size, head and tail of a stream of chunks."""

    def __init__(self) -> None:
        self._hasher = hashlib.sha256()
        self.size = 0
        self.head = b""
        self.tail = b""

    def update(self, chunk: bytes) -> None:
        self._hasher.update(chunk)
        self.size += len(chunk)
        if len(self.head) < HEAD_BYTES:
            self.head = (self.head + chunk[:HEAD_BYTES])[:HEAD_BYTES]
        self.tail = chunk[-TAIL_BYTES:] if len(chunk) >= TAIL_BYTES else (self.tail + chunk)[-TAIL_BYTES:]

    def digest(self, *, mtime_ns: int = 0) -> StreamedDigest:
        return StreamedDigest(self.size, self._hasher.hexdigest(), self.head, self.tail, mtime_ns)


class HashingTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler, hashing each chunk as it is written."""

    chunk_size = CHUNK_BYTES

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._hashing = _Hasher()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._hashing.update(raw_data)
        self.file.write(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile | None:
        upload = super().file_complete(file_size)
        if not isinstance(upload, TemporaryUploadedFile) or upload.file is None:
            return upload
        upload.file.flush()
        mtime_ns = os.fstat(upload.file.fileno()).st_mtime_ns
        upload.streamed_digest = self._hashing.digest(mtime_ns=mtime_ns)  # type: ignore[attr-defined]
        return upload


class HashingMemoryFileUploadHandler(MemoryFileUploadHandler):
    """Django's in-memory handler (small uploads), hashing each chunk as it is kept."""

    chunk_size = CHUNK_BYTES

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self._hashing = _Hasher()  # before the parent's new_file, which ends in StopFutureHandlers
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.activated:
            self._hashing.update(raw_data)
        result: bytes | None = super().receive_data_chunk(raw_data, start)
        return result

    def file_complete(self, file_size: int) -> UploadedFile | None:
        upload = super().file_complete(file_size)
        if isinstance(upload, InMemoryUploadedFile):
            upload.streamed_digest = self._hashing.digest()  # type: ignore[attr-defined]
        return upload


def streamed_digest(upload: object) -> StreamedDigest | None:
    """The upload's :class:`StreamedDigest`, if it has one and the file is still as it was written.

    ``None`` for anything else (bytes, a stored file, an upload changed since), so the
    caller reads and hashes the bytes itself.
    """
    digest: StreamedDigest | None = getattr(upload, "streamed_digest", None)
    if digest is None or not isinstance(upload, UploadedFile) or upload.file is None:
        return None
    try:
        if isinstance(upload, TemporaryUploadedFile):
            status = os.stat(upload.temporary_file_path())
            unchanged = status.st_size == digest.size and status.st_mtime_ns == digest.mtime_ns
        else:
            position = upload.file.tell()
            unchanged = upload.file.seek(0, os.SEEK_END) == digest.size
            upload.file.seek(position)
    except (OSError, ValueError):
        return None
    return digest if unchanged else None
