"""A party in person starts a DCPI case, sees the fee with the concession, pays it with the
sandbox card and finds the receipt in the message box."""

import re

import pytest
from playwright.sync_api import expect

from filing.models import MessageItem, Submission
from payments.models import PaymentOrder
from tests.e2e.layout import DESKTOP, PHONE
from tests.factories import PASSWORD, UserFactory
from tests.filing.pdf_corpus import good_pdf

# The fees are concession-period amounts (Cap. 638E, to 5 May 2027): pin a day inside it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_the_concession_period")]


@pytest.fixture
def paying_filer(live_server, settings, tmp_path, celery_eager):
    settings.PAYMENT_CALLBACK_BASE_URL = live_server.url
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return UserFactory(email="lam.kayan@example.hk")


# On a desktop and on a 390 x 844 phone (issue 17 item 7): axe checks every page at both.
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_party_in_person_files_a_new_case_and_pays_the_fee_by_card(journey, paying_filer, tmp_path, size):
    page = journey.page
    page.set_viewport_size(size)
    journey.visit("/accounts/login/")
    page.get_by_label("Email").fill(paying_filer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("load")
    journey.check_page()

    journey.visit("/filing/")
    page.get_by_role("link", name=re.compile(r"DCPI Personal Injuries Action")).click()
    journey.check_page()
    fees = page.locator(".fee-panel")
    expect(fees).to_contain_text("Writ of summons")
    expect(fees).to_contain_text("concession of 20%")

    page.get_by_label("Nature of the claim (English)").fill("Personal injuries: fall on a minibus")
    page.locator("#id_case-applicants-0-name_en").fill("LAM Ka Yan")
    page.locator("#id_case-applicants-0-name_zh").fill("林嘉欣")
    page.locator("#id_case-applicants-0-address_for_service").fill("Flat B, 3/F, 8 Shing Mun Road, Tsuen Wan")
    page.locator("#id_case-respondents-0-name_en").fill("GREEN MINIBUS COMPANY LIMITED")
    page.locator("#id_case-respondents-0-kind").select_option("company")
    writ = tmp_path / "writ.pdf"
    writ.write_bytes(good_pdf(2))
    row = page.locator("[data-document-row]").first
    row.get_by_label("Document type").select_option(label="Writ of summons")
    row.get_by_label("PDF file").set_input_files(str(writ))
    page.get_by_role("button", name="Continue to review").click()
    page.wait_for_url(re.compile(r"/filing/drafts/\d+/review/$"))
    journey.check_page()
    expect(page.locator(".fee-panel")).to_contain_text("e-fee")  # the fee, before anything is filed
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url(re.compile(r"/filing/submissions/ES-[A-Z0-9-]+/\?new=1$"))
    journey.check_page()
    expect(page.get_by_text("Your submission has been received.")).to_be_visible()
    expect(page.locator(".fee-panel")).to_contain_text("e-fee")

    page.get_by_role("button", name="Pay the fee").click()
    page.wait_for_url(re.compile(r"/payments/order/"))
    journey.check_page()
    page.get_by_role("button", name="Pay by card").click()
    page.wait_for_url(re.compile(r"/sandbox-gateway/pay/"))
    journey.check_page()
    page.get_by_role("button", name=re.compile(r"^Pay HK\$")).click()
    page.wait_for_url(re.compile(r"/return/$"))
    journey.check_page()
    expect(page.get_by_text("Payment received", exact=True)).to_be_visible()

    submission = Submission.objects.get()
    order = PaymentOrder.objects.get(purpose="submission", purpose_ref=submission.reference)
    assert order.status == "paid"
    assert order.amount < order.standard_total  # the 20% concession
    submission.refresh_from_db()
    assert submission.payment_reference == order.reference

    page.get_by_role("link", name="Continue").click()
    journey.check_page()
    expect(page.locator(".fee-panel")).to_contain_text(f"Paid (payment {order.reference})")
    assert MessageItem.objects.filter(recipient=paying_filer, kind="payment_receipt").exists()
    journey.visit("/filing/messages/")
    expect(
        page.get_by_role("link", name=re.compile(rf"Receipt R\d{{4}}-\d+ for payment {order.reference}"))
    ).to_be_visible()
