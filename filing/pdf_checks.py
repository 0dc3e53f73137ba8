"""Checks on an uploaded PDF, made before anything is stored.

icms-reference §6: the Judiciary publishes no formats or limits, so every limit here
is a [P] product rule, read from settings (``FILING_MAX_FILE_BYTES``,
``FILING_MAX_SUBMISSION_BYTES``, ``FILING_MAX_PAGES``):

* PDF only: ``%PDF-`` at the start of the file (PDF whitespace may precede it), and no
  second format hidden in the same bytes (a "polyglot");
* it must parse, and must not be encrypted;
* no JavaScript, no launch actions, no embedded or attached files;
* at most 30 MB a file and 100 MB a submission by default; a page count is recorded.

:func:`validate_pdf` returns a :class:`PdfInfo` or raises :class:`PdfRejected`, a
``ValidationError`` with a stable ``code`` and a plain-language message that says how
to fix the file, so a form can let it propagate.
"""

from __future__ import annotations

import enum
import hashlib
import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Final, TypeAlias, cast

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

logger = logging.getLogger(__name__)

#: What the checks accept: bytes, a Django ``File``/``UploadedFile``, or a binary file object.
PdfSource: TypeAlias = bytes | IO[bytes]

# ISO 32000-1 §7.5.2: a reader looks for the header in the first 1024 bytes, and for
# "%%EOF" in the last 1024 bytes; §7.2.2 defines these six bytes as white space.
_HEADER = b"%PDF-"
_HEADER_WINDOW: Final = 1024
_EOF_MARKER = b"%%EOF"
_EOF_WINDOW: Final = 1024
_PDF_WHITESPACE = b"\x00\t\n\x0c\r "
_CHUNK: Final = 1024 * 1024
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
# Nesting of direct objects deeper than this is not found in real documents; it is
# refused rather than risk exhausting the stack.
_MAX_NESTING: Final = 64


class Rejection(enum.StrEnum):
    """Why a file was refused. The values are stable codes: the API and the tests use them."""

    EMPTY = "empty"
    FILE_TOO_LARGE = "file_too_large"
    SUBMISSION_TOO_LARGE = "submission_too_large"
    NOT_PDF = "not_pdf"
    POLYGLOT = "polyglot"
    DAMAGED = "damaged"
    ENCRYPTED = "encrypted"
    RESTRICTED = "restricted"
    NO_PAGES = "no_pages"
    TOO_MANY_PAGES = "too_many_pages"
    JAVASCRIPT = "javascript"
    LAUNCH_ACTION = "launch_action"
    EMBEDDED_FILE = "embedded_file"


MESSAGES: Final[Mapping[Rejection, _StrPromise]] = {
    Rejection.EMPTY: _("This file is empty (0 bytes). Check that you chose the right file, and upload it again."),
    Rejection.FILE_TOO_LARGE: _(
        "This file is %(size)s; the limit is %(limit)s a file. Split it into smaller PDFs, or scan it "
        "at a lower resolution, and upload them again."
    ),
    Rejection.SUBMISSION_TOO_LARGE: _(
        "These files add up to %(size)s; the limit is %(limit)s a submission. Send some of the documents "
        "in a further submission."
    ),
    Rejection.NOT_PDF: _(
        "This file is not a PDF, even if its name ends in .pdf. Open it, save or print it as a PDF, and "
        "upload the new file."
    ),
    Rejection.POLYGLOT: _(
        "This file contains data in another format as well as the PDF, which is not allowed. Open it, "
        "print it to a new PDF, and upload the new file."
    ),
    Rejection.DAMAGED: _(
        "This PDF is incomplete or damaged and cannot be read. Open it, print it to a new PDF, and upload "
        "the new file. If it will not open, ask whoever made it for a new copy."
    ),
    Rejection.ENCRYPTED: _(
        "This file is password-protected. Remove the password (print it to a new PDF) and upload it again."
    ),
    Rejection.RESTRICTED: _(
        "This file is encrypted with security restrictions, for example on printing or copying. Remove "
        "the security settings (print it to a new PDF) and upload it again."
    ),
    Rejection.NO_PAGES: _("This PDF has no pages. Check that you chose the right file, and upload it again."),
    Rejection.TOO_MANY_PAGES: _(
        "This PDF has %(pages)s pages; the limit is %(limit)s pages a file. Split it into smaller PDFs "
        "and upload them as separate parts."
    ),
    Rejection.JAVASCRIPT: _(
        "This PDF contains JavaScript, which is not allowed. Print it to a new PDF, which removes "
        "scripts, and upload the new file."
    ),
    Rejection.LAUNCH_ACTION: _(
        "This PDF contains an action that opens other programs or files, which is not allowed. Print it "
        "to a new PDF and upload the new file."
    ),
    Rejection.EMBEDDED_FILE: _(
        "This PDF has files attached or embedded in it, which is not allowed. Remove the attachments, or "
        "print it to a new PDF, and upload each attachment as a document of its own."
    ),
}


