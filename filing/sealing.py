"""Sealed copies and court-issued documents: the court's band on every page, and the Document Reference Number.

icms-reference §6: court-issued documents are authenticated electronically (Cap. 638
s.17, [V]); each may carry a 12-digit Document Reference Number ([U]); and, as a
[P] product rule, each stamped document carries its DRN and a SHA-256 digest that
anyone can check on the public verification page.

* :func:`seal_pdf` adds a band above the content of every page, in the manner of
  CM/ECF's header: court, case number, "FILED / 存檔" or "ISSUED / 發出", the time,
  the DRN, a short digest of the original and "page n of m". Each page is grown
  upwards (as the reader sees it, whatever its /Rotate) to make room, so the band
  covers nothing of the document (issue 17: the old stamp on page 1 covered its
  heading). The original is never modified: the band is written as an *incremental
  update*, so the sealed copy begins with the original's exact bytes and anyone can
  cut it back to the original and check the digest.
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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Final

import pikepdf
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject

from icms.core import rendering

from .seal_band import (
    BAND_HEIGHT_MM,
    MM,
    PALETTE,
    BandArt,
    Geometry,
    draw_band,
    first_band_height_mm,
    geometry,
    grow_page,
)
from .seal_band import Corner as Corner  # re-exported
from .seal_band import stamp_matrix as stamp_matrix  # re-exported

logger = logging.getLogger(__name__)

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


# --- The band -------------------------------------------------------------------------


class StampKind(enum.Enum):
    #: A filing accepted by the Registry: the time shown is the deemed receipt.
    FILED = ("FILED", "存檔", "Deemed received", "視為收到")
    #: A judgment, order or notice issued by the court: the date of issue.
    ISSUED = ("ISSUED", "發出", "Date", "日期")
    #: A copy of a document on the court file, issued on an application (causebook/copies.py).
    COPY = ("COPY", "副本", "Date", "日期")
    #: A certified true copy of a document on the court file: "CERTIFIED TRUE COPY · 核證副本".
    CERTIFIED_COPY = ("CERTIFIED TRUE COPY", "核證副本", "Date", "日期")

    def __init__(self, label_en: str, label_zh: str, moment_en: str, moment_zh: str) -> None:
        self.label_en = label_en
        self.label_zh = label_zh
        self.moment_label_en = moment_en
        self.moment_label_zh = moment_zh

    @property
    def separator(self) -> str:
        """Between the English and the Chinese label: "FILED / 存檔", "CERTIFIED TRUE COPY · 核證副本"."""
        return " · " if self is StampKind.CERTIFIED_COPY else " / "


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
    #: Lines the first page's band adds below its usual three: on the sealed originating
    #: document, each respondent's case access code (filing/joining.py). Page 1's band is
    #: taller by as many lines.
    access_codes: tuple[str, ...] = ()
    #: Lines page 1's band carries above the access codes: on a sealed summons, when and
    #: where the defendant must appear (its return day, magistracy and courtroom,
    #: :func:`filing.services.summonses.summons_seal_lines`). Unlike the codes, they are
    #: public: the summons is listed on that day's public cause list.
    notice_lines: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if timezone.is_naive(self.moment):
            raise ValueError("The stamp's time must be timezone-aware.")
        if not drn_is_valid(self.drn):
            raise ValueError(f"Invalid DRN {self.drn!r}.")

    @property
    def first_page_lines(self) -> tuple[str, ...]:
        """The lines below page 1's usual three: the notice lines, then the access codes."""
        return (*self.notice_lines, *self.access_codes)


#: How many hexadecimal digits of the SHA-256 the band shows (64 bits): enough for a
#: person to compare by eye; the verification page matches the whole digest.
SHORT_DIGEST_LENGTH: Final = 16
#: The band's padding at the right, where "page n of m" ends (as in band.css).
BAND_PADDING_RIGHT_MM: Final = 6.0
#: A sealed copy is at most the original plus this, and :data:`SEAL_ALLOWANCE_PER_PAGE_BYTES`
#: a page: the band (about 150 KB, most of it the subset of its font) once, and for
#: each page its clip and label, its new dictionary and its cross-reference entries. No
#: page's content is ever unpacked or rewritten (:func:`filing.seal_band.draw_band`),
#: so this holds whatever the pages hold (docs/filing.md, "Bounds").
SEAL_ALLOWANCE_BYTES: Final = 256 * 1024
SEAL_ALLOWANCE_PER_PAGE_BYTES: Final = 1024


def seal_allowance(pages: int) -> int:
    """How many bytes sealing may add to a file of ``pages`` pages."""
    return SEAL_ALLOWANCE_BYTES + SEAL_ALLOWANCE_PER_PAGE_BYTES * pages


class StampTooLarge(ValueError):
    """The band's text did not fit in the band (a court name far longer than usual)."""


