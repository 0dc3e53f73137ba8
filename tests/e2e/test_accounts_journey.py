"""A newcomer registers, verifies through the email the portal sent, signs in, and reads the dashboard in Chinese."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-passphrase-for-icms-2026"


def test_register_verify_sign_in_and_see_the_dashboard_in_chinese(journey):
    page = journey.page
    journey.visit("/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register for an iCMS account")
    expect(page.get_by_text("Personal Information Collection Statement")).to_be_visible()
    page.get_by_label("Given names (English)").fill("Tai Man")
    page.get_by_label("Surname (English)").fill("Chan")
    page.get_by_label("Name in Chinese").fill("陳大文")
    page.get_by_label("Email").fill("newcomer@example.hk")
    page.get_by_label("Password", exact=False).first.fill(PASSWORD)
    page.get_by_label(re.compile("again", re.I)).fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    journey.check_page()

    message = next(m for m in mail.outbox if m.to == ["newcomer@example.hk"])
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    journey.visit(re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state("load")
    journey.check_page()

    if "/accounts/login/" in page.url:
        page.get_by_label("Email").fill("newcomer@example.hk")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state("load")
        journey.check_page()
    journey.visit("/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your dashboard")
    expect(page.get_by_text("This account may file documents.")).to_be_visible()

    page.get_by_role("button", name="繁體中文").click()
    page.wait_for_url(re.compile(r"/account/$"))
    journey.check_page()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-HK")
    expect(page.get_by_role("heading", level=1)).to_have_text("你的個人主頁")
    expect(page.get_by_text("此帳戶可提交文件。")).to_be_visible()
    expect(page.get_by_role("link", name="個人主頁")).to_have_attribute("aria-current", "page")


def test_the_dashboard_fits_a_phone(journey, django_user_model):
    from tests.factories import PASSWORD as FACTORY_PASSWORD
    from tests.factories import UserFactory

    user = UserFactory(email="phone@example.hk")
    page = journey.page
    page.set_viewport_size({"width": 360, "height": 740})
    journey.visit("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(FACTORY_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/account/$"))
    journey.check_page()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
