"""The court's band above every page of a sealed copy: room made for it, and how it is drawn.

:mod:`filing.sealing` renders the band with WeasyPrint once per document (one band per
distinct page width, and a palette page) and this module puts it on every page:

* each page grows upwards, as the reader sees it (whatever its /Rotate, and wherever its
  boxes start), by the band's height (:func:`grow_page`), so the band covers nothing;
* the band is a Form XObject shared by every page of its width, so a page costs a few
  hundred bytes and no render; only "page n of m" differs from page to page, and it is
  written as text in the band's own embedded font, from the glyphs of the palette page
  (:class:`BandArt`);
* the page's own content is never unpacked or rewritten, only clipped to what was
  visible before (:func:`draw_band`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    PdfObject,
    RectangleObject,
    StreamObject,
)

#: A PDF transformation matrix (a, b, c, d, e, f).
Matrix = tuple[float, float, float, float, float, float]
Box = tuple[float, float, float, float]
_T = TypeVar("_T")

MM: Final = 72 / 25.4
#: The band's height, as laid out (it is scaled down with its width on a narrow page).
BAND_HEIGHT_MM: Final = 14.0
#: The first page's band is taller by this for each line it adds (the case access codes on
#: an originating document's seal, :func:`first_band_height_mm`), and this once.
BAND_LINE_MM: Final = 3.2
BAND_EXTRA_MM: Final = 1.2
#: The band is laid out at least this wide (A4's width) and scaled down to fit a
#: narrower page, so that its lines never wrap.
BAND_MIN_WIDTH_PT: Final = round(210 * MM, 2)
#: The palette page carries every character "page n of m" needs, so the font subset has them.
PALETTE: Final = "Page of 第頁，共 0123456789"
_COLOUR: Final = b"0.545098 0.101961 0.101961 rg"
_BOXES: Final = ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox")


class Corner(enum.Enum):
    """A corner of a page as the reader sees it (after /Rotate), for :func:`stamp_matrix`."""

    TOP_RIGHT = "top-right"
    TOP_LEFT = "top-left"
    BOTTOM_RIGHT = "bottom-right"
    BOTTOM_LEFT = "bottom-left"


# --- Room for the band -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Geometry:
    """A page's visible box and turn, and the size of its band."""

    visible: Box
    turn: int
    #: The band's layout width in points (at least :data:`BAND_MIN_WIDTH_PT`).
    layout_width: float
    #: How far the top edge (as the reader sees it) moves out, in the page's units.
    grow: float
    #: The band's height as laid out, in millimetres (taller than usual on a page 1 with extra lines).
    height_mm: float = BAND_HEIGHT_MM

    @property
    def shape(self) -> tuple[float, float]:
        """The band this page needs: its layout width (points) and height (mm). Pages of one shape share a band."""
        return (self.layout_width, self.height_mm)


def first_band_height_mm(extra_lines: int) -> float:
    """The height of a band that carries ``extra_lines`` lines below its usual three."""
    return BAND_HEIGHT_MM + BAND_EXTRA_MM + BAND_LINE_MM * extra_lines if extra_lines else BAND_HEIGHT_MM


def geometry(page: PageObject, *, height_mm: float = BAND_HEIGHT_MM) -> Geometry:
    visible = visible_box(page)
    x0, y0, x1, y1 = visible
    turn = page.rotation % 360 if page.rotation % 90 == 0 else 0
    seen_width = (x1 - x0) if turn in (0, 180) else (y1 - y0)
    unit = float(page.get("/UserUnit", 1) or 1)
    layout_width = round(max(seen_width * unit, BAND_MIN_WIDTH_PT), 2)
    return Geometry(visible, turn, layout_width, height_mm * MM * seen_width / layout_width, height_mm)


def visible_box(page: PageObject) -> Box:
    """The crop box clipped to the media box (ISO 32000-1 §14.11.2), normalised."""
    media = _normalised(page.mediabox)
    crop = _normalised(page.cropbox)
    return (max(media[0], crop[0]), max(media[1], crop[1]), min(media[2], crop[2]), min(media[3], crop[3]))


def _normalised(box: RectangleObject | ArrayObject) -> Box:
    a, b, c, d = (float(value) for value in box)
    return (min(a, c), min(b, d), max(a, c), max(b, d))


def grown(box: Box, turn: int, grow: float) -> RectangleObject:
    """``box`` with the edge that is at the top as the reader sees it moved out by ``grow``.

    A viewer turns the page clockwise by /Rotate, so the top it shows is the page's top
    edge (0), its left edge (90), its bottom edge (180) or its right edge (270).
    """
    x0, y0, x1, y1 = box
    if turn == 90:
        x0 -= grow
    elif turn == 180:
        y0 -= grow
    elif turn == 270:
        x1 += grow
    else:
        y1 += grow
    return RectangleObject([x0, y0, x1, y1])


