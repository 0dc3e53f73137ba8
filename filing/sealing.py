"""Sealed copies and court-issued documents: a stamp on page 1, and the Document Reference Number.

icms-reference §6: court-issued documents are authenticated electronically (Cap. 638
s.17, [V]); each may carry a 12-digit Document Reference Number ([U]); and, as a
[P] product rule, each stamped document carries its DRN and a SHA-256 digest that
anyone can check on the public verification page.

* :func:`seal_pdf` overlays a stamp (court, case number, "FILED / 存檔" or
  "ISSUED / 發出", the time, the DRN and a short digest of the original) on page 1 and
  returns new bytes. The original is never modified: the stamp is written as an
  *incremental update*, so the sealed copy begins with the original's exact bytes and
  anyone can cut it back to the original and check the digest.
* :func:`drn_generate` makes a DRN: ten random digits and two ISO 7064 MOD 97-10 check
  digits (the scheme of the IBAN). It catches every single mistyped digit and every
  swap of two neighbouring digits. Ten random digits give 9,000,000,000 numbers, so the
  caller must store DRNs under a unique constraint and draw again on a clash, and the
  public verification page must be rate-limited against guessing.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any, Final

import pikepdf
from django.utils import timezone
from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    RectangleObject,
    StreamObject,
)

from icms.core import rendering

logger = logging.getLogger(__name__)

#: A PDF transformation matrix (a, b, c, d, e, f).
Matrix = tuple[float, float, float, float, float, float]

# --- Document Reference Numbers -----------------------------------------------------
DRN_LENGTH: Final = 12
_DRN = re.compile(r"[0-9]{12}")
_PAYLOAD_DIGITS: Final = 10


def _mod97_check_digits(payload: str) -> str:
    # ISO 7064 MOD 97-10: append two digits so that the whole number mod 97 is 1.
    return f"{98 - (int(payload) * 100) % 97:02d}"


def drn_generate() -> str:
    """A new random DRN: 12 ASCII digits, the first never 0, the last two check digits.

    Unique only by chance: store it under a unique constraint and draw again on a clash.
    """
    payload = str(10 ** (_PAYLOAD_DIGITS - 1) + secrets.randbelow(9 * 10 ** (_PAYLOAD_DIGITS - 1)))
    return payload + _mod97_check_digits(payload)


def drn_is_valid(drn: str) -> bool:
    """True for 12 ASCII digits whose check digits are right. Normalise user input first."""
    return bool(_DRN.fullmatch(drn)) and int(drn) % 97 == 1


def drn_normalize(value: str) -> str:
    """The canonical DRN from what a person typed, or ``ValueError``.

    Accepts spaces and hyphens between digits and full-width digits (typed with a
    Chinese input method).
    """
    compact = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value))
    if not drn_is_valid(compact):
        raise ValueError("Not a valid Document Reference Number.")
    return compact


def drn_format(drn: str) -> str:
    """``1234 5678 9012``, for reading aloud and for the stamp."""
    return " ".join(drn[i : i + 4] for i in range(0, len(drn), 4))


# --- The stamp ------------------------------------------------------------------------


class StampKind(enum.Enum):
    #: A filing accepted by the Registry: the time shown is the deemed receipt.
    FILED = ("FILED", "存檔", "Deemed received", "當作收件")
    #: A judgment, order or notice issued by the court: the date of issue.
    ISSUED = ("ISSUED", "發出", "Date", "日期")

    def __init__(self, label_en: str, label_zh: str, moment_en: str, moment_zh: str) -> None:
        self.label_en = label_en
        self.label_zh = label_zh
        self.moment_label_en = moment_en
        self.moment_label_zh = moment_zh


class Corner(enum.Enum):
    """Where on page 1 the stamp goes, as the reader sees the page (after /Rotate)."""

    TOP_RIGHT = "top-right"
    TOP_LEFT = "top-left"
    BOTTOM_RIGHT = "bottom-right"
    BOTTOM_LEFT = "bottom-left"


@dataclass(frozen=True, slots=True)
class Stamp:
    kind: StampKind
    court_name_en: str
    court_name_zh: str
    case_number: str
    #: The deemed receipt (FILED) or the time of issue (ISSUED); timezone-aware.
    moment: datetime
    drn: str
    #: 1 for the first sealed copy; a copy re-issued after a correction says its version.
    version: int = 1

    def __post_init__(self) -> None:
        if timezone.is_naive(self.moment):
            raise ValueError("The stamp's time must be timezone-aware.")
        if not drn_is_valid(self.drn):
            raise ValueError(f"Invalid DRN {self.drn!r}.")


#: How many hexadecimal digits of the SHA-256 the stamp shows (64 bits): enough for a
#: person to compare by eye; the verification page matches the whole digest.
SHORT_DIGEST_LENGTH: Final = 16
_MM: Final = 72 / 25.4
DEFAULT_MARGIN_MM: Final = 8.0
#: A sealed copy is at most the original plus this: the stamp (about 150 KB, most of it
#: the subsets of its two fonts), page 1's new dictionary and the cross-reference
#: section. Page 1's content is never unpacked or rewritten (:func:`_draw_over`), so this
#: holds whatever the page holds (docs/filing.md, "Bounds").
SEAL_ALLOWANCE_BYTES: Final = 256 * 1024


class StampTooLarge(ValueError):
    """The stamp's text did not fit on the stamp (a court name far longer than usual)."""


