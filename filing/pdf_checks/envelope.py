"""The checks on the bytes, made before any parser sees them: size, digest, header, a
second format hidden in the same file ("polyglot"), truncation, and a screen for object
and cross-reference streams that the parser would unpack without a limit."""

from __future__ import annotations

import hashlib
import mmap
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from io import BytesIO
from typing import IO, Final, TypeAlias

from django.core.files.base import File
from django.template.defaultfilters import filesizeformat

from icms.core.uploads import STRUCTURAL_STREAM

from .messages import PdfRejected, Rejection

#: What the checks accept: bytes, a Django ``File``/``UploadedFile``, or a binary file object.
PdfSource: TypeAlias = bytes | IO[bytes]

# ISO 32000-1 §7.5.2: a reader looks for the header in the first 1024 bytes, and for
# "%%EOF" in the last 1024 bytes; §7.2.2 defines these six bytes as white space.
_HEADER = b"%PDF-"
_HEADER_WINDOW: Final = 1024
_EOF_MARKER = b"%%EOF"
_EOF_WINDOW: Final = 1024
_PDF_WHITESPACE = b"\x00\t\n\x0c\r "
CHUNK: Final = 1024 * 1024
# A ZIP reader finds the archive from its end-of-central-directory record, which must
# end the file and may be followed by a comment of at most 65535 bytes.
_ZIP_EOCD = b"PK\x05\x06"
_ZIP_EOCD_SIZE: Final = 22
_TAIL_WINDOW: Final = _ZIP_EOCD_SIZE + 0xFFFF
# Signatures of other formats that must not follow the PDF's last %%EOF.
_FOREIGN_SIGNATURES: Final = (
    b"PK\x03\x04",  # ZIP, and so DOCX, XLSX, JAR, APK
    b"PK\x05\x06",
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG",
    b"GIF8",
    b"Rar!",
    b"7z\xbc\xaf",
    b"MZ",  # Windows executables
    b"\x7fELF",
)
# Markup, matched without regard to case.
_FOREIGN_MARKUP: Final = (b"<html", b"<!doctype", b"<script", b"<svg", b"<?xml")


def too_large(size: int, limit: int) -> PdfRejected:
    return PdfRejected(
        Rejection.FILE_TOO_LARGE,
        params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
    )


def declared_size(source: PdfSource) -> int | None:
    if isinstance(source, bytes):
        return len(source)
    if isinstance(source, File):
        try:
            return int(source.size)
        except (AttributeError, OSError, TypeError):
            return None
    return None


@contextmanager
def binary_stream(source: PdfSource) -> Iterator[IO[bytes]]:
    if isinstance(source, bytes):
        yield BytesIO(source)
        return
    if isinstance(source, File):
        # Django's File reopens a closed file; an UploadedFile is already open.
        if source.closed:
            source.open("rb")
        if source.file is None:
            raise ValueError("The file has no content to read.")
        yield source.file
        return
    yield source


def scan_bytes(stream: IO[bytes], max_bytes: int) -> tuple[int, str, bytes, bytes]:
    """Read the file once: its size, SHA-256, first 1024 bytes and final 64 KiB."""
    stream.seek(0)
    hasher = hashlib.sha256()
    size = 0
    head = b""
    tail = b""
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            # The declared size can be absent or wrong; the bytes read are the truth.
            raise too_large(size, max_bytes)
        hasher.update(chunk)
        if len(head) < _HEADER_WINDOW:
            head = (head + chunk)[:_HEADER_WINDOW]
        tail = (tail + chunk)[-_TAIL_WINDOW:]
    return size, hasher.hexdigest(), head, tail


def check_envelope(size: int, head: bytes, tail: bytes) -> None:
    """The checks that need no parser: emptiness, the header, a second format, truncation."""
    if size == 0:
        raise PdfRejected(Rejection.EMPTY)
    offset = head.find(_HEADER)
    if offset < 0:
        raise PdfRejected(Rejection.NOT_PDF)
    if head[:offset].strip(_PDF_WHITESPACE):
        # Something else (an HTML page, a ZIP or JPEG header) comes first: a reader
        # that sniffs the start sees another format.
        raise PdfRejected(Rejection.POLYGLOT)
    if _ends_with_zip_directory(tail):
        raise PdfRejected(Rejection.POLYGLOT)
    eof = tail.rfind(_EOF_MARKER, max(0, len(tail) - _EOF_WINDOW))
    if eof < 0:
        # No %%EOF near the end: the upload was cut short, or the file was never finished.
        raise PdfRejected(Rejection.DAMAGED)
    # Some producers leave a little junk after %%EOF, which readers ignore; another
    # file appended there starts with its own signature.
    trailing = tail[eof + len(_EOF_MARKER) :].lstrip(_PDF_WHITESPACE)
    if trailing.startswith(_FOREIGN_SIGNATURES) or trailing.lower().startswith(_FOREIGN_MARKUP):
        raise PdfRejected(Rejection.POLYGLOT)


