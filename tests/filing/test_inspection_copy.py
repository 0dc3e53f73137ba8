from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from filing.inspection_copy import inspection_copy
from tests.filing.pdf_corpus import good_pdf

HKT = ZoneInfo("Asia/Hong_Kong")


def test_every_page_carries_the_inspection_mark_with_the_time():
    source = good_pdf(3)
    copy = inspection_copy(source, made_at=datetime(2026, 11, 25, 17, 20, tzinfo=HKT), case_number="DCCJ 1204/2026")
    pages = PdfReader(BytesIO(copy)).pages
    assert len(pages) == 3
    for page in pages:
        text = page.extract_text()
        assert "INSPECTION COPY" in text
        assert "2026" in text
    assert copy != source


def test_a_rotated_page_is_marked_too():
    copy = inspection_copy(good_pdf(1, rotate=90), made_at=datetime(2026, 11, 25, 9, 0, tzinfo=HKT), case_number="")
    assert "INSPECTION COPY" in PdfReader(BytesIO(copy)).pages[0].extract_text()
