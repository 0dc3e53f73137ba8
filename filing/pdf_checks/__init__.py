"""Checks on an uploaded PDF, made before anything is stored.

icms-reference §6: the Judiciary publishes no formats or limits, so every limit here
is a [P] product rule, read from settings (``FILING_MAX_FILE_BYTES``,
``FILING_MAX_SUBMISSION_BYTES``, ``FILING_MAX_PAGES``, ``FILING_MAX_STREAM_DECODED_BYTES``,
``FILING_MAX_DECODED_BYTES``, ``FILING_MAX_IMAGE_PIXELS``); docs/filing.md gives the
reasons:

* PDF only: ``%PDF-`` at the start of the file (PDF whitespace may precede it), and no
  second format hidden in the same bytes (a "polyglot") (envelope.py);
* it must parse, and must not be encrypted (structure.py);
* no active content: JavaScript, XFA forms, launch actions, links to other files or to
  anything but web and email addresses, form submission or import, multimedia, embedded
  or attached files (active_content.py);
* at most 30 MB a file and 100 MB a submission by default, and bounds on what the file
  unpacks to, so that anything accepted can also be sealed (bounds.py); a page count is
  recorded.

:func:`validate_pdf` returns a :class:`PdfInfo` or raises :class:`PdfRejected`, a
``ValidationError`` with a stable ``code`` and a plain-language message that says how
to fix the file, so a form can let it propagate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.template.defaultfilters import filesizeformat

from icms.core.uploads import streamed_digest

from .bounds import Bounds
from .envelope import (
    PdfSource,
    binary_stream,
    check_envelope,
    declared_size,
    scan_bytes,
    screen_structural_streams,
    too_large,
)
from .messages import MESSAGES, PdfRejected, Rejection
from .structure import check_structure

__all__ = [
    "MESSAGES",
    "Bounds",
    "PdfInfo",
    "PdfRejected",
    "PdfSource",
    "Rejection",
    "check_submission_size",
    "max_file_bytes",
    "max_pages",
    "max_submission_bytes",
    "validate_pdf",
]


@dataclass(frozen=True, slots=True)
class PdfInfo:
    """What the checks learnt about an accepted file."""

    size: int
    sha256: str
    pages: int
    #: The version in the header, such as "1.7".
    version: str
    #: True when the parser had to reconstruct a damaged cross-reference table. The file
    #: is accepted (many producers write slightly wrong offsets) but staff may want to know.
    repaired: bool
    #: What the file's streams unpack to, every filter's output counted (bounds.py).
    decoded_bytes: int = 0


def max_file_bytes() -> int:
    return int(settings.FILING_MAX_FILE_BYTES)


def max_submission_bytes() -> int:
    return int(settings.FILING_MAX_SUBMISSION_BYTES)


def max_pages() -> int:
    return int(settings.FILING_MAX_PAGES)


def check_submission_size(sizes: Iterable[int], *, limit: int | None = None) -> int:
    """Refuse a submission whose files together pass the limit; return the total.

    Call it with the uploads' sizes before checking each file, so an oversized
    submission costs no parsing.
    """
    limit = max_submission_bytes() if limit is None else limit
    total = sum(sizes)
    if total > limit:
        raise PdfRejected(
            Rejection.SUBMISSION_TOO_LARGE,
            params={"size": filesizeformat(total), "limit": filesizeformat(limit)},
        )
    return total


def validate_pdf(
    source: PdfSource,
    *,
    max_bytes: int | None = None,
    page_limit: int | None = None,
    bounds: Bounds | None = None,
) -> PdfInfo:
    """Check one uploaded file and return what was learnt, or raise :class:`PdfRejected`.

    The file is read in chunks (hashing as it goes) and then parsed from its temporary
    file when it has one, so a 30 MB upload is never held in memory twice. An upload
    hashed as it streamed in (:mod:`icms.core.uploads`) is not read again for its hash, nor
    searched again for object and cross-reference streams.
    The file position is left at the start.
    """
    max_bytes = max_file_bytes() if max_bytes is None else max_bytes
    page_limit = max_pages() if page_limit is None else page_limit
    bounds = Bounds.from_settings() if bounds is None else bounds

    declared = declared_size(source)
    if declared is not None and declared > max_bytes:
        raise too_large(declared, max_bytes)
    streamed = streamed_digest(source)
    with binary_stream(source) as stream:
        if streamed is not None:
            # Hashed as it streamed in (icms.core.uploads): the bytes need not be read for it again.
            if streamed.size > max_bytes:
                raise too_large(streamed.size, max_bytes)
            size, digest, head, tail = streamed.size, streamed.sha256, streamed.head, streamed.tail
            found = streamed.structural_streams
        else:
            size, digest, head, tail = scan_bytes(stream, max_bytes)
            found = None
        check_envelope(size, head, tail)
        screen_structural_streams(stream, size, found=found)
        stream.seek(0)
        structure = check_structure(_parser_input(source, stream), page_limit=page_limit, bounds=bounds)
        stream.seek(0)
    return PdfInfo(
        size=size,
        sha256=digest,
        pages=structure.pages,
        version=structure.version,
        repaired=structure.repaired,
        decoded_bytes=structure.decoded_bytes,
    )


def _parser_input(source: PdfSource, stream: IO[bytes]) -> str | IO[bytes]:
    # A large upload is already on disk; qpdf reads the path without copying it.
    if isinstance(source, File) and hasattr(source, "temporary_file_path"):
        return str(source.temporary_file_path())
    return stream
