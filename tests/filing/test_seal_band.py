"""The court's band covers nothing (issue 17, item 2): each page grows at the top, as the
reader sees it, and the band is drawn in the new strip, on every page.

The proof is geometric, on the sealed file itself: the band's form is placed (its
/BBox through the ``cm`` before its ``Do``) entirely in the strip above the old visible
box; every piece of the document's own text lies below the strip; and the document's
own content is clipped to the old visible box, so nothing of it can reach the strip.
"""

from __future__ import annotations

import io

import pikepdf
import pytest
import weasyprint
from pikepdf import Array, Dictionary, Name
from pypdf import PdfReader

from filing.seal_band import BAND_HEIGHT_MM, BAND_MIN_WIDTH_PT, MM
from filing.sealing import StampKind, seal_pdf
from icms.core import rendering
from tests.filing.test_sealing import make_stamp

Rect = tuple[float, float, float, float]


def band_rect(page: pikepdf.Page) -> Rect:
    """Where the band's form lands on the page: its /BBox through the matrix before ``Do``."""
    operations = pikepdf.parse_content_stream(page.obj.Contents[0])
    [matrix] = [operands for operands, operator in operations if str(operator) == "cm"]
    [name] = [operands[0] for operands, operator in operations if str(operator) == "Do"]
    bx0, by0, bx1, by1 = (float(v) for v in page.obj.Resources.XObject[name].BBox)
    a, b, c, d, e, f = (float(v) for v in matrix)
    xs, ys = zip(*[(a * x + c * y + e, b * x + d * y + f) for x in (bx0, bx1) for y in (by0, by1)], strict=True)
    return (min(xs), min(ys), max(xs), max(ys))


def box(page: pikepdf.Page, name: str) -> Rect:
    x0, y0, x1, y1 = (float(v) for v in page.obj[name])
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def text_runs(data: bytes, index: int) -> list[tuple[str, float, float, float]]:
    """Each run of text drawn on the page itself: (text, x, baseline y, size), in page space."""
    runs = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = abs(tm[3] * cm[3] + tm[2] * cm[1]) or abs(tm[1] * cm[2] + tm[0] * cm[0])
            runs.append((text, x, y, font_size * scale))

    PdfReader(io.BytesIO(data)).pages[index].extract_text(visitor_text=visit)
    return runs


def clip_of(page: pikepdf.Page) -> Rect:
    operations = pikepdf.parse_content_stream(page.obj.Contents[1])
    [(x, y, w, h)] = [operands for operands, operator in operations if str(operator) == "re"]
    return (float(x), float(y), float(x) + float(w), float(y) + float(h))


@pytest.fixture(scope="module")
def affidavit() -> bytes:
    """A real-looking filing: Chinese and English, its heading at the very top of page 1."""
    html = """<html lang="zh-Hant-HK"><head><style>
        @page { size: A4; margin: 0 20mm 20mm; }
        html { font-family: "Noto Sans CJK HK", sans-serif; font-size: 11pt; }
        h1 { margin: 0; font-size: 18pt; font-weight: normal; }
        .next { break-before: page; }
    </style></head><body>
        <h1>送達誓章 AFFIDAVIT OF SERVICE</h1>
        <p>IN THE DISTRICT COURT OF THE HONG KONG SPECIAL ADMINISTRATIVE REGION 香港特別行政區區域法院</p>
        <p>I, CHAN Tai Man, make oath and say that I served the writ of summons.</p>
        <p class="next">Sworn at Hong Kong. 於香港宣誓。</p>
    </body></html>"""
    return weasyprint.HTML(string=html).write_pdf(font_config=rendering.font_configuration())