def _ends_with_zip_directory(tail: bytes) -> bool:
    """True when the bytes end in a ZIP end-of-central-directory record.

    The record's comment length must reach exactly the end of the file, which chance
    bytes inside a compressed stream almost never do.
    """
    position = tail.rfind(_ZIP_EOCD)
    while position >= 0:
        comment_length = int.from_bytes(tail[position + 20 : position + 22], "little")
        if position + _ZIP_EOCD_SIZE + comment_length == len(tail):
            return True
        position = tail.rfind(_ZIP_EOCD, 0, position)
    return False


# qpdf unpacks the cross-reference stream when it opens a file, and an object stream
# when it first reads an object inside it, before any check of ours can measure them.
# Flate and run-length data are bounded by qpdf's own limits (structure.py), but qpdf
# has no limit for LZW, whose output can be about 2,500 times its input. Object and
# cross-reference streams arrived in PDF 1.5, long after producers moved from LZW to
# Flate, so one that uses LZW (or an indirect /Filter, which hides the filter from
# this screen) is refused unopened. Their dictionaries are always plain text in the
# file, never compressed, so a look around each "/Type /ObjStm" or "/Type /XRef"
# (STRUCTURAL_STREAM, defined with the upload handlers that search for it as the bytes
# arrive) finds them.
_SUSPECT_FILTER = re.compile(rb"/LZW|/Filter\s*\d+\s+\d+\s+R")
_DICT_WINDOW: Final = 2048
# A dictionary whose "obj" or "stream" is not within this of its "/Type" is padded to hide
# its filter from the look around it: no producer writes one, so it is refused.
_DICT_LIMIT: Final = 1024 * 1024
_SPACE_RUN = re.compile(rb"\s*")


def screen_structural_streams(stream: IO[bytes], size: int, *, found: Sequence[int] | None = None) -> None:
    """Refuse a file whose object or cross-reference streams use LZW (see above).

    ``found`` is where each match of ``STRUCTURAL_STREAM`` starts, when the upload
    handlers searched for them as the file streamed in (:class:`StreamedDigest`); only the
    dictionaries around them are then read. Without it the file is searched here: mapped
    into memory when it is a real file (a temporary upload), and searched with the
    pattern itself: the regular expression engine's own scan for its literal start "/Type"
    beat ``bytes.find`` followed by a match at each hit (10-13 ms against 14-15 ms for the
    bench's 10 MB PDF; ``find`` uses ``memchr`` only for a one-byte needle). Matches cannot
    overlap (none holds a second "/Type").
    """
    if found is not None and not found:
        return  # no object or cross-reference stream: nothing to read
    with _mapped(stream, size) as data:
        for match in _structural_streams(data, found):
            # The dictionary runs from "N 0 obj" to the "stream" keyword. A match that is
            # "/Type" and a long run of white space ends inside the run: look from its end.
            after = _SPACE_RUN.match(data, match.end())
            after_end = after.end() if after is not None else match.end()
            begin = _dictionary_start(data, match.start())
            end = _dictionary_end(data, after_end, size)
            if _SUSPECT_FILTER.search(data, begin, end):
                raise PdfRejected(Rejection.TOO_COMPLEX)
    stream.seek(0)


def _dictionary_start(data: bytes | mmap.mmap, at: int) -> int:
    """Where the dictionary holding ``at`` starts: its "obj", looked for near, then far, back."""
    for window in (_DICT_WINDOW, _DICT_LIMIT):
        begin = data.rfind(b"obj", max(0, at - window), at)
        if begin >= 0:
            return begin
    if at <= _DICT_LIMIT:
        return 0  # the start of the file is in reach: look from there
    raise PdfRejected(Rejection.TOO_COMPLEX)


def _dictionary_end(data: bytes | mmap.mmap, at: int, size: int) -> int:
    """Where the dictionary after ``at`` ends: its "stream", looked for near, then far, ahead."""
    for window in (_DICT_WINDOW, _DICT_LIMIT):
        end = data.find(b"stream", at, at + window)
        if end >= 0:
            return end
    if size - at <= _DICT_LIMIT:
        return size  # the end of the file is in reach: look to there
    raise PdfRejected(Rejection.TOO_COMPLEX)


def _structural_streams(data: bytes | mmap.mmap, found: Sequence[int] | None) -> Iterable[re.Match[bytes]]:
    if found is not None:
        matches = [match for at in found if (match := STRUCTURAL_STREAM.match(data, at)) is not None]
        if len(matches) == len(found):
            return matches
        # Not the bytes that were searched as they arrived: search these.
    return STRUCTURAL_STREAM.finditer(data)


@contextmanager
def _mapped(stream: IO[bytes], size: int) -> Iterator[bytes | mmap.mmap]:
    """The file's bytes without copying them when it has a descriptor; else read whole
    (bytes and in-memory uploads are in memory already)."""
    if size == 0:
        yield b""
        return
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):
        descriptor = -1
    if descriptor >= 0:
        if stream.writable():
            stream.flush()  # a file still being written: map what it holds
        with mmap.mmap(descriptor, 0, access=mmap.ACCESS_READ) as mapped:
            yield mapped
        return
    stream.seek(0)
    yield stream.read()
