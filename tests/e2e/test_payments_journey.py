"""Paying court fees in Chromium: a member of the public pays a search fee by card through the
sandbox gateway and downloads the receipt; a firm user pays from the deposit account; an
accounts officer approves a refund in the admin.

The issue's "party in person files, sees the quote and pays" needs the filing screens,
which do not exist yet: that part is left to the filing journey, which can reuse the
order page (payments:order) exactly as the search fee does here.
"""

import importlib
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from payments import services
from payments.models import PaymentOrder, Refund
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, StaffFactory, totp_code, totp_for

# The fees are concession-period amounts (Cap. 638E, to 5 May 2027): pin a day inside it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_the_concession_period")]


@pytest.fixture
def paying(live_server, settings, celery_eager):
    """Callbacks over real HTTP to the live server; the fee schedule and the accounts officer
    group as the migrations made them (a transactional test may have emptied the tables, and
    serialized rollback does not always reach the context Playwright runs in)."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    settings.PAYMENT_CALLBACK_BASE_URL = live_server.url
    importlib.import_module("payments.migrations.0002_seed_fee_schedule").seed(apps, None)
    group, _ = Group.objects.get_or_create(name="Accounts officer")
    codenames = importlib.import_module("payments.migrations.0003_accounts_officer_permissions").ACCOUNTS_OFFICER
    group.permissions.add(*Permission.objects.filter(content_type__app_label="payments", codename__in=codenames))


def _sign_in(journey, email):
    page = journey.page
    journey.visit("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("load")
    journey.check_page()


def test_a_member_of_the_public_pays_a_search_fee_by_card_and_gets_the_receipt(journey, paying):
    page = journey.page
    page.set_viewport_size({"width": 390, "height": 844})
    journey.visit("/")
    page.get_by_role("link", name="Fee calculator").click()
    page.wait_for_load_state("load")
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fee calculator")
    page.get_by_label("Search of the cause book or a case file (per file)").fill("1")
    page.get_by_role("button", name="Calculate").click()
    page.wait_for_load_state("load")
    journey.check_page()
    quote = page.locator(".quote")
    expect(quote).to_contain_text("HK$18.00")
    expect(quote).to_contain_text("HK$14.00")
    expect(quote).to_contain_text("HK$4.00")
    expect(quote).to_contain_text("deemed received")

    page.get_by_role("button", name="Pay HK$14.00 now").click()
    page.wait_for_url(re.compile(r"/payments/order/"))
    journey.check_page()
    page.get_by_role("button", name="Pay by card").click()
    page.wait_for_url(re.compile(r"/sandbox-gateway/pay/"))
    journey.check_page()
    expect(page.get_by_text("No real money is taken")).to_be_visible()
    page.get_by_role("button", name="Pay HK$14.00").click()
    page.wait_for_url(re.compile(r"/return/$"))
    journey.check_page()
    expect(page.get_by_text("Payment received", exact=True)).to_be_visible()

    order = PaymentOrder.objects.get()
    assert order.status == "paid" and order.payer is None
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"Download receipt R\d{4}-000001 \(PDF\)")).click()
    assert download.value.suggested_filename.startswith("receipt-R")
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_a_firm_user_pays_from_the_deposit_account(journey, paying):
    organisation = OrganisationFactory()
    member = MembershipFactory(organisation=organisation, branch_code="CEN")
    officer = StaffFactory(group="Accounts officer")
    account = services.deposit_account_open(organisation=organisation, branch_code="CEN")
    services.deposit_top_up(account=account, amount=Decimal("100.00"), reference="CHQ", officer=officer)
    order = services.payment_order_create(
        purpose="submission", court_level="DC", items=["DC-SEARCH"], idempotency_key="e2e", payer=member.user
    )
    page = journey.page
    _sign_in(journey, member.user.email)
    journey.visit(f"/payments/order/{order.access_token}/")
    expect(page.get_by_text("holds HK$100.00")).to_be_visible()
    page.get_by_role("button", name="Pay HK$14.00 from the deposit account").click()
    page.wait_for_url(re.compile(r"/return/$"))
    journey.check_page()
    expect(page.get_by_text("Payment received", exact=True)).to_be_visible()
    assert services.balance_of(account) == Decimal("86.00")


def test_an_accounts_officer_approves_a_refund_for_a_returned_filing(journey, paying):
    organisation = OrganisationFactory()
    member = MembershipFactory(organisation=organisation)
    officer = StaffFactory(group="Accounts officer")
    account = services.deposit_account_open(organisation=organisation)
    services.deposit_top_up(account=account, amount=Decimal("100.00"), reference="CHQ", officer=officer)
    order = services.payment_order_create(
        purpose="submission", court_level="DC", items=["DC-SEARCH"], idempotency_key="rf", payer=member.user
    )
    services.payment_order_pay_from_deposit(order=order, user=member.user)
    refund = services.refund_request_for_order(order=order, reason="Filing returned: wrong court")
    secret = totp_for(officer)

    page = journey.page
    _sign_in(journey, officer.email)
    page.get_by_label(re.compile("code", re.I)).fill(totp_code(secret))
    page.get_by_role("button", name=re.compile("Sign In|Verify|Authenticate", re.I)).click()
    page.wait_for_load_state("load")
    journey.check_page()
    journey.visit("/admin/payments/refund/")
    page.get_by_role("checkbox", name=re.compile(refund.reference)).check()
    page.locator("select[name=action]").select_option("approve")
    page.locator("button[name=index]").click()
    page.wait_for_load_state("load")
    journey.check_page()
    expect(page.get_by_text(f"{refund.reference}: Refunded")).to_be_visible()
    assert Refund.objects.get(pk=refund.pk).status == "completed"
    assert services.balance_of(account) == Decimal("100.00")
