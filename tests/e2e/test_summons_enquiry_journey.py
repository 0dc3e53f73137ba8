"""Issue 15's "Done when" for Enquire Summons: a defendant who is not registered, on a 390 px phone,
enters the summons number and the last four characters of their ID and sees the return day; a wrong
pair gets the message that tells nothing. In English, then in Chinese. Every page is checked with
axe-core and for CSP violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from filing.models import Case
from tests.e2e.layout import PHONE
from tests.filing.summons_world import accept_summons, department_user, file_summons, return_day

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def summons(live_server, document_storage) -> Case:
    submission = accept_summons(file_summons(department_user()), return_at=return_day())
    return Case.objects.select_related("case_type").get(pk=submission.case_id)


def _enquire(page: Page, number: str, last_four: str, *, number_label: str, id_label: str, button: str) -> None:
    page.get_by_label(number_label).fill(number)
    page.get_by_label(id_label).fill(last_four)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("load")


def test_a_defendant_finds_the_return_day_on_a_phone_in_english_and_chinese(journey, summons):
    page = journey.page
    page.set_viewport_size(PHONE)
    typed = f"{summons.case_type.prefix.lower()}{summons.number}/{str(summons.year)[2:]}"  # kcs1/26

    # English: a right pair shows the court, the return day and the courtroom.
    journey.visit("/cause-book/summons/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquire Summons")
    english = {
        "number_label": "Summons number",
        "id_label": "Last four characters of your identity document",
        "button": "Find my summons",
    }
    _enquire(page, typed, "456(3)", **english)
    journey.check_page()
    found = page.locator(".summons-found")
    expect(found).to_contain_text(summons.case_number)
    expect(found).to_contain_text("Kowloon City Magistrates' Courts")
    expect(found).to_contain_text("09:30")
    expect(found).to_contain_text("Court No. 3")
    expect(found).to_contain_text("Depositing litter in a public place")

    # A wrong pair: the one message, and the four characters are not shown again.
    page.get_by_role("link", name="Enquire about another summons").click()
    journey.check_page()
    _enquire(page, typed, "9999", **english)
    journey.check_page()
    expect(page.locator(".error-summary")).to_contain_text("No summons matches that summons number")
    expect(page.get_by_label("Last four characters of your identity document")).to_have_value("")

    # 中文.
    page.get_by_role("button", name="繁體中文").click()
    page.wait_for_load_state("load")
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("查詢傳票")
    chinese = {"number_label": "傳票編號", "id_label": "你的身分證明文件最後四個字元", "button": "查找我的傳票"}
    _enquire(page, summons.case_number, "4563", **chinese)
    journey.check_page()
    found = page.locator(".summons-found")
    expect(found).to_contain_text("九龍城裁判法院")
    expect(found).to_contain_text("第3號法庭")
    expect(found).to_contain_text("在公眾地方棄置垃圾")
    page.get_by_role("link", name="查詢另一張傳票").click()
    journey.check_page()
    _enquire(page, summons.case_number, "0000", **chinese)
    journey.check_page()
    expect(page.locator(".error-summary")).to_contain_text("沒有傳票與該傳票編號")