def test_the_band_sits_above_a_heading_at_the_very_top_and_overlaps_nothing(affidavit):
    stamp = make_stamp()
    sealed = seal_pdf(affidavit, stamp)
    assert sealed.startswith(affidavit), "the filer's bytes stay first, and verifiable"
    with pikepdf.open(io.BytesIO(affidavit)) as before, pikepdf.open(io.BytesIO(sealed)) as after:
        assert len(after.pages) == 2
        for index, (old, new) in enumerate(zip(before.pages, after.pages, strict=True)):
            x0, y0, x1, top = box(old, "/MediaBox")
            grow = BAND_HEIGHT_MM * MM  # an A4 page: the band at its full size
            assert box(new, "/MediaBox") == pytest.approx((x0, y0, x1, top + grow))
            assert box(new, "/CropBox") == pytest.approx((x0, y0, x1, top + grow))
            bx0, by0, bx1, by1 = band_rect(new)
            assert (bx0, by0, bx1, by1) == pytest.approx((x0, top, x1, top + grow)), "the band fills the new strip"
            assert clip_of(new) == pytest.approx((x0, y0, x1, top)), "the page's own content cannot reach it"
            runs = text_runs(sealed, index)
            label = [run for run in runs if run[0].startswith("Page ")]
            assert [run[0].split("  ")[0] for run in label] == [f"Page {index + 1} of 2"]
            own = [run for run in runs if run not in label]
            assert own, "the page's own text is read"
            for text, _x, baseline, size in own:
                assert baseline + 0.9 * size <= top + 0.01, f"{text!r} reaches into the band"
            for _text, x, baseline, size in label:
                assert bx0 <= x and by0 <= baseline - 0.3 * size and baseline + 0.9 * size <= by1
        heading = [run for run in text_runs(sealed, 0) if "AFFIDAVIT" in run[0] or "送達誓章" in run[0]]
        assert heading and max(run[2] + run[3] for run in heading) > top - 30, "the heading is at the very top"
    text = PdfReader(io.BytesIO(sealed)).pages[1].extract_text()
    assert "Page 2 of 2" in text and "第 2 頁，共 2 頁" in text and "FILED" in text
    assert "Sworn at Hong Kong" in text


def test_a_page_turned_by_rotate_grows_at_the_edge_the_reader_sees_at_the_top():
    sealed = seal_pdf(seal_source(rotate=90), make_stamp(StampKind.ISSUED))
    with pikepdf.open(io.BytesIO(sealed)) as after:
        page = after.pages[0]
        # Turned 90° clockwise, the page's left edge is the top the reader sees; the seen
        # width is the page's height (842), wider than A4, so the band is full height.
        grow = BAND_HEIGHT_MM * MM
        assert box(page, "/MediaBox") == pytest.approx((-grow, 0, 595, 842))
        assert band_rect(page) == pytest.approx((-grow, 0, 0, 842))
        assert clip_of(page) == pytest.approx((0, 0, 595, 842))
        for text, x, _y, _size in text_runs(sealed, 0):
            if not text.startswith("Page 1 of 1"):
                assert x >= 0, f"{text!r} is in the band"


def seal_source(*, rotate: int = 0) -> bytes:
    """A page whose heading is 8 points from its top edge as the reader sees it."""
    pdf = pikepdf.Pdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    if rotate == 90:
        # Seen top = the page's left edge: text running up the page, its top at x = 8.
        content = b"BT /F1 24 Tf 0 1 -1 0 32 72 Tm (WRIT OF SUMMONS) Tj ET"
    else:
        content = b"BT /F1 24 Tf 72 810 Td (WRIT OF SUMMONS) Tj ET"
    pdf.pages.append(
        pikepdf.Page(
            Dictionary(
                Type=Name.Page,
                MediaBox=Array([0, 0, 595, 842]),
                Resources=Dictionary(Font=Dictionary(F1=font)),
                Contents=pdf.make_stream(content),
            )
        )
    )
    if rotate:
        pdf.pages[0].Rotate = rotate
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_page_whose_boxes_do_not_start_at_the_origin_keeps_what_the_crop_box_hid():
    pdf = pikepdf.Pdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    content = (
        b"BT /F1 20 Tf 120 1010 Td (HEADING AT THE TOP) Tj ET BT /F1 20 Tf 120 1036 Td (HIDDEN BY THE CROP) Tj ET"
    )
    pdf.pages.append(
        pikepdf.Page(
            Dictionary(
                Type=Name.Page,
                MediaBox=Array([100, 200, 695, 1042]),
                CropBox=Array([110, 210, 685, 1032]),
                TrimBox=Array([120, 220, 675, 1022]),
                Resources=Dictionary(Font=Dictionary(F1=font)),
                Contents=pdf.make_stream(content),
            )
        )
    )
    out = io.BytesIO()
    pdf.save(out)
    original = out.getvalue()
    sealed = seal_pdf(original, make_stamp())
    # 575 points wide, narrower than A4: the band is laid out at A4's width and scaled down.
    grow = BAND_HEIGHT_MM * MM * 575 / BAND_MIN_WIDTH_PT
    with pikepdf.open(io.BytesIO(sealed)) as after:
        page = after.pages[0]
        assert box(page, "/CropBox") == pytest.approx((110, 210, 685, 1032 + grow))
        assert box(page, "/MediaBox") == pytest.approx((100, 200, 695, 1042 + grow))
        assert box(page, "/TrimBox") == pytest.approx((120, 220, 675, 1022 + grow))
        assert band_rect(page) == pytest.approx((110, 1032, 685, 1032 + grow))
        assert clip_of(page) == pytest.approx((110, 210, 685, 1032)), "what the crop box hid stays hidden"
    text = PdfReader(io.BytesIO(sealed)).pages[0].extract_text()
    assert "HEADING AT THE TOP" in text and "Page 1 of 1" in text