def render_stamp(stamp: Stamp, *, sha256: str) -> bytes:
    """The stamp alone, as a one-page PDF the size of the stamp."""
    if stamp.kind is StampKind.FILED:
        moment_en = rendering.format_datetime_en(stamp.moment)
        moment_zh = rendering.format_datetime_zh(stamp.moment)
    else:
        moment_en = rendering.format_date_en(stamp.moment)
        moment_zh = rendering.format_date_zh(stamp.moment)
    pdf = rendering.render_pdf(
        "filing/pdf/stamp.html",
        {
            "stamp": stamp,
            "label_en": stamp.kind.label_en,
            "label_zh": stamp.kind.label_zh,
            "moment_label_en": stamp.kind.moment_label_en,
            "moment_label_zh": stamp.kind.moment_label_zh,
            "moment_en": moment_en,
            "moment_zh": moment_zh,
            "drn_display": drn_format(stamp.drn),
            "short_digest": sha256[:SHORT_DIGEST_LENGTH],
        },
        stylesheets=("filing/pdf/stamp.css",),
    )
    if len(PdfReader(BytesIO(pdf)).pages) != 1:
        raise StampTooLarge("The stamp's text does not fit on one stamp.")
    return pdf


def seal_pdf(
    original: bytes,
    stamp: Stamp,
    *,
    corner: Corner = Corner.TOP_RIGHT,
    margin_mm: float = DEFAULT_MARGIN_MM,
) -> bytes:
    """The original PDF with the stamp overlaid on page 1, as new bytes.

    ``original`` must have passed :func:`filing.pdf_checks.validate_pdf`. Its bytes are
    not changed; the result starts with them (an incremental update), unless pypdf
    cannot append to this file, in which case the whole file is rewritten. Either way
    the page count and every other page are unchanged. The digest on the stamp is the
    SHA-256 of ``original``.
    """
    digest = hashlib.sha256(original).hexdigest()
    stamp_page = PdfReader(BytesIO(render_stamp(stamp, sha256=digest))).pages[0]
    try:
        sealed = _overlay(original, stamp_page, corner=corner, margin=margin_mm * _MM, incremental=True)
    except Exception:
        # Some damaged-but-readable files (accepted with PdfInfo.repaired) cannot take an
        # incremental update; a full rewrite still leaves the original bytes untouched.
        logger.warning("Incremental sealing failed; rewriting the whole file.", exc_info=True)
        sealed = _overlay(original, stamp_page, corner=corner, margin=margin_mm * _MM, incremental=False)
    return sealed


def _overlay(original: bytes, stamp_page: Any, *, corner: Corner, margin: float, incremental: bool) -> bytes:
    reader = PdfReader(BytesIO(original))
    writer = PdfWriter(reader, incremental=True) if incremental else PdfWriter(clone_from=reader)
    page = writer.pages[0]
    width = float(stamp_page.mediabox.width)
    height = float(stamp_page.mediabox.height)
    matrix = stamp_matrix(page.cropbox, page.rotation, width=width, height=height, corner=corner, margin=margin)
    _draw_over(writer, page, stamp_page, matrix)
    out = BytesIO()
    writer.write(out)
    sealed = out.getvalue()
    _check_sealed(sealed, pages=len(reader.pages))
    return sealed


