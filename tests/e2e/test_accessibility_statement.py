"""The accessibility statement in both languages, its problem report, and the session timeout warning."""

import re

import pytest
from playwright.sync_api import expect

from icms.core.models import AccessibilityReport
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_statement_in_english_and_chinese_and_a_report_from_its_form(journey):
    page = journey.page
    journey.visit("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility").click()
    page.wait_for_url(re.compile(r"/accessibility/$"))
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement for the iCMS portal")
    expect(page.get_by_text("WCAG 2.2 AA", exact=False).first).to_be_visible()

    page.get_by_role("button", name="Send the report").click()
    page.wait_for_load_state("load")
    journey.check_page()
    expect(page.get_by_text("Describe the problem.").first).to_be_visible()

    page.get_by_label("Which page has the problem?").fill("/filing/")
    page.get_by_label("What went wrong?").fill("The focus is lost after an upload.")
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url(re.compile(r"/accessibility/$"))
    journey.check_page()
    expect(page.get_by_text("Thank you. Your report has been sent")).to_be_visible()
    assert AccessibilityReport.objects.get().page == "/filing/"

    page.get_by_role("button", name="繁體中文").click()
    page.wait_for_url(re.compile(r"/accessibility/$"))
    journey.check_page()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-HK")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_the_timeout_warning_appears_before_the_session_ends_and_staying_signed_in_extends_it(journey, settings):
    settings.FILER_SESSION_IDLE_SECONDS = 180
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 60
    user = UserFactory()
    page = journey.page
    page.clock.install()
    journey.visit("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/account/$"))
    journey.check_page()
    expect(page.get_by_text("signed out after 3 minutes without activity")).to_be_visible()
    dialog = page.get_by_role("alertdialog", name="You will be signed out soon")
    expect(dialog).to_have_count(0)

    page.clock.run_for("02:01")  # past the warning, 60 seconds before the end
    expect(dialog).to_be_visible()
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.clock.run_for("00:10")
    with page.expect_response(re.compile(r"/session/extend/$")) as extended:
        page.evaluate("document.querySelector('[data-session-extend]').closest('dialog').showModal()")
        page.keyboard.press("Enter")
    assert extended.value.status == 200
    assert extended.value.json()["expires_in"] == 180
    expect(dialog).to_be_hidden()

    page.clock.run_for("01:50")  # the old end has passed; the extended session has not warned yet
    expect(dialog).to_be_hidden()
    page.clock.run_for("00:15")
    expect(dialog).to_be_visible()
