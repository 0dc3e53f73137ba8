"""A firm's Organisation User files into an assigned case, watches the upload progress, and
reads the acknowledgement; after acceptance the sealed copy is in the message box."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from filing.models import Case, CaseType, Party, Submission
from filing.services import filing_accept
from tests.clock import once_received_in_law
from tests.factories import PASSWORD, CaseFactory, MembershipFactory, PartyFactory, StaffFactory, assign_case
from tests.filing.pdf_corpus import big_pdf, good_pdf

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def firm_user_with_case(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    membership = MembershipFactory(role=Membership.Role.MEMBER, user__email="solicitor@firm.example.hk")
    case = CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), number=77, status=Case.Status.ACTIVE)
    PartyFactory(case=case, side=Party.Side.APPLICANT, representative=membership.organisation)
    PartyFactory(case=case, side=Party.Side.RESPONDENT, name_en="GOLDEN HARBOUR LIMITED", name_zh="金港有限公司")
    assign_case(case, membership)
    return membership.user, case


def _sign_in(journey, email):
    page = journey.page
    journey.visit("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("load")
    journey.check_page()


def test_a_firm_user_files_with_a_progress_bar_and_later_opens_the_sealed_copy(
    journey, firm_user_with_case, tmp_path, celery_eager
):
    user, case = firm_user_with_case
    page = journey.page
    _sign_in(journey, user.email)

    page.get_by_role("link", name="File documents").first.click()
    journey.check_page()
    page.get_by_role("link", name=f"File in {case.case_number}").click()
    journey.check_page()
    expect(page.get_by_text("If you submit now, it will be deemed received")).to_be_visible()

    defence = tmp_path / "Defence of the Defendant.pdf"
    defence.write_bytes(big_pdf(3 * 1024 * 1024))
    exhibit = tmp_path / "exhibit.pdf"
    exhibit.write_bytes(good_pdf(2))
    rows = page.locator("[data-document-row]")
    rows.nth(0).get_by_label("Document type").select_option(label="Defence")
    rows.nth(0).get_by_label("PDF file").set_input_files(str(defence))
    expect(rows.nth(0).get_by_label("Title")).to_have_value("Defence of the Defendant")  # filled from the name
    rows.nth(1).get_by_label("Document type").select_option(label="Affidavit or affirmation")
    rows.nth(1).get_by_label("Title").fill("Affirmation of CHAN Tai Man")
    rows.nth(1).get_by_label("PDF file").set_input_files(str(exhibit))

    # Slow the upload to 1 MB/s so the progress bar can be seen moving.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 1_000_000},
    )
    page.get_by_role("button", name="Continue to review").click()
    first_bar = rows.nth(0).locator("progress")
    expect(first_bar).to_be_visible()
    page.wait_for_function(
        "() => { const p = document.querySelector('[data-document-row] progress');"
        " return p && p.value > 0 && p.value < 100; }"
    )
    # The files are uploaded into a draft; the review page shows everything before Submit.
    page.wait_for_url(re.compile(r"/filing/drafts/\d+/review/$"), timeout=30_000)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    journey.check_page()
    expect(page.get_by_text("Affirmation of CHAN Tai Man")).to_be_visible()
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url(re.compile(r"/filing/submissions/ES-[A-Z0-9-]+/\?new=1$"), timeout=30_000)
    journey.check_page()
    submission = Submission.objects.get()
    expect(page.get_by_text("Your submission has been received.")).to_be_visible()
    expect(page.get_by_text(submission.documents.get(ordinal=1).sha256)).to_be_visible()
    expect(page.get_by_text("Rule applied")).to_be_visible()

    with once_received_in_law(submission):
        filing_accept(submission=submission, clerk=StaffFactory(), accepted_without_opening=True)

    page.get_by_role("link", name=re.compile(r"^Message box")).click()
    journey.check_page()
    page.get_by_role("link", name=re.compile(rf"Submission {submission.reference} accepted")).click()
    journey.check_page()
    expect(page.get_by_role("heading", name="Sealed copies")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Defence of the Defendant").click()
    assert download.value.suggested_filename.endswith("-sealed.pdf")
