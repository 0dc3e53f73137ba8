"""A clerk reviews in Chromium: signs in with an authenticator code, opens the queue in the admin and
accepts a filing; then anyone can confirm the sealed copy's DRN on the public verification page.

The filing is accepted from the queue (the bulk action), once the clerk has previewed its document
inline on the review page; the change page and its Accept button are covered by
tests/filing/test_review_admin.py and tests/filing/test_review_opening.py, and the admin's form pages in Chromium by
tests/e2e/test_typhoon_journey.py."""

import re

import pytest
from playwright.sync_api import expect

from filing.models import Document, DocumentView, Submission
from filing.sealing import drn_format
from filing.services import DocumentUpload, submission_create
from tests.clock import once_received_in_law
from tests.factories import PASSWORD, StaffFactory, totp_code, totp_for
from tests.filing.conftest import document_type, pdf_file

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_clerk_accepts_a_filing_in_the_admin_and_the_public_verifies_its_drn(
    journey,
    firm_filer,
    document_storage,
    celery_eager,
):
    submission = submission_create(
        user=firm_filer,
        case=firm_filer.case,
        uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file(2))],
    )
    clerk = StaffFactory(group="Registry clerk")
    secret = totp_for(clerk)
    page = journey.page

    journey.visit("/accounts/login/?next=/admin/filing/submission/")
    page.get_by_label("Email").fill(clerk.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("load")
    journey.check_page()
    page.get_by_label(re.compile("code", re.I)).fill(totp_code(secret))
    page.get_by_role("button", name=re.compile("Sign In|Verify|Authenticate", re.I)).click()
    page.wait_for_url(re.compile(r"/admin/filing/submission/$"))
    journey.check_page()

    # The queue: this filing, its case, its parties and its documents with their page counts.
    row = page.get_by_role("row").filter(has_text=submission.reference)
    expect(row).to_contain_text(firm_filer.case.case_number)
    expect(row).to_contain_text("GOLDEN HARBOUR LIMITED")
    expect(row).to_contain_text("Defence (2 pages)")

    # Accepting needs the document opened: first, the queue refuses a filing nobody has opened.
    row.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("accept_selected")
    with once_received_in_law(submission):
        page.locator("button[name=index]").click()
        page.wait_for_url(re.compile(r"/admin/filing/submission/"))
    expect(page.get_by_text(re.compile("Open each document before you accept the filing"))).to_be_visible()
    assert Submission.objects.get(pk=submission.pk).is_open

    # The review page previews it inline, which counts as opening it.
    page.get_by_role("link", name=submission.reference).click()
    page.wait_for_url(re.compile(rf"/admin/filing/submission/{submission.pk}/change/"))
    with page.expect_response(re.compile(r"/document/\d+/preview/")) as preview:
        page.get_by_role("link", name=re.compile("Show here")).click()
    assert preview.value.status == 200
    expect(page.locator("iframe.document-preview__frame")).to_be_visible()
    journey.check_page()
    assert DocumentView.objects.filter(user=clerk, document__submission=submission).count() == 1

    journey.visit("/admin/filing/submission/")
    row = page.get_by_role("row").filter(has_text=submission.reference)
    row.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("accept_selected")
    with once_received_in_law(submission):  # the registry decides a filing once it is received in law
        page.locator("button[name=index]").click()
        page.wait_for_url(re.compile(r"/admin/filing/submission/"))
    journey.check_page()
    accepted = rf"{submission.reference} accepted in {re.escape(firm_filer.case.case_number)}"
    expect(page.get_by_text(re.compile(accepted))).to_be_visible()
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.ACCEPTED

    document = Document.objects.get(submission=submission)
    assert document.drn and document.sealed_storage_key, "the sealed copy was made on commit"
    journey.visit("/verify/")
    page.get_by_label(re.compile("Document reference number")).fill(drn_format(document.drn))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state("load")
    journey.check_page()
    result = page.locator("#verify-result")
    expect(result).to_contain_text("This matches a document filed with and sealed by the court.")
    expect(result).to_contain_text(firm_filer.case.case_number)
    expect(result).to_contain_text("Defence")

    # Withdrawn from view in error, then put back: both pages pass axe, and both are audited.
    journey.visit(f"/admin/filing/submission/document/{document.pk}/withdraw/")
    page.get_by_label("Reason for withdrawing it from view").fill("Filed in the wrong case")
    page.get_by_role("button", name="Withdraw from view").click()
    page.wait_for_url(re.compile(rf"/admin/filing/submission/{submission.pk}/change/"))
    journey.check_page()
    expect(page.get_by_text(re.compile("is withdrawn from view"))).to_be_visible()
    journey.visit(f"/admin/filing/submission/document/{document.pk}/withdraw/")
    page.get_by_label("Reason for putting it back in view").fill("It was the right case after all")
    page.get_by_role("button", name="Put back in view").click()
    page.wait_for_url(re.compile(rf"/admin/filing/submission/{submission.pk}/change/"))
    assert Document.objects.get(pk=document.pk).withdrawn_at is None
