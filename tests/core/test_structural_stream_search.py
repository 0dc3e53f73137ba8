"""The structural-stream search over chunks (icms/core/uploads.py) against one search over the file.

However the bytes are cut into chunks, :class:`StructuralStreamSearch` must find exactly
the matches ``STRUCTURAL_STREAM.finditer`` finds over the whole file, in order, and give
up (``None``) exactly when there are more than it keeps. The inputs are built from the
pieces that make the search hard: "/Type" cut across chunks, runs of white space just
under, at and over the bound, "/Type/Type", names that only begin like the wanted ones,
and delimiters after them.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icms.core import uploads
from icms.core.uploads import STRUCTURAL_STREAM, STRUCTURAL_STREAM_WINDOW, StructuralStreamSearch

_SPACE = b" \t\n\r\x0b\x0c"
_PIECES = [
    b"/Type",
    b"/Type/Type",
    b"/ObjStm",
    b"/XRef",
    b"/XRefs",
    b"/ObjStmx",
    b"/Typ",
    b"e",
    b"/",
    b">>",
    b"(",
    b"%",
    b"\x00",
    b"x",
    b"stream",
]


@st.composite
def _space(draw: st.DrawFn) -> bytes:
    # Around the bound of 255 white space bytes between "/Type" and the name, and short runs.
    length = draw(st.sampled_from([0, 1, 2, 254, 255, 256, 257, 300]) | st.integers(0, 40))
    return bytes(draw(st.sampled_from(_SPACE)) for _ in range(min(length, 8))) + b" " * max(0, length - 8)


_DATA = st.lists(st.sampled_from(_PIECES) | _space() | st.binary(max_size=12), max_size=40).map(b"".join)


def _whole(data: bytes) -> tuple[int, ...]:
    return tuple(match.start() for match in STRUCTURAL_STREAM.finditer(data))


def _chunked(data: bytes, cuts: list[int]) -> tuple[int, ...] | None:
    search = StructuralStreamSearch()
    start = 0
    for cut in [*sorted(set(cuts)), len(data)]:
        if start <= cut <= len(data):
            search.update(data[start:cut])
            start = cut
    return search.result()


_FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FUZZ
@given(data=_DATA, cuts=st.lists(st.integers(0, 2000), max_size=12))
def test_any_chunking_finds_what_one_search_over_the_file_finds(data: bytes, cuts: list[int]) -> None:
    assert _chunked(data, cuts) == _whole(data)


@_FUZZ
@given(data=_DATA, size=st.sampled_from([1, 2, 5, 6, STRUCTURAL_STREAM_WINDOW - 1, STRUCTURAL_STREAM_WINDOW, 1000]))
def test_chunks_of_one_size_find_what_one_search_over_the_file_finds(data: bytes, size: int) -> None:
    assert _chunked(data, list(range(size, len(data), size))) == _whole(data)


@pytest.mark.parametrize(
    "data",
    [
        b"/Type/Type/ObjStm",
        b"/Type" * 3 + b" " * 256 + b"/XRef",
        b"/Type" + b" " * 255 + b"/Type" + b" " * 256,
        b"/Type" + b"\x0b" * 300 + b"/ObjStm",
        b"x/Type /XRef/Type /ObjStm(",
    ],
)
def test_overlapping_and_padded_candidates_are_found_alike_at_every_cut(data: bytes) -> None:
    expected = _whole(data)
    assert expected  # each has a match
    for cut in range(len(data) + 1):
        assert _chunked(data, [cut]) == expected, cut
        assert _chunked(data, [cut - 1, cut, cut + 4]) == expected, cut


@_FUZZ
@given(data=_DATA, cuts=st.lists(st.integers(0, 2000), max_size=6))
def test_the_search_gives_up_exactly_when_the_file_has_more_matches_than_are_kept(
    data: bytes, cuts: list[int]
) -> None:
    limit = 2
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(uploads, "STRUCTURAL_STREAM_MAX_FOUND", limit)
        expected = _whole(data)
        assert _chunked(data, cuts) == (None if len(expected) > limit else expected)


@pytest.mark.parametrize(
    "data",
    [
        # The longest candidates, which the byte after the name turns into other names.
        b"/Type" + b" " * 255 + b"/ObjStms",
        b"/Type" + b"\n" * 255 + b"/XRefx 1 0 R",
        b"/Type" + b" " * 255 + b"/ObjStm0" + b"/Type" + b" " * 254 + b"/XRef_",
    ],
)
def test_a_name_that_only_begins_like_one_is_not_found_at_any_cut(data: bytes) -> None:
    assert _whole(data) == ()
    for cut in range(len(data) + 1):
        assert _chunked(data, [cut]) == (), cut
        assert _chunked(data, [cut, cut + 1, cut + 7]) == (), cut
