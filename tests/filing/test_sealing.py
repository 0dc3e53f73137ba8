"""filing.sealing: the sealed copy, the court-issued stamp and the Document Reference Number."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pikepdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from pypdf.generic import RectangleObject

from filing.pdf_checks import validate_pdf
from filing.sealing import (
    Corner,
    Stamp,
    StampKind,
    StampTooLarge,
    drn_format,
    drn_generate,
    drn_is_valid,
    drn_normalize,
    seal_pdf,
    stamp_matrix,
)
from tests.filing import pdf_corpus

# 17:29:59 in Hong Kong, the last second of a registry day (icms-reference §2).
DEEMED = datetime(2026, 11, 24, 9, 29, 59, tzinfo=UTC)


def make_stamp(kind=StampKind.FILED, **overrides) -> Stamp:
    values = {
        "kind": kind,
        "court_name_en": "District Court",
        "court_name_zh": "區域法院",
        "case_number": "DCPI 123/2026",
        "moment": DEEMED,
        "drn": drn_generate(),
    }
    return Stamp(**(values | overrides))


def page_text(data: bytes, index: int = 0) -> str:
    return PdfReader(io.BytesIO(data)).pages[index].extract_text()


class TestSealedCopy:
    def test_the_sealed_copy_is_new_bytes_and_the_original_is_untouched(self):
        original = pdf_corpus.good_pdf(3)
        copy_of_original = bytes(original)
        digest = hashlib.sha256(original).hexdigest()
        sealed = seal_pdf(original, make_stamp())
        assert sealed != original
        assert original == copy_of_original
        assert hashlib.sha256(original).hexdigest() == digest

    def test_the_sealed_copy_begins_with_the_original_bytes(self):
        original = pdf_corpus.good_pdf(2)
        sealed = seal_pdf(original, make_stamp())
        assert sealed[: len(original)] == original

    def test_the_page_count_and_every_page_s_own_content_are_unchanged(self):
        original = pdf_corpus.good_pdf(5)
        sealed = seal_pdf(original, make_stamp())
        with pikepdf.open(io.BytesIO(original)) as before, pikepdf.open(io.BytesIO(sealed)) as after:
            assert len(after.pages) == 5
            for old, new in zip(before.pages, after.pages, strict=True):
                streams = list(new.obj.Contents)
                assert streams[2].read_raw_bytes() == old.obj.Contents.read_raw_bytes()
                assert len(streams) == 4, "the band, a clip, the page's own stream, the end of the clip"

    def test_the_band_shows_court_case_filed_time_drn_and_digest(self):
        original = pdf_corpus.good_pdf()
        stamp = make_stamp()
        text = page_text(seal_pdf(original, stamp))
        assert "Page 1 of the statement of claim" in text
        assert "District Court" in text
        assert "區域法院" in text
        assert "DCPI 123/2026" in text
        assert "FILED" in text
        assert "存檔" in text
        assert "24 Nov 2026, 17:29:59 HKT" in text
        assert "2026年11月24日 17:29:59" in text
        assert drn_format(stamp.drn) in text
        assert hashlib.sha256(original).hexdigest()[:16] in text

    def test_every_page_has_the_band_with_its_own_page_number(self):
        stamp = make_stamp()
        sealed = seal_pdf(pdf_corpus.good_pdf(2), stamp)
        first, second = page_text(sealed, 0), page_text(sealed, 1)
        assert "Page 1 of 2" in first and "第 1 頁，共 2 頁" in first
        assert "Page 2 of 2" in second and "第 2 頁，共 2 頁" in second
        assert "Page 2 of the statement of claim" in second
        for text in (first, second):
            assert "FILED" in text and drn_format(stamp.drn) in text and "DCPI 123/2026" in text

    def test_a_court_issued_document_says_issued_with_the_date(self):
        stamp = make_stamp(StampKind.ISSUED, case_number="DCCJ 45/2026")
        text = page_text(seal_pdf(pdf_corpus.good_pdf(), stamp))
        assert "ISSUED" in text
        assert "發出" in text
        assert "FILED" not in text
        assert "24 Nov 2026" in text
        assert "17:29" not in text
        assert drn_format(stamp.drn) in text

    def test_the_sealed_copy_still_passes_the_checks(self):
        sealed = seal_pdf(pdf_corpus.good_pdf(2), make_stamp())
        assert validate_pdf(sealed).pages == 2

    def test_a_chinese_pdf_with_its_own_fonts_can_be_sealed(self):
        original = pdf_corpus.cjk_pdf()
        text = page_text(seal_pdf(original, make_stamp()))
        assert "申索陳述書" in text
        assert "存檔" in text

    def test_a_file_with_object_streams_can_be_sealed(self):
        original = pdf_corpus.good_pdf(3, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        sealed = seal_pdf(original, make_stamp())
        assert sealed.startswith(original)
        assert len(PdfReader(io.BytesIO(sealed)).pages) == 3
        with pikepdf.open(io.BytesIO(sealed)) as pdf:
            # pypdf's incremental update omits the xref stream's entry for itself, which
            # qpdf reports and tolerates; nothing else may be wrong.
            assert all("xref stream itself is missing" in warning for warning in pdf.get_warnings())

    def test_a_repaired_file_is_sealed_by_rewriting_it(self):
        # Cross-reference offsets that point nowhere: readable only after repair.
        original = pdf_corpus.good_pdf(2).replace(b"startxref\n", b"startxref\n9")
        assert validate_pdf(original).repaired
        sealed = seal_pdf(original, make_stamp())
        assert "FILED" in page_text(sealed)
        assert len(PdfReader(io.BytesIO(sealed)).pages) == 2
        with pikepdf.open(io.BytesIO(sealed)) as pdf:
            assert pdf.get_warnings() == []

    def test_a_tagged_original_stays_tagged_with_the_band_as_a_header_artifact(self):
        from icms.core.rendering import render_pdf

        original = render_pdf(
            "filing/pdf/demo_document.html", {"title": "Order", "body_en": "It is ordered.", "body_zh": "現命令。"}
        )
        sealed = seal_pdf(original, make_stamp(StampKind.ISSUED))
        assert sealed.startswith(original)
        with pikepdf.open(io.BytesIO(sealed)) as pdf:
            assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
            band = pdf.pages[0].obj.Contents[0].read_bytes()
        assert band.startswith(b"/Artifact <</Type /Pagination /Subtype /Header")
        assert band.rstrip().endswith(b"EMC")
        assert "ISSUED" in page_text(sealed)

    def test_an_overlong_court_name_is_refused_rather_than_cut_off(self):
        with pytest.raises(StampTooLarge):
            seal_pdf(pdf_corpus.good_pdf(), make_stamp(court_name_en="Magistrates' Courts " * 30))

    def test_a_naive_time_or_a_bad_drn_is_refused(self):
        with pytest.raises(ValueError):
            make_stamp(moment=datetime(2026, 11, 24, 17, 29, 59))  # noqa: DTZ001
        with pytest.raises(ValueError):
            make_stamp(drn="123456789012")


def text_placement(data: bytes, needle: str) -> tuple[float, float, float, float]:
    """Where ``needle`` starts on page 1, and the direction its text runs, in page space."""
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        if needle in text:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            dx = tm[0] * cm[0] + tm[1] * cm[2]
            dy = tm[0] * cm[1] + tm[1] * cm[3]
            found.append((x, y, dx, dy))

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    assert found, f"{needle!r} not on page 1"
    return found[0]


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_the_band_is_upright_above_the_page_as_the_reader_sees_it(rotation):
    sealed = seal_pdf(pdf_corpus.good_pdf(1, rotate=rotation), make_stamp())
    # The band's own lines are a form XObject, whose text pypdf places in the form's
    # space; "page n of m" is written on the page itself, on the band's first line.
    x, y, dx, dy = text_placement(sealed, "Page 1 of 1")
    width, height = pdf_corpus.A4
    with pikepdf.open(io.BytesIO(sealed)) as pdf:
        x0, y0, x1, y1 = (float(v) for v in pdf.pages[0].obj.CropBox)
    # Page coordinates -> coordinates as seen after the viewer turns the page clockwise,
    # measured from the bottom-left corner of the original page as seen.
    seen = {
        0: (x, y, dx, dy, width, height),
        90: (y, width - x, dy, -dx, height, width),
        180: (width - x, height - y, -dx, -dy, width, height),
        270: (height - y, x, -dy, dx, height, width),
    }[rotation]
    u, v, du, dv, seen_width, seen_height = seen
    grow = {0: y1 - height, 90: -x0, 180: -y0, 270: x1 - width}[rotation]
    assert grow > 30, "the page grew at the top as seen"
    assert (x1 - x0, y1 - y0) == pytest.approx(
        (width, height + grow) if rotation in (0, 180) else (width + grow, height)
    )
    assert 0 < u < seen_width and seen_height < v < seen_height + grow, "the band is in the new strip"
    assert du > 0 and abs(dv) < 1e-6, "the band's text runs left to right as the reader sees it"


def test_stamp_matrix_scales_a_stamp_down_to_fit_a_small_page():
    box = RectangleObject([0, 0, 100, 60])
    a, _b, _c, d, e, f = stamp_matrix(box, 0, width=181.4, height=85, corner=Corner.TOP_RIGHT, margin=5)
    assert a == d < 1
    assert e + 181.4 * a <= 95.0001 and f + 85 * d <= 55.0001


def test_stamp_matrix_respects_a_cropbox_that_does_not_start_at_the_origin():
    box = RectangleObject([100, 200, 700, 1000])
    a, _b, _c, d, e, f = stamp_matrix(box, 0, width=50, height=20, corner=Corner.BOTTOM_LEFT, margin=10)
    assert (a, d, e, f) == (1.0, 1.0, 110, 210)


# --- Document Reference Numbers ---------------------------------------------------------

drns = st.builds(lambda _: drn_generate(), st.integers())
payloads = st.integers(min_value=10**9, max_value=10**10 - 1).map(str)


def with_check_digits(payload: str) -> str:
    return payload + f"{98 - (int(payload) * 100) % 97:02d}"


@given(drns)
def test_a_generated_drn_is_twelve_digits_and_valid(drn):
    assert len(drn) == 12 and drn.isascii() and drn.isdigit()
    assert drn[0] != "0"
    assert drn_is_valid(drn)


@given(payloads)
def test_the_check_digits_are_iso_7064_mod_97_10(payload):
    drn = with_check_digits(payload)
    assert int(drn) % 97 == 1
    assert drn_is_valid(drn)


@given(payloads, st.integers(min_value=0, max_value=11), st.integers(min_value=1, max_value=9))
def test_any_single_mistyped_digit_is_caught(payload, position, change):
    drn = with_check_digits(payload)
    wrong = drn[:position] + str((int(drn[position]) + change) % 10) + drn[position + 1 :]
    assert not drn_is_valid(wrong)


@given(payloads, st.integers(min_value=0, max_value=10))
def test_any_swap_of_neighbouring_digits_is_caught(payload, position):
    drn = with_check_digits(payload)
    swapped = drn[:position] + drn[position + 1] + drn[position] + drn[position + 2 :]
    if swapped != drn:
        assert not drn_is_valid(swapped)


@given(drns)
def test_what_people_type_is_normalised(drn):
    grouped = drn_format(drn)
    assert grouped.count(" ") == 2
    assert drn_normalize(grouped) == drn
    assert drn_normalize(f" {drn[:4]}-{drn[4:8]}-{drn[8:]} ") == drn
    # Digits typed with a Chinese input method are full-width (U+FF10 to U+FF19).
    full_width = drn.translate({ord("0") + i: 0xFF10 + i for i in range(10)})
    assert drn_normalize(full_width) == drn


@pytest.mark.parametrize("value", ["", "12345678901", "1234567890123", "12345678901a", "١٢٣٤٥٦٧٨٩٠١٢"])
def test_malformed_drns_are_invalid(value):
    assert not drn_is_valid(value)
    with pytest.raises(ValueError):
        drn_normalize(value)


def test_hong_kong_time_is_shown_whatever_the_active_time_zone():
    from django.utils import timezone

    with timezone.override(ZoneInfo("Europe/London")):
        text = page_text(seal_pdf(pdf_corpus.good_pdf(), make_stamp()))
    assert "17:29:59 HKT" in text
