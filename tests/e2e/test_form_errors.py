"""Errors in a real browser: focus lands on the error summary with no script, the title says so,
each error names its party, and the password rules are the password field's description."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _active_element(page) -> dict:
    return page.evaluate(
        "() => ({cls: document.activeElement.className, tag: document.activeElement.tagName,"
        " name: document.activeElement.getAttribute('aria-labelledby')})"
    )


def test_a_failed_sign_in_focuses_the_error_summary_and_the_title_says_error(journey):
    UserFactory(email="someone@example.hk")
    page = journey.page
    journey.visit("/accounts/login/")
    assert not page.title().startswith("Error")
    page.get_by_label("Email").fill("someone@example.hk")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("load")
    journey.check_page()
    assert page.title().startswith("Error: ")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert _active_element(page)["cls"] == "error-summary"
    # The summary is named by its heading, and its link moves to the field.
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Email")).to_be_focused()


def test_focus_is_on_the_summary_with_javascript_off(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state("load")
    assert page.title().startswith("Error: ")
    expect(page.locator(".error-summary")).to_be_focused()
    context.close()


def test_the_password_rules_describe_the_password_field(journey):
    page = journey.page
    journey.visit("/accounts/signup/")
    password = page.locator("#id_password1")
    described_by = password.get_attribute("aria-describedby")
    assert described_by and "id_password1_helptext" in described_by.split()
    rules = page.locator("#id_password1_helptext")
    assert rules.evaluate("e => e.tagName") == "DIV"
    expect(rules.locator("li").first).to_be_visible()
    expect(password).to_have_accessible_description(re.compile("at least .* characters", re.S))


def test_a_dcpi_form_names_the_party_of_each_missing_name(journey, party_in_person):
    from tests.factories import PASSWORD

    page = journey.page
    journey.visit("/accounts/login/")
    page.get_by_label("Email").fill(party_in_person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/account/$"))
    journey.check_page()
    journey.visit("/filing/new/DCPI/")
    page.get_by_label("Nature of the claim (English)").fill("Injury at work")
    # A party in person is the plaintiff, named as at registration (not asked again): clear it here.
    applicant = page.locator("#id_case-applicants-0-name_en")
    expect(applicant).to_have_value("CHAN Tai Man")
    applicant.fill("")
    page.get_by_role("button", name="Continue to review").click()
    page.wait_for_load_state("load")
    journey.check_page()
    assert page.title().startswith("Error: ")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile(r"^Name in English: Plaintiff 1: "))).to_have_count(1)
    expect(summary.get_by_role("link", name=re.compile(r"^Name in English: Defendant 1: "))).to_have_count(1)
    defendant = page.locator("#id_case-respondents-0-name_en")
    expect(defendant).to_have_attribute("aria-invalid", "true")
    expect(defendant).to_have_accessible_description(re.compile(r"Error: Defendant 1: "))
    summary.get_by_role("link", name=re.compile("Defendant")).click()
    expect(defendant).to_be_focused()
