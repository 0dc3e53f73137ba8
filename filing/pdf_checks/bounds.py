"""Bounds on what a PDF unpacks to, so that a small upload cannot stand for a huge file.

docs/filing.md, "Bounds", gives the numbers and the reasons. Each is a setting:

* ``FILING_MAX_STREAM_DECODED_BYTES``: what any one stream (a page's content, an image,
  a font) unpacks to, counted for each filter of the stream;
* ``FILING_MAX_DECODED_BYTES``: what the whole file unpacks to, every filter's output
  counted, so that many medium streams cannot add up to a bomb;
* ``FILING_MAX_IMAGE_PIXELS``: width times height of every image, image XObjects and inline
  images alike, as declared in the PDF and, for JPEG and JPEG 2000, in the image data;
* and ``FILING_MAX_PAGES``, checked first (structure.py).

Stream data is unpacked in chunks by decoders.py and counted, never kept, so the
check costs at most the bounds in time and a chunk in memory. Only once a content stream
is known to be within its bound does qpdf (which unpacks a stream whole) parse it, to find
inline images. qpdf itself unpacks object and cross-reference streams before any check
can measure them; :func:`limit_qpdf` bounds what it will unpack (Flate, run-length,
predictors) and envelope.py screens out LZW there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

import pikepdf
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from pikepdf.settings import get_qpdf_limits, set_qpdf_limits

from .decoders import DECODERS, TooMuchData
from .decoders import measure as measure_data
from .messages import PdfRejected, Rejection

#: Whatever the settings say (a test may lower them), qpdf may unpack at least this much
#: of one stream: the default of FILING_MAX_STREAM_DECODED_BYTES.
_QPDF_FLOOR: Final = 64 * 1024 * 1024
_QPDF_LIMITS: Final = ("flate_max_memory", "run_length_max_memory", "png_max_memory", "tiff_max_memory")


@dataclass(frozen=True, slots=True)
class Bounds:
    stream_bytes: int
    total_bytes: int
    image_pixels: int

    @classmethod
    def from_settings(cls) -> Bounds:
        return cls(
            stream_bytes=int(settings.FILING_MAX_STREAM_DECODED_BYTES),
            total_bytes=int(settings.FILING_MAX_DECODED_BYTES),
            image_pixels=int(settings.FILING_MAX_IMAGE_PIXELS),
        )


def limit_qpdf(bounds: Bounds) -> None:
    """Bound what qpdf unpacks of one stream, for every PDF this process opens.

    qpdf unpacks a cross-reference stream when it opens a file and an object stream
    when it first reads an object in it, before any check here runs: unbounded, a
    1 MB upload made qpdf allocate 1 GB. Over the limit, qpdf treats the stream as
    damaged (and rebuilds the cross-reference table by scanning), and the walk then
    measures that stream and refuses the file. qpdf's limits are process-wide; no
    file this portal accepts comes near them.
    """
    wanted = max(bounds.stream_bytes, _QPDF_FLOOR)
    current = get_qpdf_limits()
    if any(current[name] != wanted for name in _QPDF_LIMITS):
        set_qpdf_limits(**dict.fromkeys(_QPDF_LIMITS, wanted))  # type: ignore[arg-type]


_FILTER = pikepdf.Name("/Filter")
_DECODE_PARMS = pikepdf.Name("/DecodeParms")
_LENGTH = pikepdf.Name("/Length")


def _filters(stream_dict: pikepdf.Dictionary | pikepdf.Object) -> list[tuple[str, int]]:
    """The stream's filters, each with its /EarlyChange (for LZW; 1 by default)."""
    # Asked with "in" first: pikepdf's get() of a missing key costs some 9 µs (an exception
    # inside), and most streams have no /DecodeParms, a scan's images no /Filter either.
    if _FILTER not in stream_dict:
        return []
    names = stream_dict.get(_FILTER)
    parms = stream_dict.get(_DECODE_PARMS) if _DECODE_PARMS in stream_dict else None
    if names is None:
        return []
    name_list: list[object] = list(names) if isinstance(names, pikepdf.Array) else [names]
    parm_list: list[object] = list(parms) if isinstance(parms, pikepdf.Array) else [parms] * len(name_list)
    result = []
    for index, name in enumerate(name_list):
        parm = parm_list[index] if index < len(parm_list) else None
        early = parm.get("/EarlyChange", 1) if isinstance(parm, pikepdf.Dictionary) else 1
        result.append((str(name) if isinstance(name, pikepdf.Name) else "", int(early) if early in (0, 1) else 1))
    return result


