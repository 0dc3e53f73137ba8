"""Streams with nothing to unpack are measured by their raw length, read into qpdf's buffer
and not copied into Python (issue 16, item 6): a scan's images are most of its bytes.

The bounds hold for them exactly as before: a stream's own bound first, then the file's.
When qpdf found every stream's /Length right as it parsed the file (no warning), the
length is taken from /Length and the data is not read at all; a /Length qpdf had to
correct is never trusted.
"""

from __future__ import annotations

import io
import os
from typing import Any

import pikepdf
import pytest

from filing.pdf_checks import Bounds, PdfRejected, Rejection, validate_pdf
from filing.pdf_checks.bounds import Meter

KIB = 1024


def _images_pdf(*sizes: int, filter_name: str | None = None) -> bytes:
    """One page showing an image XObject of each raw size, unfiltered unless ``filter_name``."""
    pdf = pikepdf.Pdf.new()
    images = {}
    for index, size in enumerate(sizes):
        image = pikepdf.Stream(pdf, os.urandom(size))
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height = size, 1
        image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceGray, 8
        if filter_name is not None:
            image.Filter = pikepdf.Name(filter_name)
        images[f"/Im{index}"] = pdf.make_indirect(image)
    drawn = b" ".join(f"q 10 0 0 10 0 0 cm /Im{index} Do Q".encode() for index in range(len(sizes)))
    pdf.pages.append(
        pikepdf.Page(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Page,
                MediaBox=[0, 0, 595, 842],
                Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(images)),
                Contents=pdf.make_stream(drawn),
            )
        )
    )
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


BOUNDS = Bounds(stream_bytes=64 * KIB, total_bytes=150 * KIB, image_pixels=10**9)


def test_an_unfiltered_stream_may_be_as_long_as_the_bound_and_not_a_byte_longer():
    info = validate_pdf(_images_pdf(64 * KIB), bounds=BOUNDS)
    assert info.decoded_bytes >= 64 * KIB
    with pytest.raises(PdfRejected) as caught:
        validate_pdf(_images_pdf(64 * KIB + 1), bounds=BOUNDS)
    assert caught.value.rejection is Rejection.STREAM_TOO_LARGE


def test_unfiltered_streams_count_towards_the_whole_file():
    info = validate_pdf(_images_pdf(60 * KIB, 60 * KIB), bounds=BOUNDS)
    assert 120 * KIB <= info.decoded_bytes <= BOUNDS.total_bytes
    with pytest.raises(PdfRejected) as caught:
        validate_pdf(_images_pdf(60 * KIB, 60 * KIB, 60 * KIB), bounds=BOUNDS)
    assert caught.value.rejection is Rejection.CONTENT_TOO_LARGE


def test_a_stream_whose_first_filter_is_an_image_codec_is_measured_by_its_raw_length():
    # CCITT fax data is not unpacked (its output is pixels, bounded by the image's size).
    with pytest.raises(PdfRejected) as caught:
        validate_pdf(_images_pdf(64 * KIB + 1, filter_name="/CCITTFaxDecode"), bounds=BOUNDS)
    assert caught.value.rejection is Rejection.STREAM_TOO_LARGE


class _Stream:
    """Enough of a pikepdf stream for the meter, which must not copy its data into Python."""

    def __init__(self, data: bytes, stream_dict: Any) -> None:
        self._data = data
        self.stream_dict = stream_dict
        self.objgen = (7, 0)

    def get_raw_stream_buffer(self) -> bytes:
        return self._data

    def read_raw_bytes(self) -> bytes:
        raise AssertionError("the raw data was copied into Python to be measured")


def test_the_meter_takes_an_unfiltered_streams_length_from_qpdfs_buffer():
    meter = Meter(BOUNDS)
    meter.measure_stream(_Stream(b"x" * 1000, pikepdf.Dictionary()), content=False)  # type: ignore[arg-type]
    assert (meter.used, meter.sizes) == (1000, {(7, 0): 1000})


def test_a_content_stream_is_still_read_for_inline_images():
    meter = Meter(BOUNDS)
    with pytest.raises(AssertionError, match="copied into Python"):
        meter.measure_stream(_Stream(b"BI /W 1 ID x EI", pikepdf.Dictionary()), content=True)  # type: ignore[arg-type]


# --- The length qpdf checked as it parsed the file, taken without reading the data -------


def _with_length(pdf: bytes, real: int, claimed: int) -> bytes:
    """``pdf`` with the /Length of its stream of ``real`` bytes made to say ``claimed``,
    written with as many digits (leading zeros), so no offset in the file moves."""
    before = b"/Length %d" % real
    after = b"/Length %0*d" % (len(str(real)), claimed)
    assert pdf.count(before) == 1 and len(after) == len(before)
    return pdf.replace(before, after)


def test_a_stream_whose_length_is_wrong_is_measured_by_the_data_qpdf_finds():
    # qpdf finds the real end of the stream (and warns): a short /Length hides nothing.
    short = _with_length(_images_pdf(64 * KIB + 1), 64 * KIB + 1, 100)
    with pytest.raises(PdfRejected) as caught:
        validate_pdf(short, bounds=BOUNDS)
    assert caught.value.rejection is Rejection.STREAM_TOO_LARGE


def test_a_file_whose_stream_length_was_found_is_still_reported_repaired():
    info = validate_pdf(_with_length(_images_pdf(5000), 5000, 4000), bounds=BOUNDS)
    assert info.repaired is True
    assert info.decoded_bytes >= 5000  # the data qpdf found, not the /Length
    assert validate_pdf(_images_pdf(5000), bounds=BOUNDS).repaired is False


def test_the_meter_takes_a_checked_length_and_does_not_read_the_data():
    class _Unread(_Stream):
        def get_raw_stream_buffer(self) -> bytes:
            raise AssertionError("the data was read to be measured")

    meter = Meter(BOUNDS, lengths_checked=True)
    meter.measure_stream(_Unread(b"", pikepdf.Dictionary(Length=1000)), content=False)  # type: ignore[arg-type]
    assert (meter.used, meter.sizes) == (1000, {(7, 0): 1000})
    # Over the bound by its /Length alone, it is refused as before.
    with pytest.raises(PdfRejected) as caught:
        Meter(BOUNDS, lengths_checked=True).measure_stream(
            _Unread(b"", pikepdf.Dictionary(Length=64 * KIB + 1)),  # type: ignore[arg-type]
            content=False,
        )
    assert caught.value.rejection is Rejection.STREAM_TOO_LARGE