class PdfRejected(ValidationError):
    """A file failed a check. ``code`` is a stable :class:`Rejection` value; ``message``
    (with ``params``) is translatable and tells the user how to fix the file."""

    def __init__(self, rejection: Rejection, *, params: dict[str, Any] | None = None) -> None:
        super().__init__(MESSAGES[rejection], code=rejection.value, params=params)
        self.rejection = rejection

    @property
    def user_message(self) -> str:
        """The message in the active language, with its parameters filled in."""
        text = str(self.message)
        return text % self.params if self.params else text


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


def validate_pdf(source: PdfSource, *, max_bytes: int | None = None, page_limit: int | None = None) -> PdfInfo:
    """Check one uploaded file and return what was learnt, or raise :class:`PdfRejected`.

    The file is read in chunks (hashing as it goes) and then parsed from its temporary
    file when it has one, so a 30 MB upload is never held in memory twice. The file
    position is left at the start.
    """
    max_bytes = max_file_bytes() if max_bytes is None else max_bytes
    page_limit = max_pages() if page_limit is None else page_limit

    declared = _declared_size(source)
    if declared is not None and declared > max_bytes:
        raise _too_large(declared, max_bytes)
    with _binary_stream(source) as stream:
        size, digest, head, tail = _scan_bytes(stream, max_bytes)
        _check_envelope(size, head, tail)
        stream.seek(0)
        pages, version, repaired = _check_structure(_parser_input(source, stream), page_limit)
        stream.seek(0)
    return PdfInfo(size=size, sha256=digest, pages=pages, version=version, repaired=repaired)


def _too_large(size: int, limit: int) -> PdfRejected:
    return PdfRejected(
        Rejection.FILE_TOO_LARGE,
        params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
    )


def _declared_size(source: PdfSource) -> int | None:
    if isinstance(source, bytes):
        return len(source)
    if isinstance(source, File):
        try:
            return int(source.size)
        except (AttributeError, OSError, TypeError):
            return None
    return None


@contextmanager
def _binary_stream(source: PdfSource) -> Iterator[IO[bytes]]:
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


def _scan_bytes(stream: IO[bytes], max_bytes: int) -> tuple[int, str, bytes, bytes]:
    """Read the file once: its size, SHA-256, first 1024 bytes and final 64 KiB."""
    stream.seek(0)
    hasher = hashlib.sha256()
    size = 0
    head = b""
    tail = b""
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            # The declared size can be absent or wrong; the bytes read are the truth.
            raise _too_large(size, max_bytes)
        hasher.update(chunk)
        if len(head) < _HEADER_WINDOW:
            head = (head + chunk)[:_HEADER_WINDOW]
        tail = (tail + chunk)[-_TAIL_WINDOW:]
    return size, hasher.hexdigest(), head, tail


def _check_envelope(size: int, head: bytes, tail: bytes) -> None:
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


def _parser_input(source: PdfSource, stream: IO[bytes]) -> str | IO[bytes]:
    # A large upload is already on disk; qpdf reads the path without copying it.
    if isinstance(source, File) and hasattr(source, "temporary_file_path"):
        return str(source.temporary_file_path())
    return stream