@dataclass(slots=True)
class Meter:
    """Counts what one file unpacks to, and refuses it at the first bound it passes."""

    bounds: Bounds
    used: int = 0
    #: Content streams that may hold inline images ("BI ... ID ... EI", §8.9.7).
    with_inline_images: list[pikepdf.Stream] = field(default_factory=list)
    #: What each stream produced, by object number and generation.
    sizes: dict[tuple[int, int], int] = field(default_factory=dict)
    #: True when qpdf found every stream's /Length right as it parsed the file (see
    #: :meth:`measure_stream`): a stream with nothing to unpack is then measured by it.
    lengths_checked: bool = False

    def measure(self, raw: bytes, filters: list[tuple[str, int]], *, watch_inline: bool = False) -> tuple[int, bool]:
        """Unpack and count: the bytes produced, and whether ``watch_inline`` saw a "BI" operator."""
        seen = _InlineImageWatch() if watch_inline else None
        try:
            produced = measure_data(
                raw,
                filters,
                stream_limit=self.bounds.stream_bytes,
                total_left=self.bounds.total_bytes - self.used,
                watch=seen.feed if seen is not None else None,
            )
        except TooMuchData as exceeded:
            if exceeded.whole_file:
                raise self._content_too_large() from None
            raise self._stream_too_large() from None
        self.used += produced
        return produced, seen is not None and seen.found

    def measure_stream(self, stream: pikepdf.Stream, *, content: bool) -> None:
        filters = _filters(stream.stream_dict)
        if not content and not (filters and filters[0][0] in DECODERS):
            # Nothing to unpack (no filter, or an image codec first) and no inline image to
            # look for: what it produces is its raw length. qpdf checks a stream's /Length
            # when it parses the stream ("endstream" must follow that many bytes) and warns
            # when it has to find the end itself; with no warning the length is /Length, and
            # the data (a scan's images are most of the file) need not be read at all.
            # Otherwise qpdf's own buffer gives it without copying the data into Python.
            length = _int(stream.stream_dict.get(_LENGTH)) if self.lengths_checked else None
            if length is None or length < 0:
                length = len(memoryview(stream.get_raw_stream_buffer()))
            produced = self._count(length)
        else:
            produced, inline = self.measure(stream.read_raw_bytes(), filters, watch_inline=content)
            if inline:
                self.with_inline_images.append(stream)
        self.sizes[stream.objgen] = produced

    def _count(self, size: int) -> int:
        """Count ``size`` bytes produced, refused as :meth:`measure` refuses them (the stream's bound first)."""
        if size > self.bounds.stream_bytes:
            raise self._stream_too_large()
        if size > self.bounds.total_bytes - self.used:
            raise self._content_too_large()
        self.used += size
        return size

    def check_page_contents(self, pages: list[list[tuple[int, int]]]) -> None:
        """A page's content streams are read as one (§7.8.2), and pypdf unpacks them as
        one when it draws on every page (inspection copies): together, they are one stream."""
        for streams in pages:
            if sum(self.sizes.get(objgen, 0) for objgen in streams) > self.bounds.stream_bytes:
                raise self._stream_too_large()

    def _stream_too_large(self) -> PdfRejected:
        return PdfRejected(Rejection.STREAM_TOO_LARGE, params={"limit": filesizeformat(self.bounds.stream_bytes)})

    def _content_too_large(self) -> PdfRejected:
        return PdfRejected(Rejection.CONTENT_TOO_LARGE, params={"limit": filesizeformat(self.bounds.total_bytes)})

    def check_image(self, width: object, height: object) -> None:
        if not isinstance(width, int) or not isinstance(height, int) or width <= 0 or height <= 0:
            return  # an image without sensible dimensions is not drawn
        if width * height > self.bounds.image_pixels:
            raise PdfRejected(
                Rejection.IMAGE_TOO_LARGE,
                params={
                    "width": f"{width:,}",
                    "height": f"{height:,}",
                    "limit": f"{self.bounds.image_pixels / 1_000_000:g}",
                },
            )

    def check_image_stream(self, stream: pikepdf.Stream) -> None:
        """An image XObject: its declared size and, for JPEG and JPEG 2000, the size
        in the image data, which is what a decoder allocates for."""
        self.check_image(_int(stream.get("/Width")), _int(stream.get("/Height")))
        filters = [name for name, _ in _filters(stream.stream_dict)]
        if filters in (["/DCTDecode"], ["/JPXDecode"]):
            dimensions = codec_dimensions(stream.read_raw_bytes(), filters[0])
            if dimensions is not None:
                self.check_image(*dimensions)

    def check_inline_images(self) -> None:
        """The inline images of the content streams that may have some."""
        for stream in self.with_inline_images:
            for image in _inline_images(stream):
                self.check_image(image.width, image.height)
                raw = image.read_raw_bytes()
                self.measure(raw, [(name, 1) for name in image.filters])


