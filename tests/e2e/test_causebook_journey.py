"""A member of the public searches the cause book in Chinese and sees how many cases match.

The later steps of the journey in issue 7 (paying the search fee in the sandbox, seeing
the results and inspecting a public document) join this test when the search fee's
checkout and public inspection are wired (see docs/causebook.md).
"""

import pytest
from playwright.sync_api import expect

from tests.causebook.conftest import make_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_of_the_public_searches_a_chinese_name_and_sees_the_count(journey):
    golden = ("GOLDEN HARBOUR DECORATION ENGINEERING LIMITED", "金港裝飾工程有限公司")
    make_case("DCCJ", 1204, 2026, ("CHAN Tai Man", "陳大文"), golden)
    make_case("DCCJ", 77, 2025, ("WONG Tai Man", "黃大文"), ("HING FAT LIMITED", "興發有限公司"))
    page = journey.page
    journey.visit("/")
    page.get_by_role("button", name="繁體中文").click()
    journey.check_page()
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="訴訟登記冊").click()
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("搜尋訴訟登記冊")

    page.get_by_label("訴訟方名稱或案件編號").fill("大文")
    page.get_by_role("button", name="搜尋", exact=True).click()
    journey.check_page()
    expect(page.get_by_role("heading", level=2, name="2 宗案件相符")).to_be_visible()
    # Before payment the cases themselves are not shown.
    expect(page.get_by_text("DCCJ 1204/2026")).to_have_count(0)
    expect(page.get_by_role("button", name="繳付搜尋費")).to_be_visible()
    assert "q=%E5%A4%A7%E6%96%87" in page.url  # a shareable address