def _check_structure(parser_input: str | IO[bytes], page_limit: int) -> tuple[int, str, bool]:
    try:
        pdf = pikepdf.open(cast(str | BinaryIO, parser_input))
    except pikepdf.PasswordError:
        raise PdfRejected(Rejection.ENCRYPTED) from None
    except Exception:
        # Untrusted input: whatever the parser trips on, the file cannot be read.
        logger.info("PDF refused: the parser could not open it", exc_info=True)
        raise PdfRejected(Rejection.DAMAGED) from None
    with pdf:
        if pdf.is_encrypted:
            # Opened without a password, so only an owner password (restrictions) is set.
            raise PdfRejected(Rejection.RESTRICTED)
        try:
            pages = len(pdf.pages)
            # Counting pages first spares an over-long file the walk over its objects.
            if pages == 0:
                raise PdfRejected(Rejection.NO_PAGES)
            if pages > page_limit:
                raise PdfRejected(Rejection.TOO_MANY_PAGES, params={"pages": pages, "limit": page_limit})
            found = _active_content(pdf)
        except PdfRejected:
            raise
        except Exception:
            logger.info("PDF refused: its objects could not be read", exc_info=True)
            raise PdfRejected(Rejection.DAMAGED) from None
        if found is not None:
            raise PdfRejected(found)
        return pages, str(pdf.pdf_version), bool(pdf.get_warnings())


# The order in which findings are reported when a file has more than one.
_PRIORITY: Final = (Rejection.LAUNCH_ACTION, Rejection.JAVASCRIPT, Rejection.EMBEDDED_FILE)


def _active_content(pdf: pikepdf.Pdf) -> Rejection | None:
    """Look at every object in the file, reachable or not, for scripts, launch actions
    and embedded files.

    Walking every object rather than the usual places (the catalog's /OpenAction and
    /Names, page and annotation /AA) also catches actions chained through /Next,
    form-field actions and objects hidden in object streams. Stream data is not read,
    so a compressed "bomb" costs nothing here.
    """
    found: set[Rejection] = set()
    for obj in pdf.objects:
        _inspect(obj, found, 0)
        if Rejection.LAUNCH_ACTION in found:
            break
    for rejection in _PRIORITY:
        if rejection in found:
            return rejection
    return None


_S = pikepdf.Name("/S")
_TYPE = pikepdf.Name("/Type")
_SUBTYPE = pikepdf.Name("/Subtype")


def _inspect(obj: pikepdf.Object, found: set[Rejection], depth: int) -> None:
    if depth > _MAX_NESTING:
        raise PdfRejected(Rejection.DAMAGED)
    if isinstance(obj, pikepdf.Array):
        children: Iterable[pikepdf.Object | None] = obj
    elif isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        keys = set(obj.keys())
        _classify(obj, keys, found)
        children = (obj.get(key) for key in keys)
    else:
        return
    for child in children:
        # Indirect children are visited on their own, as members of pdf.objects.
        if isinstance(child, pikepdf.Array | pikepdf.Dictionary) and not child.is_indirect:
            _inspect(child, found, depth + 1)


def _classify(obj: pikepdf.Object, keys: set[str], found: set[Rejection]) -> None:
    # ISO 32000-1 §12.6.4.16 (JavaScript actions), §7.7.4 (the /JavaScript name
    # tree), §12.6.4.5 (launch actions), §7.11.4 (embedded file streams and the
    # /EmbeddedFiles name tree, /EF in a file specification) and §12.5.6.15
    # (file attachment annotations).
    if "/JS" in keys or "/JavaScript" in keys:
        found.add(Rejection.JAVASCRIPT)
    if "/S" in keys:
        action = obj.get(_S)
        if action == pikepdf.Name.JavaScript:
            found.add(Rejection.JAVASCRIPT)
        elif action == pikepdf.Name.Launch:
            found.add(Rejection.LAUNCH_ACTION)
    if "/EmbeddedFiles" in keys or "/EF" in keys:
        found.add(Rejection.EMBEDDED_FILE)
    if "/Type" in keys and obj.get(_TYPE) == pikepdf.Name.EmbeddedFile:
        found.add(Rejection.EMBEDDED_FILE)
    if "/Subtype" in keys and obj.get(_SUBTYPE) == pikepdf.Name.FileAttachment:
        found.add(Rejection.EMBEDDED_FILE)
