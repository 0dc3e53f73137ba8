"""Issue 7's browser journey, in Chinese, as an anonymous member of the public.

They search the cause book for a party name in Chinese and see the count free of
charge; pay the search fee by card in the sandbox gateway and see the results for 24
hours; open a case from the results and see only the documents open to public
inspection; pay the inspection fee the same way and download the watermarked
inspection copy. Every page is checked with axe-core and for CSP violations.
"""

import re
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from causebook.models import InspectionPurchase, SearchPurchase
from filing.models import Party
from filing.services import DocumentUpload, filing_accept, submission_create, submission_documents_seal
from icms.core.models import AuditEvent
from icms.core.rendering import format_datetime_en, format_datetime_zh
from payments.models import PaymentOrder, Receipt
from tests.causebook.conftest import make_case
from tests.clock import once_received_in_law
from tests.factories import StaffFactory, UserFactory
from tests.filing.conftest import document_type, pdf_file

# The fees are concession-period amounts (Cap. 638E, to 5 May 2027): pin a day inside it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_the_concession_period")]

GOLDEN = ("GOLDEN HARBOUR DECORATION ENGINEERING LIMITED", "金港裝飾工程有限公司")
PUBLIC_TITLE = "Statement of claim of CHAN Tai Man"
RESTRICTED_TITLE = "Affirmation of CHAN Tai Man on his CONFIDENTIAL means"


@pytest.fixture
def paying(live_server, settings, tmp_path, celery_eager):
    """Gateway callbacks over real HTTP to the live server; documents and receipts on disk."""
    settings.PAYMENT_CALLBACK_BASE_URL = live_server.url
    location = tmp_path / "media"
    location.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": location}},
    }


@pytest.fixture
def dccj_case(paying):
    """DCCJ 1204/2026 (CHAN Tai Man 陳大文 v Golden Harbour) with one document open to public
    inspection and one that is not, and a second case whose party shares the name 大文."""
    target = make_case("DCCJ", 1204, 2026, ("CHAN Tai Man", "陳大文"), GOLDEN)
    make_case("DCCJ", 77, 2025, ("WONG Tai Man", "黃大文"), ("HING FAT LIMITED", "興發有限公司"))
    plaintiff = UserFactory()  # files into the case, so must be a party to it
    target.parties.filter(side=Party.Side.APPLICANT).update(user=plaintiff)
    submission = submission_create(
        user=plaintiff,
        case=target,
        uploads=[
            DocumentUpload(document_type("DCCJ", "statement_of_claim"), PUBLIC_TITLE, pdf_file(2)),
            DocumentUpload(document_type("DCCJ", "affirmation"), RESTRICTED_TITLE, pdf_file(1)),
        ],
    )
    with once_received_in_law(submission):
        filing_accept(submission=submission, clerk=StaffFactory(), accepted_without_opening=True)
    submission_documents_seal(submission_id=submission.pk)  # idempotent: the task may have sealed them already
    documents = {d.title: d for d in submission.documents.all()}
    assert documents[PUBLIC_TITLE].public_inspection and not documents[RESTRICTED_TITLE].public_inspection
    return target


