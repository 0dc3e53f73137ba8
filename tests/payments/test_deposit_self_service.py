"""A firm's primary administrator opens a deposit account (accepting its terms) and tops it up by
card or FPS through the gateway (issue 17, item 6); the pay page says why a deposit cannot pay."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from icms.core.models import AuditEvent
from payments import selectors, services
from payments.deposits import DEPOSIT_TERMS_VERSION, TOP_UP_MAXIMUM, TOP_UP_MINIMUM
from payments.models import DepositAccount, GatewayEvent, LedgerEntry, PaymentOrder, Receipt
from payments.services import PaymentRefused
from payments.services.orders import order_mark_paid
from tests.factories import MembershipFactory, OrganisationFactory

from .helpers import callback

OPEN = reverse("payments:deposit_open")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def opened(firm) -> DepositAccount:
    return services.deposit_account_open_with_terms(
        user=firm.admin.user, accept_terms=True, terms_version=DEPOSIT_TERMS_VERSION
    )


@pytest.mark.django_db
def test_the_primary_administrator_opens_the_account_by_accepting_the_terms(firm):
    client = signed_in(firm.admin.user)
    page = client.get(OPEN)
    assert page.status_code == 200
    assert f"Deposit account terms (version {DEPOSIT_TERMS_VERSION})" in page.text
    assert 'type="checkbox" name="accept_terms"' in page.text and "required" in page.text

    refused = client.post(OPEN, {"terms_version": DEPOSIT_TERMS_VERSION})
    assert refused.status_code == 200
    assert "To open a deposit account, accept its terms." in refused.text
    assert not DepositAccount.objects.filter(organisation=firm.organisation).exists()

    response = client.post(OPEN, {"terms_version": DEPOSIT_TERMS_VERSION, "accept_terms": "on"})

    account = DepositAccount.objects.get(organisation=firm.organisation, branch_code=None)
    assert response.status_code == 302 and response.url == reverse("payments:deposit_top_up", args=[account.pk])
    assert account.terms_accepted_by == firm.admin.user
    assert account.terms_accepted_at is not None and account.terms_version == DEPOSIT_TERMS_VERSION
    event = AuditEvent.objects.get(event_type="payments.deposit_account_opened", target_id=str(account.pk))
    assert event.actor == firm.admin.user
    assert (
        event.after["terms_version"] == DEPOSIT_TERMS_VERSION
        and event.after["terms_accepted_by"] == firm.admin.user.pk
    )
    # Opening again changes nothing and writes nothing.
    assert opened(firm) == account
    assert AuditEvent.objects.filter(event_type="payments.deposit_account_opened").count() == 1


@pytest.mark.django_db
def test_the_service_refuses_without_the_terms_or_with_terms_of_another_version(firm):
    with pytest.raises(PaymentRefused) as refused:
        services.deposit_account_open_with_terms(
            user=firm.admin.user, accept_terms=False, terms_version=DEPOSIT_TERMS_VERSION
        )
    assert refused.value.code == "terms_not_accepted"
    with pytest.raises(PaymentRefused) as stale:
        services.deposit_account_open_with_terms(user=firm.admin.user, accept_terms=True, terms_version="2001-1")
    assert stale.value.code == "terms_changed"
    assert not DepositAccount.objects.exists()


@pytest.mark.django_db
def test_nobody_but_the_primary_administrator_opens_or_tops_up(firm):
    account = opened(firm)
    secondary = MembershipFactory(organisation=firm.organisation, role=Membership.Role.SECONDARY_ADMIN)
    other_firm_admin = MembershipFactory(organisation=OrganisationFactory(), role=Membership.Role.PRIMARY_ADMIN)
    top_up = reverse("payments:deposit_top_up", args=[account.pk])

    for membership in (firm.central, firm.nobranch, secondary, other_firm_admin):
        client = signed_in(membership.user)
        if membership is not other_firm_admin:
            assert client.get(OPEN).status_code == 404
            assert client.post(OPEN, {"terms_version": DEPOSIT_TERMS_VERSION, "accept_terms": "on"}).status_code == 404
        assert client.get(top_up).status_code == 404
        response = client.post(top_up, {"amount": "500.00", "method": "card", "idempotency_key": "k"})
        assert response.status_code == 404
        with pytest.raises(PermissionDenied):
            services.deposit_top_up_order_create(
                user=membership.user, account=account, amount="500.00", idempotency_key="k"
            )
    assert not PaymentOrder.objects.filter(purpose="deposit_top_up").exists()
    # A secondary administrator sees the balance, and is told who can top up.
    page = signed_in(secondary.user).get(reverse("payments:deposit_accounts"))
    assert page.status_code == 200 and "HK$0.00" in page.text
    assert "Only your organisation's primary administrator can open or top up" in page.text
    assert top_up not in page.text


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [TOP_UP_MINIMUM - Decimal("0.01"), TOP_UP_MAXIMUM + Decimal("0.01")])
def test_a_top_up_outside_the_limits_is_refused(firm, amount):
    account = opened(firm)
    response = signed_in(firm.admin.user).post(
        reverse("payments:deposit_top_up", args=[account.pk]),
        {"amount": str(amount), "method": "card", "idempotency_key": "k1"},
    )
    assert response.status_code == 200
    assert not PaymentOrder.objects.filter(purpose="deposit_top_up").exists()
    with pytest.raises(PaymentRefused) as refused:
        services.deposit_top_up_order_create(user=firm.admin.user, account=account, amount=amount, idempotency_key="k")
    assert refused.value.code == "amount_out_of_range"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("method", "gateway_code"), [("card", "sandbox-card"), ("fps", "sandbox-fps")])
def test_a_top_up_through_the_sandbox_credits_the_account_once_whatever_the_callbacks(
    firm, gateway, method, gateway_code
):
    account = opened(firm)
    client = signed_in(firm.admin.user)
    top_up = reverse("payments:deposit_top_up", args=[account.pk])
    form = client.get(top_up)
    assert form.status_code == 200 and "Card" in form.text and "FPS" in form.text and "PPS" not in form.text

    response = client.post(top_up, {"amount": "5000.00", "method": method, "idempotency_key": "topup-1"})
    assert response.status_code == 302 and response.url.startswith(reverse("sandbox:pay"))
    order = PaymentOrder.objects.get(purpose="deposit_top_up")
    assert order.amount == Decimal("5000.00") and order.status == PaymentOrder.Status.PENDING
    hosted = client.get(response.url)
    assert hosted.status_code == 200
    # The sandbox sends the success five times, over HTTP, to the portal's callback endpoint.
    paid = client.post(response.url, {"scenario": "duplicate", "card_number": "4242 4242 4242 4242"})
    assert urlsplit(paid.url).path == reverse("payments:return", args=[order.access_token])

    order.refresh_from_db()
    assert order.status == PaymentOrder.Status.PAID and order.method == method and order.gateway == gateway_code
    assert order.received_at is not None and order.deemed_received_at is not None and order.deemed_rule
    assert GatewayEvent.objects.get(order=order, kind="succeeded").deliveries == 5
    # And once more by hand: the same event again, and a second event reporting the same charge.
    callback(order, kind="succeeded", charge=order.gateway_reference, event_id="evt_replay", gateway=gateway_code)
    callback(order, kind="succeeded", charge=order.gateway_reference, event_id="evt_replay", gateway=gateway_code)

    entries = LedgerEntry.objects.filter(account=account)
    assert list(entries.values_list("kind", "amount", "payment_order")) == [("top_up", Decimal("5000.00"), order.pk)]
    assert services.balance_of(account) == Decimal("5000.00")
    assert AuditEvent.objects.filter(event_type="payments.ledger_top_up", target_id=str(account.pk)).count() == 1
    assert Receipt.objects.filter(order=order).count() == 1
    # Not a fee: the collections report does not count it (the fees paid from it are counted).
    around = (order.received_at - timedelta(minutes=1), order.received_at + timedelta(minutes=1))
    assert not selectors.paid_orders_between(*around).filter(pk=order.pk).exists()
    returned = client.get(reverse("payments:return", args=[order.access_token]))
    assert "Deposit account top-up: Main account" in returned.text
    statement = client.get(reverse("payments:deposit_statement", args=[account.pk]))
    assert "HK$5,000.00" in statement.text and order.reference in statement.text


@pytest.mark.django_db
def test_a_paid_top_up_is_not_refunded_as_a_payment(firm, officer):
    account = opened(firm)
    order = services.deposit_top_up_order_create(
        user=firm.admin.user, account=account, amount="300.00", idempotency_key="k"
    )
    with transaction.atomic():
        order_mark_paid(order=PaymentOrder.objects.select_for_update().get(pk=order.pk), received_at=timezone.now())
    assert services.balance_of(account) == Decimal("300.00")
    with pytest.raises(PaymentRefused):
        services.refund_request_for_order(order=order, reason="Changed our mind", requested_by=officer)
    with pytest.raises(PaymentRefused):
        services.payment_order_pay_from_deposit(order=order, user=firm.admin.user)


def _search_order(user) -> PaymentOrder:
    return services.payment_order_create(
        purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key="s1", payer=user
    )


@pytest.mark.django_db
def test_the_pay_page_tells_a_member_to_ask_the_administrator_and_the_administrator_how_to_open_one(firm):
    member_order = _search_order(firm.nobranch.user)
    page = signed_in(firm.nobranch.user).get(reverse("payments:order", args=[member_order.access_token])).text
    assert "your organisation has not opened one" in page
    assert "Ask your organisation's administrator to open one." in page
    assert OPEN not in page

    admin_order = _search_order(firm.admin.user)
    page = signed_in(firm.admin.user).get(reverse("payments:order", args=[admin_order.access_token])).text
    assert f'href="{OPEN}"' in page


@pytest.mark.django_db
def test_the_pay_page_says_when_the_account_holds_too_little_and_who_tops_it_up(firm):
    account = opened(firm)
    member_order = _search_order(firm.nobranch.user)
    page = signed_in(firm.nobranch.user).get(reverse("payments:order", args=[member_order.access_token])).text
    assert "does not hold enough to pay this fee" in page
    assert "Ask your organisation's administrator to top it up." in page

    admin_order = _search_order(firm.admin.user)
    page = signed_in(firm.admin.user).get(reverse("payments:order", args=[admin_order.access_token])).text
    assert reverse("payments:deposit_top_up", args=[account.pk]) in page
    # A branch without a sub-account is told so, and not charged to the main account.
    branch_order = _search_order(firm.central.user)
    page = signed_in(firm.central.user).get(reverse("payments:order", args=[branch_order.access_token])).text
    assert "your branch (CEN) has no deposit sub-account" in page