def _draw_over(writer: PdfWriter, page: PageObject, stamp_page: PageObject, matrix: Matrix) -> None:
    """Draw ``stamp_page`` over ``page``, transformed by ``matrix``, without reading the page's content.

    The page's own content streams are neither unpacked nor rewritten: its /Contents
    becomes [``q``, the original streams, ``Q``, the stamp]. So sealing costs the same
    whatever the page holds (pypdf cannot unpack a stream of more than 75 MB, and writes
    a stream it has rewritten uncompressed), the sealed copy is the original plus the
    stamp, and a content stream that page 1 shares with other pages is left as it is.
    Page 1 gets its own copy of its resource dictionaries, which may be shared too, and
    the stamp's fonts are added to the copy.
    """
    resources = page.get("/Resources")
    own = DictionaryObject()
    if resources is not None:
        for key, value in resources.get_object().items():
            resolved = value.get_object()
            shared = isinstance(resolved, DictionaryObject) and not isinstance(resolved, StreamObject)
            own[NameObject(key)] = DictionaryObject(resolved) if shared else value
    page[NameObject("/Resources")] = own
    original: list[PdfObject] = []
    if "/Contents" in page:
        contents = page.raw_get("/Contents")
        resolved_contents = contents.get_object()
        for item in resolved_contents if isinstance(resolved_contents, ArrayObject) else [contents]:
            original.append(item if isinstance(item, IndirectObject) else writer._add_object(item))
        del page[NameObject("/Contents")]
    # With no content of its own, the page takes the stamp alone: pypdf merges the
    # resources (renaming any clash) and writes the stamp's content, and nothing else.
    page.merge_transformed_page(stamp_page, Transformation(matrix), over=True, expand=False)
    stamp = page["/Contents"]
    stamp_streams = list(stamp) if isinstance(stamp, ArrayObject) else [page.raw_get("/Contents")]
    opening = DecodedStreamObject()
    opening.set_data(b"q\n")
    closing = DecodedStreamObject()
    closing.set_data(b"\nQ\n")
    layers = [writer._add_object(opening), *original, writer._add_object(closing), *stamp_streams]
    if isinstance(stamp, ArrayObject):
        stamp[:] = layers  # the array pypdf made, so that no object is left unused
    else:
        page[NameObject("/Contents")] = ArrayObject(layers)


# pypdf's incremental update writes a cross-reference stream without an entry for
# itself. qpdf reports it as "a common error handled correctly by qpdf and most other
# applications"; it is the one warning a sealed copy may carry.
_BENIGN_WARNINGS: Final = ("xref entry for the xref stream itself is missing",)


def _check_sealed(sealed: bytes, *, pages: int) -> None:
    """Read the result back with a second, stricter parser (qpdf) before anyone relies on it."""
    with pikepdf.open(BytesIO(sealed)) as pdf:
        if len(pdf.pages) != pages:
            raise RuntimeError("Sealing changed the page count.")
        warnings = [w for w in pdf.get_warnings() if not any(benign in w for benign in _BENIGN_WARNINGS)]
    if warnings:
        raise RuntimeError(f"The sealed copy does not read back cleanly: {warnings}")


def stamp_matrix(
    box: RectangleObject,
    rotation: int,
    *,
    width: float,
    height: float,
    corner: Corner,
    margin: float,
) -> tuple[float, float, float, float, float, float]:
    """The PDF matrix (a, b, c, d, e, f) that puts a ``width`` by ``height`` stamp upright
    in ``corner`` of the visible ``box`` of a page displayed turned by ``rotation``.

    A viewer turns the page clockwise by /Rotate. With the visible box from (x0, y0) to
    (x1, y1), a point (u, v) measured from the bottom-left corner *as the reader sees
    it* is, in the page's own coordinates:

    ========  ======================
    /Rotate   (x, y)
    ========  ======================
    0         (x0 + u, y0 + v)
    90        (x1 - v, y0 + u)
    180       (x1 - u, y1 - v)
    270       (x0 + v, y1 - u)
    ========  ======================

    The stamp is scaled down (never up) if the page is too small for it.
    """
    x0, y0, x1, y1 = (float(value) for value in (box.left, box.bottom, box.right, box.top))
    turn = rotation % 360 if rotation % 90 == 0 else 0
    seen_width, seen_height = (x1 - x0, y1 - y0) if turn in (0, 180) else (y1 - y0, x1 - x0)
    scale = min(1.0, (seen_width - 2 * margin) / width, (seen_height - 2 * margin) / height)
    scale = max(scale, 0.1)
    w, h = width * scale, height * scale
    right = corner in (Corner.TOP_RIGHT, Corner.BOTTOM_RIGHT)
    top = corner in (Corner.TOP_RIGHT, Corner.TOP_LEFT)
    u0 = seen_width - margin - w if right else margin
    v0 = seen_height - margin - h if top else margin
    # Stamp point (p, q) -> seen (u0 + scale p, v0 + scale q) -> page (x, y) by the table.
    if turn == 0:
        return (scale, 0.0, 0.0, scale, x0 + u0, y0 + v0)
    if turn == 90:
        return (0.0, scale, -scale, 0.0, x1 - v0, y0 + u0)
    if turn == 180:
        return (-scale, 0.0, 0.0, -scale, x1 - u0, y1 - v0)
    return (0.0, -scale, scale, 0.0, x0 + v0, y1 - u0)
