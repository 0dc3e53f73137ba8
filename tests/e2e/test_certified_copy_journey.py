"""A party in person applies for a certified true copy of their writ, pays in the sandbox gateway,
a registry clerk issues it in the admin, the party downloads it from the message box, and
/verify/ confirms it (issue 15, part 7)."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from causebook.models import CopyApplication
from filing.services import filing_accept, submission_documents_seal
from tests.clock import once_received_in_law
from tests.factories import PASSWORD, StaffFactory, UserFactory, totp_code, totp_for
from tests.filing.test_review_admin import new_dcpi_case

# The fees are concession-period amounts (Cap. 638E, to 5 May 2027): pin a day inside it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_the_concession_period")]


@pytest.fixture
def party_with_a_case(live_server, settings, document_storage, celery_eager):
    settings.PAYMENT_CALLBACK_BASE_URL = live_server.url
    party = UserFactory(email="chan.taiman@example.hk")
    submission = new_dcpi_case(party)
    with once_received_in_law(submission):
        filing_accept(submission=submission, clerk=StaffFactory(), accepted_without_opening=True)
    submission_documents_seal(submission_id=submission.pk)
    party.case = submission.case
    return party


def sign_in(journey, email: str, next_path: str, secret: str | None = None) -> None:
    page = journey.page
    journey.visit(f"/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("load")
    journey.check_page()
    if secret is not None:
        page.get_by_label(re.compile("code", re.I)).fill(totp_code(secret))
        page.get_by_role("button", name=re.compile("Sign In|Verify|Authenticate", re.I)).click()
        page.wait_for_load_state("load")
        journey.check_page()


def sign_out(journey) -> None:
    journey.visit("/accounts/logout/")
    journey.page.get_by_role("button", name="Sign Out", exact=True).click()
    journey.page.wait_for_load_state("load")
    journey.check_page()


def test_a_party_gets_a_certified_true_copy_that_verifies(journey, party_with_a_case):
    party = party_with_a_case
    case = party.case
    page = journey.page

    # The party applies from the case file.
    sign_in(journey, party.email, f"/filing/cases/{case.pk}/")
    page.get_by_role("link", name="Copies and certificates", exact=True).click()
    page.wait_for_url(re.compile(rf"/cause-book/cases/{case.pk}/copies/$"))
    journey.check_page()
    page.get_by_role("link", name="Apply for a copy of Writ of summons").click()
    journey.check_page()
    page.get_by_label(re.compile("A certified true copy")).check()
    page.get_by_label("Number of copies").fill("1")
    page.get_by_role("button", name="Continue to payment").click()

    # Pays in the sandbox gateway: 2 pages and the certifying fee, less the 20% concession.
    page.wait_for_url(re.compile(r"/payments/order/"))
    journey.check_page()
    expect(page.locator("main")).to_contain_text("Certified true copy of “Writ of summons”")
    page.get_by_role("button", name="Pay by card").click()
    page.wait_for_url(re.compile(r"/sandbox-gateway/pay/"))
    journey.check_page()
    page.get_by_role("button", name=re.compile(r"^Pay HK\$88")).click()
    page.wait_for_url(re.compile(r"/return/$"))
    journey.check_page()
    expect(page.get_by_text("Payment received", exact=True)).to_be_visible()
    application = CopyApplication.objects.get()
    assert application.status == CopyApplication.Status.PAID
    sign_out(journey)

    # A registry clerk issues it from the admin's queue.
    clerk = StaffFactory(group="Registry clerk")
    secret = totp_for(clerk)
    sign_in(journey, clerk.email, "/admin/causebook/copyapplication/", secret)
    page.wait_for_url(re.compile(r"/admin/causebook/copyapplication/$"))
    row = page.get_by_role("row").filter(has_text=application.reference)
    row.get_by_role("link", name="Issue").click()
    journey.check_page()
    page.get_by_role("button", name="Issue").click()
    page.wait_for_url(re.compile(r"/admin/causebook/copyapplication/$"))
    journey.check_page()
    application.refresh_from_db()
    drn = application.issued.drn
    expect(page.get_by_text(f"{application.reference} issued with DRN {drn}.")).to_be_visible()
    sign_out(journey)

    # The party finds it in the message box and downloads it: stamped on every page.
    sign_in(journey, party.email, "/filing/messages/")
    page.get_by_role("link", name=re.compile("Certified true copy")).first.click()
    journey.check_page()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Open Certified true copy")).click()
    pages = PdfReader(download.value.path()).pages
    assert all("CERTIFIED TRUE COPY · 核證副本" in " ".join(p.extract_text().split()) for p in pages)

    # Anyone can verify it by its DRN (the link a stamp's DRN leads to).
    journey.visit(f"/verify/?drn={drn}")
    result = page.locator("#verify-result")
    expect(result).to_contain_text("This matches a document issued by the court.")
    expect(result).to_contain_text("Certified true copy of Writ of summons, issued 1 Dec 2026")
    expect(result).to_contain_text(case.case_number)
