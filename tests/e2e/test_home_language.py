"""The first journey: the home page, then the same page in Chinese."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.layout import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

# Each journey runs on a desktop and on a 390 x 844 phone (issue 17 item 7): axe checks every page at both.
WIDTHS = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])


@WIDTHS
def test_home_page_switches_to_chinese_and_stays_on_the_page(journey, size):
    page = journey.page
    page.set_viewport_size(size)
    journey.visit("/")
    expect(page.locator("html")).to_have_attribute("lang", "en-HK")
    expect(page.get_by_role("heading", level=1)).to_have_text("Court services online")
    for service in ("File and receive documents", "Search and inspect", "Cause book and cause lists", "Payments"):
        expect(page.get_by_role("heading", level=3, name=service)).to_be_visible()

    page.get_by_role("button", name="繁體中文").click()
    page.wait_for_url(re.compile(r"/$"))
    journey.check_page()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-HK")
    expect(page.get_by_role("heading", level=1)).to_have_text("網上法院服務")
    expect(page.get_by_role("heading", level=3, name="付款")).to_be_visible()

    page.get_by_role("button", name="English").click()
    journey.check_page()
    expect(page.locator("html")).to_have_attribute("lang", "en-HK")


def test_skip_link_moves_focus_to_main(journey):
    page = journey.page
    journey.visit("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_home_page_fits_a_phone_without_sideways_scrolling(journey):
    page = journey.page
    page.set_viewport_size({"width": 360, "height": 740})
    journey.visit("/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


def test_the_accessibility_check_can_fail(page, axe_source):
    """The harness itself: a page with an unlabelled form field fails the check."""
    from tests.e2e.conftest import Journey

    checker = Journey(page, "http://127.0.0.1", axe_source)
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><input type="text"></main></body></html>'
    )
    with pytest.raises(AssertionError, match="label"):
        checker.check_page()
