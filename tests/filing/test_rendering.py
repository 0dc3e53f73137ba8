"""filing.rendering: the bilingual acknowledgement PDF, in Hong Kong forms and Hong Kong time."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pikepdf
import pytest
from pypdf import PdfReader

from filing.rendering import AcknowledgedDocument, AcknowledgementData, FeeLine, render_acknowledgement
from icms.core import rendering
from icms.core.rendering import format_datetime_en, format_datetime_zh, format_hkd

SHA_A = "3f2a9c1d" * 8
SHA_B = "0123abcd" * 8


def make_data(**overrides) -> AcknowledgementData:
    values = {
        "reference": "SUB-2026-000123",
        # 17:31:02 in Hong Kong: after the registry closed (icms-reference §2).
        "received_at": datetime(2026, 11, 24, 9, 31, 2, tzinfo=UTC),
        "deemed_received_at": datetime(2026, 11, 25, 1, 0, tzinfo=UTC),
        "deemed_rule_en": "Received after 17:30 on a working day: deemed received at 09:00 on the next working day.",
        "deemed_rule_zh": "於工作日下午5時30分後收到：當作於下一個工作日上午9時收到。",
        "documents": [
            AcknowledgedDocument(
                title="Statement of claim", sha256=SHA_A, pages=12, document_type="Statement of Claim 申索陳述書"
            ),
            AcknowledgedDocument(title="List of documents", sha256=SHA_B, pages=3),
        ],
        "court_name_en": "District Court",
        "court_name_zh": "區域法院",
        "case_number": "DCPI 123/2026",
        "filer_name": "陳大文 CHAN Tai Man",
        "fee": FeeLine(
            description_en="Filing a statement of claim",
            description_zh="提交申索陳述書",
            amount=Decimal("1045"),
            status_en="Paid",
            status_zh="已繳付",
        ),
        "issued_at": datetime(2026, 11, 24, 9, 31, 5, tzinfo=UTC),
    }
    return AcknowledgementData(**(values | overrides))


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def acknowledgement() -> bytes:
    return render_acknowledgement(make_data())


def test_a_small_submission_fits_on_one_page(acknowledgement):
    assert len(PdfReader(io.BytesIO(acknowledgement)).pages) == 1


def test_it_shows_both_languages_and_every_fact(acknowledgement):
    text = text_of(acknowledgement)
    for expected in [
        "Acknowledgement of Submission",
        "提交文件確認書",
        "SUB-2026-000123",
        "24 Nov 2026, 17:31:02 HKT",
        "2026年11月24日 17:31:02（香港時間）",
        "25 Nov 2026, 09:00:00 HKT",
        "當作於下一個工作日上午9時收到",
        "DCPI 123/2026",
        "區域法院",
        "Statement of Claim 申索陳述書",
        "3f2a9c1d 3f2a9c1d",
        "HK$1,045.00",
        "已繳付",
        "並不表示文件已獲接納",
    ]:
        assert expected in text, expected


def test_a_pending_deemed_time_says_so_with_its_rule():
    data = make_data(
        deemed_received_at=None,
        deemed_rule_en="The Registry is closed (typhoon signal No. 8). The deemed time is set when it reopens.",
        deemed_rule_zh="登記處因八號颱風信號關閉。當作收件時間將於登記處重開時訂定。",
        case_number="",
        fee=None,
    )
    text = text_of(render_acknowledgement(data))
    assert "Pending" in text and "待定" in text
    assert "八號颱風信號" in text
    assert "assigned on acceptance" in text
    assert "HK$" not in text


def test_the_font_embedded_is_noto_sans_cjk_in_its_hong_kong_forms(acknowledgement):
    with pikepdf.open(io.BytesIO(acknowledgement)) as pdf:
        fonts = list(pdf.pages[0].Resources.Font.values())
        names = {str(font.BaseFont) for font in fonts}
        assert names, "no fonts"
        assert all("Noto-Sans-CJK-HK" in name or "NotoSansCJKhk" in name for name in names), names
        for font in fonts:
            descriptor = font.DescendantFonts[0].FontDescriptor
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), "font not embedded"
    # One face only: bold would embed a second CJK font (see base.css).
    assert len(names) == 1


def test_the_document_language_is_hong_kong_chinese():
    html = rendering.render_to_string("filing/pdf/acknowledgement.html", make_data().template_context())
    assert '<html lang="zh-Hant-HK">' in html


def test_values_are_escaped():
    data = make_data(filer_name="<img src='http://169.254.169.254/latest'>")
    text = text_of(render_acknowledgement(data))
    assert "<img src=" in text


def test_the_renderer_fetches_nothing():
    fetcher = rendering._fetcher()
    for url in ("http://169.254.169.254/latest/meta-data", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)


def test_fonts_and_stylesheets_are_loaded_once_per_process():
    assert rendering.font_configuration() is rendering.font_configuration()
    assert rendering.stylesheet(rendering.BASE_STYLESHEET) is rendering.stylesheet(rendering.BASE_STYLESHEET)


def test_legal_times_must_be_aware():
    with pytest.raises(ValueError):
        make_data(received_at=datetime(2026, 11, 24, 17, 31))  # noqa: DTZ001


def test_digests_must_be_sha256():
    with pytest.raises(ValueError):
        AcknowledgedDocument(title="x", sha256="not-a-digest", pages=1)


def test_times_are_in_hong_kong_across_a_date_boundary():
    moment = datetime(2026, 12, 31, 16, 0, 0, tzinfo=UTC)
    assert format_datetime_en(moment) == "1 Jan 2027, 00:00:00 HKT"
    assert format_datetime_zh(moment) == "2027年1月1日 00:00:00（香港時間）"


def test_amounts_are_hong_kong_dollars_with_cents():
    assert format_hkd(Decimal("1045")) == "HK$1,045.00"
    assert format_hkd(Decimal("0.5")) == "HK$0.50"