def _pay_by_card_in_the_sandbox(journey, *, amount: str) -> None:
    """From an order's pay page: pay by card on the sandbox gateway's hosted page and come back."""
    page: Page = journey.page
    page.get_by_role("button", name="以信用卡或扣賬卡付款").click()
    page.wait_for_url(re.compile(r"/sandbox-gateway/pay/"))
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"港幣 {amount}")
    page.get_by_role("button", name=f"繳付港幣 {amount}").click()
    page.wait_for_url(re.compile(r"/payments/order/[^/]+/return/$"))
    journey.check_page()
    expect(page.get_by_text("已收到付款", exact=True)).to_be_visible()
    expect(page.get_by_text(f"我們已收到你繳付的港幣 {amount}，多謝。")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^下載收據 R\d{4}-\d{6}（PDF）$"))).to_be_visible()


def _summary_value(page: Page, label: str):
    """The <dd> after a summary list's <dt>label</dt>."""
    return page.locator("dt", has_text=label).locator("xpath=following-sibling::dd[1]")


def _expect_fee(journey, *, item: str) -> None:
    """The order page quotes the District Court fee: HK$18.00 standard, HK$14.00 through iCMS."""
    page: Page = journey.page
    expect(page.get_by_role("heading", level=1)).to_have_text("繳付法院費用")
    fees = page.locator(".fee-table")
    expect(fees).to_contain_text(item)
    expect(fees.locator("tfoot")).to_contain_text("HK$18.00")
    expect(fees.locator("tfoot")).to_contain_text("HK$14.00")
    expect(fees.locator("tfoot")).to_contain_text("HK$4.00")


def test_a_member_of_the_public_searches_in_chinese_pays_and_inspects_a_public_document(journey, dccj_case):
    page = journey.page
    journey.visit("/")
    page.get_by_role("button", name="繁體中文").click()
    journey.check_page()
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="訴訟登記冊").click()
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("搜尋訴訟登記冊")

    # 1. The count is free; the cases themselves are not shown before payment.
    page.get_by_label("訴訟方名稱或案件編號").fill("大文")
    page.get_by_role("button", name="搜尋", exact=True).click()
    journey.check_page()
    expect(page.get_by_role("heading", level=2, name="2 宗案件相符")).to_be_visible()
    expect(page.get_by_text("DCCJ 1204/2026")).to_have_count(0)
    assert "q=%E5%A4%A7%E6%96%87" in page.url  # a shareable address

    # 2. Pay the search fee by card in the sandbox.
    page.get_by_role("button", name="繳付查冊費").click()
    page.wait_for_url(re.compile(r"/payments/order/[^/]+/$"))
    journey.check_page()
    _expect_fee(journey, item="查閱訴訟登記冊或案件檔案（每個檔案）")
    expect(_summary_value(page, "用途")).to_have_text("查冊：「大文」")  # what was searched, not a key
    _pay_by_card_in_the_sandbox(journey, amount="14.00")

    search_purchase = SearchPurchase.objects.get()
    search_order = PaymentOrder.objects.get(purpose="search")
    assert search_order.purpose_ref == str(search_purchase.pk)
    assert search_order.status == "paid" and search_order.payer is None
    assert search_order.amount == 14 and search_order.court_level == "DC"
    assert search_purchase.user is None
    assert search_purchase.paid_at == search_order.received_at
    assert search_purchase.expires_at - search_purchase.paid_at == timedelta(hours=24)
    assert abs(search_purchase.expires_at - (timezone.now() + timedelta(hours=24))) < timedelta(minutes=5)
    assert search_purchase.payment_reference == search_order.reference

    # 3. Continue to the bought result set: the cases, their parties and the access expiry.
    page.get_by_role("link", name="繼續").click()
    page.wait_for_url(re.compile(rf"/cause-book/purchases/{re.escape(search_purchase.token)}/$"))
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("已付費的訴訟登記冊搜尋")
    expect(page.get_by_role("heading", level=2, name="2 宗案件相符")).to_be_visible()
    results = page.locator(".results__list")
    expect(results.get_by_role("link", name="DCCJ 1204/2026")).to_be_visible()
    expect(results.get_by_role("link", name="DCCJ 77/2025")).to_be_visible()
    for name in ("CHAN Tai Man", "陳大文", GOLDEN[0], GOLDEN[1], "WONG Tai Man", "黃大文"):
        expect(results).to_contain_text(name)
    expires = page.locator("dt", has_text="可查閱至").locator("xpath=following-sibling::dd[1]/time")
    expires_at = timezone.localtime(search_purchase.expires_at).isoformat(timespec="milliseconds")
    expect(expires).to_have_attribute("datetime", expires_at)
    expect(expires).to_have_text(re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$"))  # 2026年11月26日 19:06
    expect(page.get_by_text(search_order.reference)).to_be_visible()
    expect(page.get_by_role("button", name="繳付查冊費")).to_have_count(0)

    # 4. The case page, opened from the results with the token: only the public document.
    results.get_by_role("link", name="DCCJ 1204/2026").click()
    page.wait_for_url(re.compile(rf"/cause-book/cases/{dccj_case.pk}/\?token={re.escape(search_purchase.token)}$"))
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("DCCJ 1204/2026")
    expect(page.get_by_role("heading", level=2, name="公開讓公眾查閱的文件")).to_be_visible()
    index = page.get_by_role("table", name="此案件公開讓公眾查閱的文件")
    expect(index.locator("tbody tr")).to_have_count(1)
    expect(index).to_contain_text(PUBLIC_TITLE)
    expect(index).to_contain_text("申索陳述書")
    assert "CONFIDENTIAL" not in page.content()
    assert "Affirmation" not in page.content() and "誓章" not in page.content()
    expect(page.get_by_role("button", name=re.compile(r"^查閱"))).to_have_count(1)

    # 5. Inspect the public document: the inspection fee, by card in the sandbox.
    page.get_by_role("button", name=f"查閱 {PUBLIC_TITLE}", exact=True).click()  # a space before the title
    page.wait_for_url(re.compile(r"/payments/order/[^/]+/$"))
    journey.check_page()
    _expect_fee(journey, item="查閱可供公眾查閱的文件（每份文件）")
    expect(_summary_value(page, "用途")).to_have_text(f"查閱文件：「{PUBLIC_TITLE}」（DCCJ 1204/2026）")
    _pay_by_card_in_the_sandbox(journey, amount="14.00")

    inspection = InspectionPurchase.objects.select_related("document").get()
    inspection_order = PaymentOrder.objects.get(purpose="inspection")
    assert inspection.document.title == PUBLIC_TITLE and inspection.user is None
    assert inspection_order.purpose_ref == str(inspection.pk)
    assert inspection_order.status == "paid" and inspection_order.payer is None
    assert inspection.paid_at == inspection_order.received_at
    assert inspection.expires_at - inspection.paid_at == timedelta(hours=24)
    assert inspection.payment_reference == inspection_order.reference

    page.get_by_role("link", name="繼續").click()
    page.wait_for_url(re.compile(rf"/cause-book/inspections/{re.escape(inspection.token)}/$"))
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("查閱文件")
    expect(page.locator(".summary-list")).to_contain_text(PUBLIC_TITLE)
    # Until when, in Hong Kong Chinese: 2026年11月26日（星期四）19:06.
    expect(page.locator("body")).to_contain_text(
        re.compile(r"\d{4}年\d{1,2}月\d{1,2}日（星期[一二三四五六日]）\d{2}:\d{2}")
    )
    # The way back: the public may not open the case page without the search's token.
    expect(page.get_by_role("link", name="返回訴訟登記冊搜尋")).to_have_attribute("href", "/cause-book/")

    # 6. The inspection copy: a PDF watermarked on every page with the mark and the date.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下載查閱副本（PDF）").click()
    download = download_info.value
    assert re.fullmatch(r"inspection-copy-[A-Z0-9-]+\.pdf", download.suggested_filename)
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    made = AuditEvent.objects.get(event_type="causebook.inspection_copy_made")
    assert made.actor is None and made.target_id == str(inspection.pk)
    made_at = datetime.fromisoformat(made.after["made_at"])
    pages = PdfReader(BytesIO(data)).pages
    assert len(pages) == 2  # every page of the statement of claim, each one marked
    for text in (p.extract_text() for p in pages):
        assert "INSPECTION COPY · 查閱副本" in text
        assert format_datetime_en(made_at) in text  # e.g. 25 Nov 2026, 19:06:54 HKT
        assert format_datetime_zh(made_at) in text  # e.g. 2026年11月25日 19:06:54（香港時間）
        assert "Not a sealed copy." in text and "DCCJ 1204/2026" in text

    # Both fees are paid, and each anonymous payment has its receipt, numbered and rendered.
    assert set(PaymentOrder.objects.values_list("status", flat=True)) == {"paid"}
    receipts = Receipt.objects.filter(order__in=[search_order, inspection_order])
    assert receipts.count() == 2
    assert all(receipt.storage_key for receipt in receipts)
