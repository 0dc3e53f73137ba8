"""A new firm's primary administrator, in Chromium, opens a deposit account by accepting its terms
and tops it up by card through the sandbox gateway; the account is credited once. An organisation
user of the same firm is told, on the pay page, to ask the administrator (issue 17, item 6)."""

import importlib
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from payments import services
from payments.deposits import DEPOSIT_TERMS_VERSION
from payments.models import DepositAccount, LedgerEntry, PaymentOrder
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_the_concession_period")]


@pytest.fixture
def paying(live_server, settings, celery_eager):
    """Callbacks over real HTTP to the live server, and the fee schedule as the migrations made it."""
    from django.apps import apps

    settings.PAYMENT_CALLBACK_BASE_URL = live_server.url
    importlib.import_module("payments.migrations.0002_seed_fee_schedule").seed(apps, None)


def _sign_in(journey, email):
    page = journey.page
    journey.visit("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("load")
    journey.check_page()


def _sign_out(journey):
    journey.page.context.clear_cookies()


def test_a_primary_administrator_opens_and_tops_up_a_deposit_account_and_a_member_is_told_whom_to_ask(journey, paying):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.PRIMARY_ADMIN)
    member = MembershipFactory(organisation=organisation)
    order = services.payment_order_create(
        purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key="e2e", payer=member.user
    )
    page = journey.page

    # The member's pay page: no deposit account yet, and whom to ask.
    _sign_in(journey, member.user.email)
    journey.visit(f"/payments/order/{order.access_token}/")
    expect(page.locator("#deposit-unavailable")).to_contain_text("your organisation has not opened one")
    expect(page.locator("#deposit-unavailable")).to_contain_text("Ask your organisation's administrator")
    _sign_out(journey)

    # The primary administrator opens the account: the terms, and a box that must be ticked.
    _sign_in(journey, admin.user.email)
    journey.visit("/payments/deposit/")
    page.get_by_role("link", name="Open a deposit account").click()
    page.wait_for_url(re.compile(r"/payments/deposit/open/$"))
    journey.check_page()
    expect(page.get_by_role("heading", name=re.compile(f"version {DEPOSIT_TERMS_VERSION}"))).to_be_visible()
    page.get_by_role("button", name="Accept the terms and open the account").click()
    page.wait_for_load_state("load")
    journey.check_page()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert not DepositAccount.objects.exists()
    page.get_by_label(re.compile("I have read and accept the deposit account terms")).check()
    page.get_by_role("button", name="Accept the terms and open the account").click()
    page.wait_for_url(re.compile(r"/payments/deposit/\d+/top-up/$"))
    journey.check_page()
    account = DepositAccount.objects.get(organisation=organisation)
    assert account.terms_accepted_by_id == admin.user.pk and account.terms_version == DEPOSIT_TERMS_VERSION

    # The top-up, by card through the sandbox gateway.
    page.get_by_label(re.compile(r"Amount \(HK\$\)")).fill("2000")
    page.get_by_label("Card").check()
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/sandbox-gateway/pay/"))
    journey.check_page()
    page.get_by_role("button", name="Pay HK$2,000.00").click()
    page.wait_for_url(re.compile(r"/return/$"))
    journey.check_page()
    expect(page.get_by_text("Payment received", exact=True)).to_be_visible()
    top_up = PaymentOrder.objects.get(purpose="deposit_top_up")
    assert top_up.status == "paid" and top_up.method == "card" and top_up.deemed_received_at is not None
    assert list(LedgerEntry.objects.filter(account=account).values_list("kind", "amount")) == [
        ("top_up", Decimal("2000.00"))
    ]
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url(re.compile(rf"/payments/deposit/{account.pk}/$"))
    journey.check_page()
    expect(page.get_by_text("HK$2,000.00").first).to_be_visible()
    _sign_out(journey)

    # The member can now pay from it.
    _sign_in(journey, member.user.email)
    journey.visit(f"/payments/order/{order.access_token}/")
    page.get_by_role("button", name=re.compile(r"Pay HK\$14\.00 from the deposit account")).click()
    page.wait_for_url(re.compile(r"/return/$"))
    journey.check_page()
    assert services.balance_of(account) == Decimal("1986.00")