def grow_page(page: PageObject, where: Geometry) -> None:
    """Extend the page's boxes at the top (as the reader sees it) to make room for the band.

    The crop box becomes the visible box grown, the media box and every other box the
    page has grow by the same amount on the same edge, so they keep their relation.
    """
    for name in _BOXES:
        if name == "/CropBox":
            box = where.visible
        elif name == "/MediaBox":
            box = _normalised(page.mediabox)
        elif name in page:
            box = _normalised(_resolved(page[name], ArrayObject))
        else:
            continue
        page[NameObject(name)] = grown(box, where.turn, where.grow)


def stamp_matrix(
    box: RectangleObject,
    rotation: int,
    *,
    width: float,
    height: float,
    corner: Corner,
    margin: float,
) -> Matrix:
    """The PDF matrix (a, b, c, d, e, f) that puts a ``width`` by ``height`` piece upright
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

    The piece is scaled down (never up) if the page is too small for it.
    """
    x0, y0, x1, y1 = _normalised(box)
    turn = rotation % 360 if rotation % 90 == 0 else 0
    seen_width, seen_height = (x1 - x0, y1 - y0) if turn in (0, 180) else (y1 - y0, x1 - x0)
    scale = min(1.0, (seen_width - 2 * margin) / width, (seen_height - 2 * margin) / height)
    scale = max(scale, 0.1)
    w, h = width * scale, height * scale
    right = corner in (Corner.TOP_RIGHT, Corner.BOTTOM_RIGHT)
    top = corner in (Corner.TOP_RIGHT, Corner.TOP_LEFT)
    u0 = seen_width - margin - w if right else margin
    v0 = seen_height - margin - h if top else margin
    # Piece point (p, q) -> seen (u0 + scale p, v0 + scale q) -> page (x, y) by the table.
    if turn == 0:
        return (scale, 0.0, 0.0, scale, x0 + u0, y0 + v0)
    if turn == 90:
        return (0.0, scale, -scale, 0.0, x1 - v0, y0 + u0)
    if turn == 180:
        return (-scale, 0.0, 0.0, -scale, x1 - u0, y1 - v0)
    return (0.0, -scale, scale, 0.0, x0 + v0, y1 - u0)


# --- The band, shared by every page ------------------------------------------------------


class BandFontMissing(RuntimeError):
    """The rendered band has no font with every character of "page n of m"."""


@dataclass(frozen=True, slots=True)
class BandArt:
    """The rendered band, copied into one writer: a Form XObject per shape (layout width and
    height, :attr:`Geometry.shape`), and the font and glyphs to write "page n of m" with."""

    forms: Mapping[tuple[float, float], IndirectObject]
    font: IndirectObject
    #: Each character's two-byte code in the font (Identity-H) and its advance (1/1000 em).
    glyphs: Mapping[str, tuple[bytes, float]]
    size: float
    #: The baseline of "page n of m", from the bottom of a band of the usual height, and its
    #: right edge from the band's right.
    baseline: float
    right: float

    @classmethod
    def load(
        cls, writer: PdfWriter, band: PdfReader, shapes: Sequence[tuple[float, float]], *, right: float
    ) -> BandArt:
        """``band`` holds one page per shape in ``shapes`` (sorted, distinct), then the palette page
        (of the usual height)."""
        forms = {
            shape: writer._add_object(form_xobject(writer, band.pages[index])) for index, shape in enumerate(shapes)
        }
        palette = band.pages[len(shapes)]
        fonts = _resolved(_resolved(palette["/Resources"], DictionaryObject)["/Font"], DictionaryObject)
        for reference in fonts.values():
            glyphs = _glyphs(_resolved(reference, DictionaryObject))
            if all(char in glyphs for char in PALETTE):
                size, baseline = _placement(palette)
                cloned = reference.clone(writer)
                font_ref = cloned.indirect_reference if cloned.indirect_reference else writer._add_object(cloned)
                return cls(forms, font_ref, glyphs, size, baseline, right)
        raise BandFontMissing("No font of the band has every character of the page numbers.")

    def label(self, text: str, *, width: float, font_name: str, height_mm: float = BAND_HEIGHT_MM) -> bytes:
        """Content that writes ``text`` right-aligned on the band's first line, in band space.

        The first line is as far from the band's top whatever its height: a taller band
        adds its lines below.
        """
        codes = b"".join(self.glyphs[char][0] for char in text)
        advance = sum(self.glyphs[char][1] for char in text) * self.size / 1000
        x = width - self.right - advance
        baseline = self.baseline + (height_mm - BAND_HEIGHT_MM) * MM
        return b"BT\n%s\n%s %.3f Tf\n%.3f %.3f Td\n<%s> Tj\nET\n" % (
            _COLOUR,
            font_name.encode("ascii"),
            self.size,
            x,
            baseline,
            codes.hex().encode("ascii"),
        )


