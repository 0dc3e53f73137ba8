"""Uploads hashed as they stream in, so a 10 MB filing is read from disk by the parser alone.

Django's own handlers write each chunk of a multipart upload to a temporary file (or
memory) and nothing more. The checks then read the whole file back to hash it, and
storing it read it a third time to hash it again (docs/storage.md, "Receiving").
These handlers (``FILE_UPLOAD_HANDLERS`` in settings) do the same writing, and on the
way they feed each chunk to SHA-256 and keep the first 1,024 bytes and the last 64 KiB,
which is all the checks on the bytes need (:mod:`filing.pdf_checks.envelope`), and they
run the screen's search for object and cross-reference streams (:data:`STRUCTURAL_STREAM`)
over the same chunks, so the screen need not read the file again. The file they hand
over carries a :class:`StreamedDigest`.

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
import re
from dataclasses import dataclass
from typing import Any, Final

from django.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler

#: The window at the start of a PDF where readers look for the header (ISO 32000-1 §7.5.2).
HEAD_BYTES: Final = 1024
#: The window at the end: a ZIP directory record and its longest comment (envelope.py).
TAIL_BYTES: Final = 22 + 0xFFFF
CHUNK_BYTES: Final = 1024 * 1024

# The screen for object and cross-reference streams (filing/pdf_checks/envelope.py says why
# it exists): "/Type /ObjStm" or "/Type /XRef" as a whole name. It is defined here, where the
# chunks pass, and used there for files that did not stream in. The white space between the
# two names is bounded so that a match has a longest length and a search over chunks needs
# only a short overlap; a longer run of white space after "/Type" is a match in itself (the
# second branch), so padding cannot hide a stream from the screen.
_MAX_SPACE: Final = 255
STRUCTURAL_STREAM: Final = re.compile(
    rb"/Type(?:\s{0,%d}/(?:ObjStm|XRef)(?![^\x00\t\n\x0c\r ()<>\[\]{}/%%])|\s{%d})" % (_MAX_SPACE, _MAX_SPACE + 1)
)
#: The bytes from its start that decide whether a match starts at a position: the longest
#: match ("/Type", the white space, "/ObjStm") and the one byte the look-ahead reads.
STRUCTURAL_STREAM_WINDOW: Final = len(b"/Type") + _MAX_SPACE + len(b"/ObjStm") + 1
#: More matches than this are not kept; the screen then searches the file itself. A real
#: document has a few dozen object streams at most.
STRUCTURAL_STREAM_MAX_FOUND: Final = 10_000


@dataclass(frozen=True, slots=True)
class StreamedDigest:
    """What was learnt from an upload's bytes as they arrived."""

    size: int
    sha256: str
    head: bytes
    tail: bytes
    #: The temporary file's modification time when the last byte was written (0 in memory).
    mtime_ns: int = 0
    #: Where each match of :data:`STRUCTURAL_STREAM` starts, in order, exactly as one search
    #: over the whole file finds them; ``None`` when too many were found to keep.
    structural_streams: tuple[int, ...] | None = None


class StructuralStreamSearch:
    """:data:`STRUCTURAL_STREAM` searched for over a file that arrives in chunks.

    Each chunk is searched where it lies, without joining it to the one before: only the
    last ``STRUCTURAL_STREAM_WINDOW - 1`` bytes of a chunk, where a match may start and
    not yet be decided, are carried over and searched again with the start of the next
    chunk. The search resumes after the end of the last match, as ``finditer`` over the
    whole file does, so the matches are the same ones.
    """

    def __init__(self) -> None:
        self._found: list[int] = []
        self._overflow = False
        self._carry = b""
        self._carry_at = 0  # where the carried bytes start in the file
        self._resume = 0  # where the next match may start: the end of the last one

    def update(self, chunk: bytes) -> None:
        if self._overflow:
            return
        window = STRUCTURAL_STREAM_WINDOW
        if len(chunk) < window:
            # A short chunk (the last, or a slow client): join it to the few carried bytes.
            data, at = self._carry + chunk, self._carry_at
        else:
            # Matches that start in the carried bytes, decided by the start of this chunk.
            self._search(self._carry + chunk[: window - 1], self._carry_at, len(self._carry))
            data, at = chunk, self._carry_at + len(self._carry)
        # A match may start where at least a window of bytes follows; later starts wait.
        decided = max(0, len(data) - window + 1)
        self._search(data, at, decided)
        keep = max(at + decided, self._resume)
        self._carry, self._carry_at = data[keep - at :], keep

    def result(self) -> tuple[int, ...] | None:
        """The starts of all the matches, once the last chunk is in; ``None`` if there were too many."""
        self._search(self._carry, self._carry_at, len(self._carry))
        self._carry, self._carry_at = b"", self._carry_at + len(self._carry)
        return None if self._overflow else tuple(self._found)

    def _search(self, data: bytes, at: int, stop: int) -> None:
        """Record the matches in ``data`` (which starts at ``at`` in the file) starting before ``stop``."""
        if self._overflow:
            return
        for match in STRUCTURAL_STREAM.finditer(data, max(0, self._resume - at)):
            if match.start() >= stop:
                return
            if len(self._found) >= STRUCTURAL_STREAM_MAX_FOUND:
                self._overflow = True
                self._found = []
                return
            self._found.append(at + match.start())
            self._resume = at + match.end()


class _Hasher:
    """SHA-256, size, head, tail and the structural-stream search of a stream of chunks."""

    def __init__(self) -> None:
        self._hasher = hashlib.sha256()
        self._search = StructuralStreamSearch()
        self.size = 0
        self.head = b""
        self.tail = b""

    def update(self, chunk: bytes) -> None:
        self._hasher.update(chunk)
        self._search.update(chunk)
        self.size += len(chunk)
        if len(self.head) < HEAD_BYTES:
            self.head = (self.head + chunk[:HEAD_BYTES])[:HEAD_BYTES]
        self.tail = chunk[-TAIL_BYTES:] if len(chunk) >= TAIL_BYTES else (self.tail + chunk)[-TAIL_BYTES:]

    def digest(self, *, mtime_ns: int = 0) -> StreamedDigest:
        return StreamedDigest(
            self.size, self._hasher.hexdigest(), self.head, self.tail, mtime_ns, self._search.result()
        )


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