def test_pages_of_different_sizes_share_one_band_per_width():
    pdf = pikepdf.Pdf.open(io.BytesIO(seal_source()))
    other = pikepdf.Pdf.open(io.BytesIO(seal_source()))
    pdf.pages.extend([other.pages[0], other.pages[0]])
    pdf.pages[1].mediabox = Array([0, 0, 842, 595])  # landscape
    out = io.BytesIO()
    pdf.save(out)
    sealed = seal_pdf(out.getvalue(), make_stamp())
    with pikepdf.open(io.BytesIO(sealed)) as after:
        forms = [
            page.obj.Resources.XObject[
                next(ops[0] for ops, op in pikepdf.parse_content_stream(page.obj.Contents[0]) if str(op) == "Do")
            ].objgen
            for page in after.pages
        ]
        assert forms[0] == forms[2] != forms[1]
        assert band_rect(after.pages[1]) == pytest.approx((0, 595, 842, 595 + BAND_HEIGHT_MM * MM))
    for number in (1, 2, 3):
        assert f"Page {number} of 3" in PdfReader(io.BytesIO(sealed)).pages[number - 1].extract_text()


def test_the_first_page_band_grows_to_carry_the_case_access_codes(affidavit):
    """The sealed originating document: page 1's band is taller by a line per defendant and carries
    each one's code (filing/joining.py); the other pages keep the usual band, without the codes."""
    from filing.joining import seal_code_line
    from filing.seal_band import first_band_height_mm

    codes = {"CHAN Tai Man": "7K3MQ9TX4HRP", "GOLDEN HARBOUR LIMITED": "Q9TX4HRP7K3M"}
    lines = tuple(
        seal_code_line(
            ordinal=number, several=True, role_en="Defendant", role_zh="被告人", name_en=name, name_zh="", code=code
        )
        for number, (name, code) in enumerate(codes.items(), start=1)
    )
    sealed = seal_pdf(affidavit, make_stamp(access_codes=lines))
    tall = first_band_height_mm(2) * MM
    with pikepdf.open(io.BytesIO(affidavit)) as before, pikepdf.open(io.BytesIO(sealed)) as after:
        for index, grow in enumerate([tall, BAND_HEIGHT_MM * MM]):
            x0, y0, x1, top = box(before.pages[index], "/MediaBox")
            assert box(after.pages[index], "/MediaBox") == pytest.approx((x0, y0, x1, top + grow))
            assert band_rect(after.pages[index]) == pytest.approx((x0, top, x1, top + grow))
            assert clip_of(after.pages[index]) == pytest.approx((x0, y0, x1, top))
            label = [run for run in text_runs(sealed, index) if run[0].startswith("Page ")]
            [(_text, _x, baseline, _size)] = label
            assert top + grow - 6 * MM < baseline < top + grow, "page n of m stays on the band's first line"
    first, second = (" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(sealed)).pages)
    assert "1st Defendant 第一被告人 CHAN Tai Man: 7K3M-Q9TX-4HRP" in first
    assert "2nd Defendant 第二被告人 GOLDEN HARBOUR LIMITED: Q9TX-4HRP-7K3M" in first
    assert "Page 1 of 2" in first and "AFFIDAVIT" in first
    assert "Case access code" not in second and "Page 2 of 2" in second