def _int(value: object) -> int | None:
    # pikepdf gives PDF integers as int (and reals as Decimal, which no image size may be).
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _inline_images(stream: pikepdf.Stream) -> Iterator[pikepdf.PdfInlineImage]:
    try:
        instructions = pikepdf.parse_content_stream(stream, "BI ID EI")
    except (pikepdf.PdfError, ValueError, TypeError):
        return  # a content stream qpdf cannot parse is not drawn either
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            yield instruction.iimage


# "BI" as an operator: not part of a longer name or number (§7.2.2 delimiters and white space).
_DELIMITERS: Final = frozenset(b"\x00\t\n\x0c\r ()<>[]{}/%")


class _InlineImageWatch:
    __slots__ = ("_tail", "found")

    def __init__(self) -> None:
        self.found = False
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        if self.found:
            return
        data = self._tail + chunk
        self._tail = chunk[-2:]
        position = data.find(b"BI")
        while position >= 0:
            before = data[position - 1] if position > 0 else 0x20
            after = data[position + 2] if position + 2 < len(data) else 0x20
            if before in _DELIMITERS and after in _DELIMITERS:
                self.found = True
                return
            position = data.find(b"BI", position + 1)


# JPEG (ITU T.81 B.2.2): the frame header (SOF0-SOF15 but DHT, JPG and DAC) gives the
# height and width. JPEG 2000 (ITU T.800 A.5.1): the SIZ segment after SOC gives the
# reference grid (Xsiz, Ysiz) and the image offset on it (XOsiz, YOsiz).
_SOF_MARKERS: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPX_SIZ = b"\xff\x4f\xff\x51"


def codec_dimensions(data: bytes, codec: str) -> tuple[int, int] | None:
    if codec == "/JPXDecode":
        start = data.find(_JPX_SIZ)
        if start < 0 or len(data) < start + 24:
            return None
        x, y, x_offset, y_offset = (
            int.from_bytes(data[start + offset : start + offset + 4], "big") for offset in (8, 12, 16, 20)
        )
        return x - x_offset, y - y_offset
    position = 2 if data.startswith(b"\xff\xd8") else len(data)
    while position + 9 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in _SOF_MARKERS:
            height = int.from_bytes(data[position + 5 : position + 7], "big")
            width = int.from_bytes(data[position + 7 : position + 9], "big")
            return width, height
        if marker == 0xD8 or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            position += 2
            continue
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
    return None
