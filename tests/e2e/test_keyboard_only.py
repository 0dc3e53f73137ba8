"""Keyboard only (WCAG 2.1.1, 2.1.2, 2.4.1, 2.4.7, 2.4.11): a newcomer registers, starts a DCPI
case, pays the fee by card on the sandbox gateway and downloads the acknowledgement, using only
Tab, Shift+Tab, Enter, Space, the arrow keys and typing into the focused field.

The only other inputs are what is not the page's: opening the link in the confirmation email,
and choosing a file in the browser's own file chooser (which Space on the file input opens).
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import FileChooser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from filing.models import Submission
from payments.models import PaymentOrder
from tests.e2e.keyboard import assert_focus_is_visible, assert_no_keyboard_trap, choose, tab_to, type_into
from tests.filing.pdf_corpus import good_pdf

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "keyboard.user@example.hk"
PASSWORD = "a-long-passphrase-for-icms-2026"


@pytest.fixture
def gateway_and_storage(live_server, settings, tmp_path, celery_eager):
    settings.PAYMENT_CALLBACK_BASE_URL = live_server.url
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


def _press_and_load(journey, key: str = "Enter") -> None:
    with journey.page.expect_navigation():
        journey.page.keyboard.press(key)
    journey.check_page()


def open_file_chooser(page: Page) -> FileChooser:
    """Space on the focused file input opens the chooser. On a busy machine Chromium has
    been seen to drop the first press (the suite, two workers, two cores): press again,
    still from the keyboard, before giving up."""
    for attempt in range(3):
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Space")
            return chooser.value
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def test_register_file_pay_and_download_with_the_keyboard_only(journey, gateway_and_storage, tmp_path):
    page = journey.page
    page.set_viewport_size({"width": 1280, "height": 800})
    journey.visit("/")

    # The first Tab reaches the skip link, and Enter moves focus to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    assert_focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    # Register.
    tab_to(page, page.get_by_role("link", name="Register"), backwards=True)
    _press_and_load(journey)
    given_names = page.get_by_label("Given names (English)")
    if given_names.count():  # the registration form asks for the name where it has the fields
        type_into(page, given_names, "Ka Yan")
        type_into(page, page.get_by_label("Surname (English)"), "LAM")
    type_into(page, page.get_by_label("Email"), EMAIL)
    type_into(page, page.get_by_label("Password", exact=False).first, PASSWORD)
    type_into(page, page.get_by_label(re.compile("again", re.I)), PASSWORD)
    tab_to(page, page.get_by_role("button", name="Register"))
    _press_and_load(journey)
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    # Confirm the address from the email (following a link in a mail program), then sign in.
    message = next(m for m in mail.outbox if m.to == [EMAIL])
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    journey.visit(re.sub(r"^https?://[^/]+", "", link))
    tab_to(page, page.get_by_role("button", name="Confirm"))
    _press_and_load(journey)
    if "/accounts/login/" in page.url:
        type_into(page, page.get_by_label("Email"), EMAIL)
        type_into(page, page.get_by_label("Password"), PASSWORD)
        tab_to(page, page.get_by_role("button", name="Sign In"))
        _press_and_load(journey)

    # Start a DCPI case.
    tab_to(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="File documents"))
    _press_and_load(journey)
    tab_to(page, page.get_by_role("link", name=re.compile(r"DCPI Personal Injuries Action")))
    _press_and_load(journey)
    type_into(page, page.get_by_label("Nature of the claim (English)"), "Personal injuries: fall on a minibus")
    plaintiff = page.locator("[data-party-side=applicant] [data-party-row]").first
    type_into(page, plaintiff.get_by_label("Name in English"), "LAM Ka Yan")
    type_into(page, plaintiff.get_by_label("Address for service"), "Flat B, 3/F, 8 Shing Mun Road, Tsuen Wan")
    defendant = page.locator("[data-party-side=respondent] [data-party-row]").first
    type_into(page, defendant.get_by_label("Name in English"), "GREEN MINIBUS COMPANY LIMITED")
    respondent_kind = defendant.get_by_label("The party is")
    choose(page, respondent_kind, respondent_kind.locator("option[value=company]").inner_text().strip())
    row = page.locator("[data-document-row]").first
    choose(page, row.get_by_label("Document type"), "Writ of summons")
    writ = tmp_path / "writ.pdf"
    writ.write_bytes(good_pdf(2))
    tab_to(page, row.get_by_label("PDF file"))
    open_file_chooser(page).set_files(str(writ))
    tab_to(page, page.get_by_role("button", name="Continue to review"))
    with page.expect_navigation(url=re.compile(r"/filing/drafts/\d+/review/$")):
        page.keyboard.press("Enter")
    journey.check_page()

    # The review page: everything to check, then Submit, by keyboard too.
    expect(page.get_by_text("GREEN MINIBUS COMPANY LIMITED")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Submit"))
    with page.expect_navigation(url=re.compile(r"/filing/submissions/ES-[A-Z0-9-]+/\?new=1$")):
        page.keyboard.press("Enter")
    journey.check_page()
    expect(page.get_by_text("Your submission has been received.")).to_be_visible()

    # Pay by card on the sandbox gateway.
    tab_to(page, page.get_by_role("button", name="Pay the fee"))
    _press_and_load(journey)
    tab_to(page, page.get_by_role("button", name="Pay by card"))
    _press_and_load(journey)
    expect(page).to_have_url(re.compile(r"/sandbox-gateway/pay/"))
    stops = assert_no_keyboard_trap(page)  # Tab goes round and out of the gateway's page
    assert any("Pay HK$" in stop for stop in stops), stops
    tab_to(page, page.get_by_role("button", name=re.compile(r"^Pay HK\$")))
    with page.expect_navigation(url=re.compile(r"/return/$")):
        page.keyboard.press("Enter")
    journey.check_page()
    expect(page.get_by_text("Payment received", exact=True)).to_be_visible()
    submission = Submission.objects.get()
    assert PaymentOrder.objects.get(purpose="submission", purpose_ref=submission.reference).status == "paid"

    # Back to the submission, and download the acknowledgement.
    tab_to(page, page.get_by_role("link", name="Continue"))
    _press_and_load(journey)
    acknowledgement = page.get_by_role("link", name="Download the acknowledgement (PDF)")
    tab_to(page, acknowledgement)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
