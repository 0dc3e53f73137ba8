"""The checks that need the parser (qpdf, through pikepdf): that the file opens, is not
encrypted, has pages and not too many, and a walk over every object in it for active
content (active_content.py) and for what it unpacks to (bounds.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, BinaryIO, Final, cast

import pikepdf

from .active_content import classify, most_serious
from .bounds import Bounds, Meter, limit_qpdf
from .messages import PdfRejected, Rejection

logger = logging.getLogger(__name__)

# Nesting of direct objects deeper than this is not found in real documents; it is
# refused rather than risk exhausting the stack.
_MAX_NESTING: Final = 64
# Sealing (filing/sealing.py) reads every object of the file with pypdf, which refuses
# an array or dictionary of more than 100,000 entries and a predictor of more than
# 250,000 columns (pypdf.Configuration): a file that has them could be accepted and then
# never sealed, so it is refused now. Real documents stay far below both.
MAX_CONTAINER_ENTRIES: Final = 100_000
MAX_PREDICTOR_COLUMNS: Final = 250_000


@dataclass(frozen=True, slots=True)
class Structure:
    pages: int
    version: str
    repaired: bool
    decoded_bytes: int


def check_structure(parser_input: str | IO[bytes], *, page_limit: int, bounds: Bounds) -> Structure:
    limit_qpdf(bounds)
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
            walk = _Walk()
            for obj in pdf.objects:
                walk.visit(obj, 0)
            found = most_serious(walk.found)
            if found is not None:
                raise PdfRejected(found)
            # Every object is parsed now, each stream's /Length checked on the way (bounds.py,
            # Meter.measure_stream). get_warnings() empties qpdf's list: kept for ``repaired``.
            warnings = pdf.get_warnings()
            # Then what the file unpacks to: image sizes first, as they cost least.
            meter = Meter(bounds, lengths_checked=not warnings)
            for image in walk.images:
                meter.check_image_stream(image)
            for stream in walk.streams:
                meter.measure_stream(stream, content=stream.objgen in walk.content)
            meter.check_page_contents(walk.page_contents)
            meter.check_inline_images()
        except PdfRejected:
            raise
        except Exception:
            logger.info("PDF refused: its objects could not be read", exc_info=True)
            raise PdfRejected(Rejection.DAMAGED) from None
        return Structure(
            pages=pages,
            version=str(pdf.pdf_version),
            repaired=bool(warnings or pdf.get_warnings()),
            decoded_bytes=meter.used,
        )


_CONTENTS = pikepdf.Name("/Contents")
_CHAR_PROCS = pikepdf.Name("/CharProcs")
_SUBTYPE = pikepdf.Name("/Subtype")
_PATTERN_TYPE = pikepdf.Name("/PatternType")
_DECODE_PARMS = pikepdf.Name("/DecodeParms")
_COLUMNS = pikepdf.Name("/Columns")
# Made once: pikepdf.Name.Image builds a new name on every use (several microseconds each).
_IMAGE = pikepdf.Name("/Image")
_FORM = pikepdf.Name("/Form")


@dataclass(slots=True)
class _Walk:
    """One pass over every object, reachable or not (so also objects hidden in object
    streams or left out of the page tree): active content, the streams to measure and
    which of them are content streams (page contents, forms, tiling patterns, Type 3
    glyphs), which may hold inline images. Stream data is not read here."""

    found: set[Rejection] = field(default_factory=set)
    streams: list[pikepdf.Stream] = field(default_factory=list)
    images: list[pikepdf.Stream] = field(default_factory=list)
    content: set[tuple[int, int]] = field(default_factory=set)
    #: Pages whose /Contents is an array of several streams.
    page_contents: list[list[tuple[int, int]]] = field(default_factory=list)

    def visit(self, obj: pikepdf.Object, depth: int) -> None:
        if depth > _MAX_NESTING:
            raise PdfRejected(Rejection.DAMAGED)
        if isinstance(obj, pikepdf.Array):
            if len(obj) > MAX_CONTAINER_ENTRIES:
                raise PdfRejected(Rejection.TOO_COMPLEX)
            children: Iterable[pikepdf.Object | None] = obj
        elif isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            keys = set(obj.keys())
            if len(keys) > MAX_CONTAINER_ENTRIES:
                raise PdfRejected(Rejection.TOO_COMPLEX)
            classify(obj, keys, self.found)
            if isinstance(obj, pikepdf.Stream):
                self._stream(obj, keys)
            if "/Contents" in keys:
                contents = obj.get(_CONTENTS)
                self._mark_content(contents)
                if isinstance(contents, pikepdf.Array) and len(contents) > 1:
                    self.page_contents.append([item.objgen for item in contents if isinstance(item, pikepdf.Stream)])
            if "/CharProcs" in keys:
                procs = obj.get(_CHAR_PROCS)
                if isinstance(procs, pikepdf.Dictionary):
                    for glyph in procs.values():
                        self._mark_content(glyph)
            children = (obj.get(key) for key in keys)
        else:
            return
        for child in children:
            # Indirect children are visited on their own, as members of pdf.objects.
            if isinstance(child, pikepdf.Array | pikepdf.Dictionary) and not child.is_indirect:
                self.visit(child, depth + 1)

    def _stream(self, stream: pikepdf.Stream, keys: set[str]) -> None:
        self.streams.append(stream)
        subtype = stream.get(_SUBTYPE)
        if subtype == _IMAGE:
            self.images.append(stream)
        elif subtype == _FORM or "/PatternType" in keys:
            self.content.add(stream.objgen)
        if "/DecodeParms" in keys:
            parms = stream.get(_DECODE_PARMS)
            for parm in parms if isinstance(parms, pikepdf.Array) else [parms]:
                if isinstance(parm, pikepdf.Dictionary):
                    columns = parm.get(_COLUMNS)
                    if isinstance(columns, int) and columns > MAX_PREDICTOR_COLUMNS:
                        raise PdfRejected(Rejection.TOO_COMPLEX)

    def _mark_content(self, value: object) -> None:
        for item in value if isinstance(value, pikepdf.Array) else [value]:
            if isinstance(item, pikepdf.Stream):
                self.content.add(item.objgen)
