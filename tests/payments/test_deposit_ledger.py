"""Deposit accounts as ledgers: branch sub-accounts, overdraw refused, concurrent debits exact."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.urls import reverse

from payments import services
from payments.models import LedgerEntry, PaymentOrder
from payments.services import InsufficientFunds, PaymentRefused
from tests.factories import StaffFactory


def _order(user, key, items=("DC-SEARCH",)) -> PaymentOrder:
    return services.payment_order_create(
        purpose="search", court_level="DC", items=list(items), idempotency_key=key, payer=user
    )


def _accounts(firm, officer, *, central="100.00", main="50.00"):
    main_account = services.deposit_account_open(organisation=firm.organisation)
    central_account = services.deposit_account_open(organisation=firm.organisation, branch_code="CEN")
    services.deposit_top_up(account=central_account, amount=Decimal(central), reference="CHQ-1", officer=officer)
    services.deposit_top_up(account=main_account, amount=Decimal(main), reference="CHQ-2", officer=officer)
    return main_account, central_account


@pytest.mark.django_db
def test_a_member_pays_from_their_branch_sub_account(firm, officer):
    main_account, central_account = _accounts(firm, officer)
    order = services.payment_order_pay_from_deposit(order=_order(firm.central.user, "a"), user=firm.central.user)
    assert (order.status, order.method, order.deposit_account) == ("paid", "deposit", central_account)
    assert services.balance_of(central_account) == Decimal("86.00")
    assert services.balance_of(main_account) == Decimal("50.00")
    assert order.receipt.number.startswith("R")
    # A double click pays once.
    services.payment_order_pay_from_deposit(order=order, user=firm.central.user)
    assert LedgerEntry.objects.filter(payment_order=order).count() == 1


@pytest.mark.django_db
def test_a_member_without_a_branch_pays_from_the_main_account(firm, officer):
    main_account, _ = _accounts(firm, officer)
    services.payment_order_pay_from_deposit(order=_order(firm.nobranch.user, "b"), user=firm.nobranch.user)
    assert services.balance_of(main_account) == Decimal("36.00")


@pytest.mark.django_db
def test_a_branch_without_a_sub_account_is_refused_rather_than_charging_the_main_account(firm, officer):
    _accounts(firm, officer)
    with pytest.raises(PaymentRefused, match="KLN"):
        services.payment_order_pay_from_deposit(order=_order(firm.kowloon.user, "c"), user=firm.kowloon.user)


@pytest.mark.django_db
def test_an_overdraw_is_refused_with_a_clear_message_and_nothing_changes(firm, officer):
    _, central_account = _accounts(firm, officer, central="500.00")
    order = _order(firm.central.user, "d", items=("DC-WRIT",))  # 80% of 630 = 504 > 500
    with pytest.raises(InsufficientFunds) as error:
        services.payment_order_pay_from_deposit(order=order, user=firm.central.user)
    assert "HK$500.00" in error.value.messages[0] and "HK$504.00" in error.value.messages[0]
    assert PaymentOrder.objects.get(pk=order.pk).status == "created"
    assert services.balance_of(central_account) == Decimal("500.00")


@pytest.mark.django_db
def test_the_pay_page_shows_the_overdraw_message(firm, officer):
    _accounts(firm, officer, central="10.00")
    order = _order(firm.central.user, "e")
    client = Client()
    client.force_login(firm.central.user)
    page = client.get(reverse("payments:order", args=[order.access_token]))
    assert b"holds HK$10.00" in page.content
    response = client.post(reverse("payments:pay_deposit", args=[order.access_token]), follow=True)
    assert b"not enough to pay HK$14.00" in response.content


@pytest.mark.django_db
def test_only_accounts_officers_record_top_ups(firm):
    account = services.deposit_account_open(organisation=firm.organisation)
    with pytest.raises(PermissionDenied):
        services.deposit_top_up(
            account=account, amount=Decimal("10"), reference="x", officer=StaffFactory(group="Registry clerk")
        )


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_debits_against_an_account_that_affords_ten(firm, officer):
    account = services.deposit_account_open(organisation=firm.organisation, branch_code="CEN")
    services.deposit_top_up(account=account, amount=Decimal("140.00"), reference="T", officer=officer)
    user = firm.central.user
    orders = [_order(user, f"c{i}") for i in range(20)]
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def pay(order):
        try:
            barrier.wait(timeout=30)
            services.payment_order_pay_from_deposit(order=order, user=user)
            result = "paid"
        except InsufficientFunds:
            result = "refused"
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            result = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=pay, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["paid"] * 10 + ["refused"] * 10
    assert services.balance_of(account) == Decimal("0.00")
    assert LedgerEntry.objects.filter(account=account, kind="fee").count() == 10
    assert PaymentOrder.objects.filter(status="paid").count() == 10
    assert sorted(PaymentOrder.objects.filter(status="paid").values_list("receipt__sequence", flat=True)) == list(
        range(1, 11)
    )
