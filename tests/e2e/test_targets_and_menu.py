"""Phones: the navigation folds behind a menu that works without JavaScript, and every control
(button, field, checkbox, radio, summary, navigation link) is at least 44 by 44 CSS px on a phone,
and every target 24 by 24 everywhere (WCAG 2.5.8; issue 17 item 7, issue 20 item 8). Links inside
running text are exempt, as WCAG exempts them."""

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.layout import DESKTOP, PHONE, seed_fee_schedule, sign_in, too_small
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_the_concession_period")]

PUBLIC_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/payments/fees/", "/cause-book/", "/registry-hours/"]
SIGNED_IN_PAGES = ["/account/", "/filing/", "/filing/new/DCPI/"]


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_menu_folds_on_a_phone_and_opens_without_javascript(browser: Browser, live_server, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + "/")
    nav = page.get_by_role("navigation", name="Main")
    menu = nav.locator("summary")
    fees = nav.get_by_role("link", name="Fees")
    expect(menu).to_be_visible()
    expect(menu).to_have_text("Menu")
    expect(fees).to_be_hidden()
    menu.click()
    expect(fees).to_be_visible()
    box = fees.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44
    fees.click()
    page.wait_for_url("**/payments/fees/")
    expect(nav.locator("summary")).to_be_visible()  # folded again on the next page
    context.close()


def test_the_menu_is_always_open_on_a_desktop(browser: Browser, live_server):
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + "/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator("summary")).to_be_hidden()
    for name in ("Home", "Registry hours", "Cause book", "Fees", "Sign in", "Register"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    home = nav.get_by_role("link", name="Home")
    for _ in range(8):  # the skip link, the language switch, …, then the menu's first link
        page.keyboard.press("Tab")
        if home.evaluate("el => el === document.activeElement"):
            break
    expect(home).to_be_focused()
    context.close()


def _check_targets(journey, paths: list[str]) -> None:
    page = journey.page
    problems = {}
    for size, minimum in ((PHONE, 44), (DESKTOP, 24)):
        page.set_viewport_size(size)
        for path in paths:
            journey.visit(path)
            if size == PHONE:
                page.get_by_role("navigation", name="Main").locator("summary").click()  # measure the menu's links too
            small = too_small(page, controls=minimum)
            if small:
                problems[f"{path} at {size['width']} px (minimum {minimum})"] = [
                    f"{t.what}: {t.width:.0f}x{t.height:.0f}" for t in small
                ]
    assert not problems, "targets too small:\n" + "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_every_control_on_public_pages_is_big_enough(journey):
    seed_fee_schedule()
    _check_targets(journey, PUBLIC_PAGES)


def test_every_control_on_signed_in_pages_is_big_enough(journey):
    user = UserFactory(email="targets@example.hk")
    sign_in(journey.page, journey.base_url, user)
    _check_targets(journey, SIGNED_IN_PAGES)