def form_xobject(writer: PdfWriter, page: PageObject) -> StreamObject:
    form = DecodedStreamObject()
    contents = page.get_contents()
    form.set_data(contents.get_data() if contents is not None else b"")
    encoded = form.flate_encode()
    encoded[NameObject("/Type")] = NameObject("/XObject")
    encoded[NameObject("/Subtype")] = NameObject("/Form")
    encoded[NameObject("/BBox")] = ArrayObject(FloatObject(value) for value in _normalised(page.mediabox))
    encoded[NameObject("/Resources")] = _resolved(page["/Resources"], DictionaryObject).clone(writer)
    return encoded


def _resolved(value: object, kind: type[_T]) -> _T:
    """``value``, resolved if it is a reference, which must be a ``kind``."""
    resolved = value.get_object() if isinstance(value, PdfObject) else value
    if not isinstance(resolved, kind):
        raise BandFontMissing(f"The rendered band has a {type(resolved).__name__} where a {kind.__name__} belongs.")
    return resolved


_BFCHAR = re.compile(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>")


def _glyphs(font: DictionaryObject) -> dict[str, tuple[bytes, float]]:
    """Each single character the font maps, with its code and advance (WeasyPrint writes
    Type 0 fonts, Identity-H, with a ``bfchar`` ToUnicode map and a /W array)."""
    if font.get("/Subtype") != "/Type0" or "/ToUnicode" not in font:
        return {}
    descendant = _resolved(_resolved(font["/DescendantFonts"], ArrayObject)[0], DictionaryObject)
    widths = _widths(_resolved(descendant.get("/W", ArrayObject()), ArrayObject), float(descendant.get("/DW", 1000)))
    glyphs: dict[str, tuple[bytes, float]] = {}
    for code, text in _BFCHAR.findall(_resolved(font["/ToUnicode"], StreamObject).get_data()):
        char = bytes.fromhex(text.decode("ascii")).decode("utf-16-be")
        value = int(code, 16)
        if char not in glyphs or value < int.from_bytes(glyphs[char][0]):  # the plainest glyph: the lowest
            glyphs[char] = (value.to_bytes(2), widths(value))
    return glyphs


def _widths(w: ArrayObject, default: float) -> Callable[[int], float]:
    table: dict[int, float] = {}
    items = list(w)
    index = 0
    while index < len(items):
        first = int(items[index])
        following = items[index + 1].get_object()
        if isinstance(following, ArrayObject):
            for offset, width in enumerate(following):
                table[first + offset] = float(width)
            index += 2
        else:
            for code in range(first, int(following) + 1):
                table[code] = float(items[index + 2])
            index += 3
    return lambda code: table.get(code, default)


def _placement(page: PageObject) -> tuple[float, float]:
    """The size and baseline (from the bottom) of the palette's text, in points."""
    found: list[tuple[float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if "0123456789" in text and not found:
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = abs(tm[3] * cm[3] + tm[2] * cm[1])
            found.append((size * scale, y))

    page.extract_text(visitor_text=visit)
    if not found:
        raise BandFontMissing("The band's palette page has no page numbers.")
    return found[0]


# --- Drawing ----------------------------------------------------------------------------


def draw_band(
    writer: PdfWriter,
    page: PageObject,
    art: BandArt,
    where: Geometry,
    *,
    label: str,
    artifact: bool,
) -> None:
    """Draw the band on ``page`` (already grown), without reading the page's content.

    The page's own content streams are neither unpacked nor rewritten: its /Contents
    becomes [the band, ``q`` and a clip to the page's old visible box, the original
    streams, ``Q``] (:func:`draw_over`). The clip keeps hidden what was outside the crop
    box (and would otherwise show in the new strip). So sealing costs the same whatever
    the page holds, the sealed copy is the original plus the band, and a content stream
    that a page shares with other pages is left as it is. The page gets its own copy of its resource
    dictionaries, which may be shared, and the band's form and font are added to it.

    In a tagged original the band is marked as a pagination artifact (a running header,
    ISO 14289-1 §7.8), so the document's structure stays whole and valid; its text is
    still there for text extraction, search and reading without tags.
    """
    own = own_resources(page)
    form_name = add_resource(own, "/XObject", "/ICMSBand", art.forms[where.shape])
    font_name = add_resource(own, "/Font", "/ICMSBandFont", art.font)
    matrix = stamp_matrix(
        page.cropbox,
        where.turn,
        width=where.layout_width,
        height=where.height_mm * MM,
        corner=Corner.TOP_LEFT,
        margin=0,
    )
    extra = art.label(label, width=where.layout_width, font_name=font_name, height_mm=where.height_mm)
    band = draw_form(form_name, matrix, extra=extra)
    if artifact:
        band = mark_artifact(band, b"/Type /Pagination /Subtype /Header /Attached [/Top]")
    draw_over(writer, page, band, clip=where.visible, first=True)


def own_resources(page: PageObject) -> DictionaryObject:
    """Give ``page`` its own copy of its resource dictionaries (they may be shared) and return it."""
    resources = page.get("/Resources")
    own = DictionaryObject()
    if resources is not None:
        for key, value in resources.get_object().items():
            resolved = value.get_object()
            shared = isinstance(resolved, DictionaryObject) and not isinstance(resolved, StreamObject)
            own[NameObject(key)] = DictionaryObject(resolved) if shared else value
    page[NameObject("/Resources")] = own
    return own


def draw_form(name: str, matrix: Matrix, *, extra: bytes = b"") -> bytes:
    """Content that draws the form XObject ``name`` transformed by ``matrix``, then ``extra`` in the same space."""
    numbers = " ".join(f"{value:.6f}" for value in matrix)
    return b"q\n%s cm\n%s Do\n%sQ\n" % (numbers.encode("ascii"), name.encode("ascii"), extra)


def mark_artifact(content: bytes, properties: bytes) -> bytes:
    """``content`` marked as an artifact (ISO 32000-1 §14.8.2.2), so a tagged page stays whole."""
    return b"/Artifact <<%s>> BDC\n%sEMC\n" % (properties, content)


def draw_over(
    writer: PdfWriter, page: PageObject, content: bytes, *, clip: Box | None = None, first: bool = False
) -> None:
    """Draw ``content`` on ``page`` without reading or rewriting the page's own content.

    The page's /Contents becomes [``q`` (and a clip to ``clip``), the original streams,
    ``Q`` and ``content``]: the original streams are kept as they are (a stream shared
    with other pages stays shared), whatever they hold and however large, and whatever
    graphics state they leave is restored before ``content``. The clip keeps hidden what
    was outside the old crop box (which would otherwise show in the band's strip).

    With ``first``, ``content`` (which must restore the graphics state it changes) comes
    before the page's own: for the band, which overlaps nothing, so that it is read
    first, as a header, by software that reads an untagged page in content order.
    """
    original: list[PdfObject] = []
    if "/Contents" in page:
        contents = page.raw_get("/Contents")
        resolved_contents = contents.get_object()
        for item in resolved_contents if isinstance(resolved_contents, ArrayObject) else [contents]:
            original.append(item if isinstance(item, IndirectObject) else writer._add_object(item))
    opening = DecodedStreamObject()
    if clip is None:
        opening.set_data(b"q\n")
    else:
        x0, y0, x1, y1 = clip
        opening.set_data(b"q\n%.4f %.4f %.4f %.4f re W n\n" % (x0, y0, x1 - x0, y1 - y0))
    closing = DecodedStreamObject()
    added = DecodedStreamObject()
    added.set_data(content)
    added_ref = writer._add_object(added.flate_encode())
    closing.set_data(b"\nQ\n")
    if first:
        layers = [added_ref, writer._add_object(opening), *original, writer._add_object(closing)]
    else:
        layers = [writer._add_object(opening), *original, writer._add_object(closing), added_ref]
    page[NameObject("/Contents")] = ArrayObject(layers)


def add_resource(resources: DictionaryObject, kind: str, stem: str, value: IndirectObject) -> str:
    """Put ``value`` in the ``kind`` resources (of :func:`own_resources`) under ``stem`` (or ``stem`` and a
    number if that name is taken) and return the name."""
    entries = resources.get(kind)
    entries = DictionaryObject() if entries is None else DictionaryObject(entries.get_object())
    resources[NameObject(kind)] = entries
    name = stem
    number = 0
    while name in entries and entries.raw_get(name) != value:
        number += 1
        name = f"{stem}{number}"
    entries[NameObject(name)] = value
    return name
