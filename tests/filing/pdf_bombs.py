"""Files made to stand for far more than they hold, and the code each is refused with.

Shared by ``tests/filing/test_pdf_bounds.py`` (each refused with its own code) and
``bench/pdf_bombs.py`` (how long each refusal takes: a figure, not a test's bound).
"""

from __future__ import annotations

import functools

from filing.pdf_checks import Rejection
from tests.filing import pdf_corpus

MIB = 1024 * 1024

#: At the default bounds. Each is built once (some take a second).
BOMBS = {
    # The file found in review: 306 KB holding 200 MB in page 1's content.
    "flate_bomb": (pdf_corpus.flate_bomb_pdf, Rejection.STREAM_TOO_LARGE),
    "flate_inside_flate": (pdf_corpus.nested_flate_bomb_pdf, Rejection.STREAM_TOO_LARGE),
    "ascii_hex_then_flate": (pdf_corpus.ascii_hex_flate_bomb_pdf, Rejection.STREAM_TOO_LARGE),
    "lzw": (pdf_corpus.lzw_bomb_pdf, Rejection.STREAM_TOO_LARGE),
    "run_length": (pdf_corpus.run_length_bomb_pdf, Rejection.STREAM_TOO_LARGE),
    "inline_image_flate_bomb": (
        lambda: pdf_corpus.inline_image_pdf(100, 100, pdf_corpus._deflate(200 * MIB)),
        Rejection.STREAM_TOO_LARGE,
    ),
    # Ten streams of 60 MB, each within the bound for one stream: 600 MB together.
    "many_medium_streams": (lambda: pdf_corpus.many_streams_pdf(10, 60 * MIB), Rejection.CONTENT_TOO_LARGE),
    "huge_image": (pdf_corpus.huge_image_pdf, Rejection.IMAGE_TOO_LARGE),
    "jpeg_larger_than_declared": (pdf_corpus.lying_jpeg_pdf, Rejection.IMAGE_TOO_LARGE),
    "huge_inline_image": (lambda: pdf_corpus.inline_image_pdf(60_000, 60_000, b"\x00"), Rejection.IMAGE_TOO_LARGE),
    "too_many_pages": (lambda: pdf_corpus.too_many_pages_pdf(2001), Rejection.TOO_MANY_PAGES),
    "array_too_long_to_seal": (lambda: pdf_corpus.long_array_pdf(100_001), Rejection.TOO_COMPLEX),
    "lzw_cross_reference_stream": (pdf_corpus.lzw_xref_stream_pdf, Rejection.TOO_COMPLEX),
    "cross_reference_stream_bomb": (
        lambda: pdf_corpus.xref_stream_bomb_pdf(256 * MIB),
        Rejection.STREAM_TOO_LARGE,
    ),
}


@functools.cache
def bomb(name: str) -> bytes:
    return BOMBS[name][0]()