def render_band(stamp: Stamp, *, sha256: str, shapes: Sequence[tuple[float, float]]) -> bytes:
    """The band for each of ``shapes`` (layout width in points and height in millimetres:
    distinct, sorted), one page each, then a palette page, of the first width and
    :data:`~filing.seal_band.BAND_HEIGHT_MM` high, that carries every character of "page
    n of m" (:class:`~filing.seal_band.BandArt`). A band taller than that carries the
    stamp's :attr:`~Stamp.first_page_lines` too (page 1's).

    One render whatever the number of pages. Raises :class:`StampTooLarge` if the text
    overflows a band.
    """
    if stamp.kind is StampKind.FILED:
        moment_en = rendering.format_datetime_en(stamp.moment)
        moment_zh = rendering.format_datetime_zh(stamp.moment)
    else:
        moment_en = rendering.format_date_en(stamp.moment)
        moment_zh = rendering.format_date_zh(stamp.moment)
    sizes = [*shapes, (shapes[0][0], BAND_HEIGHT_MM)]
    page_rules = "\n".join(
        f"@page band{index} {{ size: {width:.2f}pt {height:.2f}mm; margin: 0; }}"
        for index, (width, height) in enumerate(sizes)
    )
    pdf = rendering.render_pdf_untagged(
        "filing/pdf/band.html",
        {
            "stamp": stamp,
            "label_en": stamp.kind.label_en,
            "label_zh": stamp.kind.label_zh,
            "label_separator": stamp.kind.separator,
            "moment_label_en": stamp.kind.moment_label_en,
            "moment_label_zh": stamp.kind.moment_label_zh,
            "moment_en": moment_en,
            "moment_zh": moment_zh,
            "drn_display": drn_format(stamp.drn),
            "short_digest": sha256[:SHORT_DIGEST_LENGTH],
            "page_rules": page_rules,
            "bands": [
                {"name": f"band{index}", "codes": stamp.first_page_lines if height > BAND_HEIGHT_MM else ()}
                for index, (_width, height) in enumerate(shapes)
            ],
            "palette_page": f"band{len(shapes)}",
            "palette": PALETTE,
        },
        stylesheets=("filing/pdf/band.css",),
    )
    if len(PdfReader(BytesIO(pdf)).pages) != len(sizes):
        raise StampTooLarge("The seal band's text does not fit in the band.")
    return pdf


def page_label(number: int, total: int) -> str:
    """The band's page number, for example "Page 2 of 5  第 2 頁，共 5 頁".

    Only characters of :data:`~filing.seal_band.PALETTE`: they are the ones the band's font has.
    """
    return f"Page {number} of {total}  第 {number} 頁，共 {total} 頁"


def seal_pdf(original: bytes, stamp: Stamp) -> bytes:
    """The original PDF with the court's band added above the content of every page, as new bytes.

    Each page grows upwards (as the reader sees it) by the band's height, and the band
    (court, case number, "FILED / 存檔" or "ISSUED / 發出", the time, the DRN, a short
    digest of the original and "page n of m") is drawn in the new strip, so it covers
    nothing. ``original`` must have passed :func:`filing.pdf_checks.validate_pdf`. Its
    bytes are not changed; the result starts with them (an incremental update), unless
    pypdf cannot append to this file, in which case the whole file is rewritten. Either
    way the page count and every page's content are unchanged. The digest on the band is
    the SHA-256 of ``original``.
    """
    digest = hashlib.sha256(original).hexdigest()
    pages = PdfReader(BytesIO(original)).pages
    geometries = [geometry(page) for page in pages]
    if stamp.first_page_lines:
        geometries[0] = geometry(pages[0], height_mm=first_band_height_mm(len(stamp.first_page_lines)))
    shapes = sorted({where.shape for where in geometries})
    band = PdfReader(BytesIO(render_band(stamp, sha256=digest, shapes=shapes)))
    try:
        sealed = _add_bands(original, band, shapes, geometries, incremental=True)
    except Exception:
        # Some damaged-but-readable files (accepted with PdfInfo.repaired) cannot take an
        # incremental update; a full rewrite still leaves the original bytes untouched.
        logger.warning("Incremental sealing failed; rewriting the whole file.", exc_info=True)
        sealed = _add_bands(original, band, shapes, geometries, incremental=False)
    return sealed


def _add_bands(
    original: bytes,
    band: PdfReader,
    shapes: Sequence[tuple[float, float]],
    geometries: Sequence[Geometry],
    *,
    incremental: bool,
) -> bytes:
    reader = PdfReader(BytesIO(original))
    writer = PdfWriter(reader, incremental=True) if incremental else PdfWriter(clone_from=reader)
    if incremental and writer._info is not None:
        # pypdf leaves /Info out of an incremental cross-reference stream unless it has
        # changed, which drops the document's title (ISO 32000-1 §7.5.6: the update's
        # trailer repeats the previous one's entries). A new copy is always written.
        writer._info_obj = writer._add_object(DictionaryObject(writer._info))
    art = BandArt.load(writer, band, shapes, right=BAND_PADDING_RIGHT_MM * MM)
    tagged = "/StructTreeRoot" in writer._root_object
    total = len(geometries)
    for number, (page, where) in enumerate(zip(writer.pages, geometries, strict=True), start=1):
        grow_page(page, where)
        draw_band(writer, page, art, where, label=page_label(number, total), artifact=tagged)
    out = BytesIO()
    writer.write(out)
    sealed = out.getvalue()
    _check_sealed(sealed, pages=len(reader.pages))
    return sealed


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
