"""Issue 17's "Done when": in Chinese, on a 390 x 844 phone, a newcomer registers, verifies their
email, files a new personal injuries case, pays the fee by card, and, once the registry has
accepted it, downloads the sealed copy. Every page is checked with axe-core, and a screenshot
of each step is kept under $ICMS_TEST_ARTEFACTS (default var/test-artefacts/)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from filing.models import Submission
from filing.services import filing_accept
from payments.models import PaymentOrder
from tests.clock import once_received_in_law
from tests.e2e.layout import PHONE, seed_fee_schedule
from tests.factories import StaffFactory
from tests.filing.pdf_corpus import good_pdf

# The fees are concession-period amounts (Cap. 638E, to 5 May 2027): pin a day inside it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_the_concession_period")]

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "lam.kayan@example.hk"
PASSWORD = "a-long-passphrase-for-icms-2026"


@pytest.fixture
def artefacts() -> Path:
    directory = (
        Path(os.environ.get("ICMS_TEST_ARTEFACTS") or ROOT / "var" / "test-artefacts") / "phone-chinese-journey"
    )
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.png"):
        old.unlink()
    return directory


@pytest.fixture
def filing_by_phone(live_server, settings, document_storage, celery_eager):
    settings.PAYMENT_CALLBACK_BASE_URL = live_server.url
    seed_fee_schedule()


class Steps:
    """Screenshots, numbered in the order they were taken."""

    def __init__(self, page: Page, directory: Path) -> None:
        self.page, self.directory, self.count = page, directory, 0

    def shot(self, name: str) -> None:
        self.count += 1
        self.page.screenshot(path=str(self.directory / f"{self.count:02d}-{name}.png"), full_page=True)


def _fill_if_present(page: Page, name: str, value: str) -> None:
    field = page.locator(f"main [name={name}]")
    if field.count():
        field.fill(value)


def _open_menu(page: Page) -> None:
    menu = page.get_by_role("navigation", name="主選單").locator("summary")
    expect(menu).to_be_visible()  # folded on a phone
    menu.click()


def test_in_chinese_on_a_phone_from_registration_to_the_sealed_copy(journey, filing_by_phone, artefacts, tmp_path):
    page = journey.page
    page.set_viewport_size(PHONE)
    steps = Steps(page, artefacts)

    # 1. Chinese, then register.
    journey.visit("/")
    page.get_by_role("button", name="繁體中文").click()
    page.wait_for_load_state("load")
    journey.check_page()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-HK")
    steps.shot("home")
    _open_menu(page)
    steps.shot("menu")
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="登記", exact=True).click()
    page.wait_for_load_state("load")
    journey.check_page()
    _fill_if_present(page, "first_name", "Ka Yan")
    _fill_if_present(page, "last_name", "LAM")
    _fill_if_present(page, "name_zh", "林嘉欣")
    page.locator("main [name=email]").fill(EMAIL)
    page.locator("main [name=password1]").fill(PASSWORD)
    page.locator("main [name=password2]").fill(PASSWORD)
    steps.shot("register")
    page.get_by_role("button", name="登記", exact=True).click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    journey.check_page()
    steps.shot("check-your-email")

    # 2. Verify the email address from the link the portal sent.
    message = next(m for m in mail.outbox if m.to == [EMAIL])
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    journey.visit(re.sub(r"^https?://[^/]+", "", link))
    steps.shot("confirm-email")
    page.get_by_role("button", name="確認").click()
    page.wait_for_load_state("load")
    journey.check_page()
    if "/accounts/login/" in page.url:
        page.locator("main [name=login]").fill(EMAIL)
        page.locator("main [name=password]").fill(PASSWORD)
        page.get_by_role("button", name="登入").click()
        page.wait_for_load_state("load")
        journey.check_page()
    steps.shot("signed-in")

    # 3. File a new personal injuries case.
    _open_menu(page)
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="存檔文件").click()
    page.wait_for_load_state("load")
    journey.check_page()
    steps.shot("file-start")
    page.get_by_role("link", name=re.compile(r"DCPI")).first.click()
    page.wait_for_load_state("load")
    journey.check_page()
    page.locator("#id_case-nature_en").fill("Personal injuries: fall on a minibus")
    page.locator("#id_case-applicants-0-name_en").fill("LAM Ka Yan")
    page.locator("#id_case-applicants-0-name_zh").fill("林嘉欣")
    page.locator("#id_case-applicants-0-address_for_service").fill("荃灣城門道8號3樓B室")
    page.locator("#id_case-respondents-0-name_en").fill("GREEN MINIBUS COMPANY LIMITED")
    page.locator("#id_case-respondents-0-kind").select_option("company")
    writ = tmp_path / "writ.pdf"
    writ.write_bytes(good_pdf(2))
    row = page.locator("[data-document-row]").first
    kind = row.get_by_label("文件類別")
    writ_value = kind.locator("option").filter(has_text=re.compile("令狀|Writ")).first.get_attribute("value")
    kind.select_option(writ_value)
    row.get_by_label("PDF 檔案").set_input_files(str(writ))
    row.get_by_label(re.compile("標題")).fill("Writ of summons")
    steps.shot("filing-form")
    page.get_by_role("button", name=re.compile("^(繼續並檢查|Continue to review)$")).click()
    page.wait_for_url(re.compile(r"/filing/drafts/\d+/review/$"))
    journey.check_page()
    steps.shot("review")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/filing/submissions/ES-[A-Z0-9-]+/\?new=1$"))
    journey.check_page()
    expect(page.get_by_text("你的提交已經收到。")).to_be_visible()
    steps.shot("received")

    # 4. Pay the fee by card in the sandbox gateway.
    page.get_by_role("button", name="繳付費用").click()
    page.wait_for_url(re.compile(r"/payments/order/"))
    journey.check_page()
    steps.shot("payment-order")
    page.get_by_role("button", name="以信用卡或扣賬卡付款").click()
    page.wait_for_url(re.compile(r"/sandbox-gateway/pay/"))
    journey.check_page()
    steps.shot("sandbox-gateway")
    page.get_by_role("button", name=re.compile(r"^(繳付港幣|Pay HK\$)")).click()
    page.wait_for_url(re.compile(r"/return/$"))
    journey.check_page()
    expect(page.get_by_text("已收到付款", exact=True)).to_be_visible()
    steps.shot("paid")
    submission = Submission.objects.get()
    assert PaymentOrder.objects.get(purpose="submission", purpose_ref=submission.reference).status == "paid"

    # 5. The registry accepts the filing; the sealed copy arrives in the message box.
    with once_received_in_law(submission):
        filing_accept(submission=submission, clerk=StaffFactory(), accepted_without_opening=True)
    journey.visit("/")
    _open_menu(page)
    page.get_by_role("navigation", name="主選單").get_by_role("link", name=re.compile("^訊息箱")).click()
    page.wait_for_load_state("load")
    journey.check_page()
    steps.shot("message-box")
    page.get_by_role("main").get_by_role("link", name=re.compile(submission.reference)).first.click()
    page.wait_for_load_state("load")
    journey.check_page()
    expect(page.get_by_role("heading", name="蓋印文本")).to_be_visible()
    steps.shot("sealed-copy-message")
    with page.expect_download() as download:
        page.get_by_role("link", name="Writ of summons").click()
    assert download.value.suggested_filename.endswith("-sealed.pdf")
    sealed = artefacts / download.value.suggested_filename
    download.value.save_as(sealed)
    assert sealed.read_bytes()[:5] == b"%PDF-"
    assert steps.count >= 12
