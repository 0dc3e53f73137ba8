"""Refunds: requested on a returned filing, approved (twice above the threshold), paid back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from icms.core.models import AuditEvent
from payments import services
from payments.hooks import register_refund_handler
from payments.models import LedgerEntry, PaymentOrder, Refund
from payments.sandbox.models import SandboxRefund
from tests.factories import StaffFactory

from .test_gateway_sandbox import _pay


def _deposit_paid(firm, officer, items=("DC-WRIT",)) -> PaymentOrder:
    account = services.deposit_account_open(organisation=firm.organisation, branch_code="CEN")
    services.deposit_top_up(account=account, amount=Decimal("2000.00"), reference="T", officer=officer)
    order = services.payment_order_create(
        purpose="submission",
        purpose_ref="SUB-1",
        court_level="DC",
        items=list(items),
        idempotency_key="r",
        payer=firm.central.user,
    )
    return services.payment_order_pay_from_deposit(order=order, user=firm.central.user)


@pytest.mark.django_db
def test_a_returned_filing_asks_once_and_one_officer_approves_a_small_refund(
    firm, officer, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENT_REFUND_SECOND_APPROVAL_ABOVE = Decimal("1000.00")
    order = _deposit_paid(firm, officer)  # HK$504
    seen = []
    register_refund_handler("submission", lambda refund: seen.append(refund.reference))
    refund = services.refund_request_for_order(order=order, reason="Returned: wrong court")
    assert services.refund_request_for_order(order=order, reason="again") == refund  # idempotent
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund_approve(refund=refund, officer=officer)
    assert refund.status == "completed" and refund.gateway_reference.startswith("ledger:")
    assert PaymentOrder.objects.get(pk=order.pk).status == "refunded"
    credit = LedgerEntry.objects.get(kind="refund")
    assert credit.amount == Decimal("504.00")
    assert services.balance_of(credit.account) == Decimal("2000.00")
    assert seen == [refund.reference]
    assert {"payments.refund_requested", "payments.refund_approved", "payments.refund_completed"} <= set(
        AuditEvent.objects.values_list("event_type", flat=True)
    )


@pytest.mark.django_db
def test_a_refund_above_the_threshold_needs_a_second_different_officer(firm, officer, second_officer, settings):
    settings.PAYMENT_REFUND_SECOND_APPROVAL_ABOVE = Decimal("100.00")
    order = _deposit_paid(firm, officer)
    refund = services.refund_request_for_order(order=order, reason="Returned")
    refund = services.refund_approve(refund=refund, officer=officer)
    assert refund.status == "awaiting_second"
    assert not LedgerEntry.objects.filter(kind="refund").exists()
    with pytest.raises(services.PaymentRefused, match="different"):
        services.refund_approve(refund=refund, officer=officer)
    refund = services.refund_approve(refund=refund, officer=second_officer)
    assert (refund.status, refund.second_approved_by) == ("completed", second_officer)


@pytest.mark.django_db
def test_only_accounts_officers_approve_and_no_more_than_paid_is_refunded(firm, officer):
    order = _deposit_paid(firm, officer)
    refund = services.refund_request_for_order(order=order, reason="part", amount=Decimal("500.00"))
    with pytest.raises(PermissionDenied):
        services.refund_approve(refund=refund, officer=StaffFactory(group="Registry clerk"))
    with pytest.raises(services.PaymentRefused):
        services.refund_request_for_order(order=order, reason="too much", amount=Decimal("5.00"))
    services.refund_reject(refund=refund, officer=officer, reason="duplicate", note="no")
    assert Refund.objects.get(pk=refund.pk).status == "rejected"
    assert services.refund_request_for_order(order=order, reason="whole").amount == Decimal("504.00")


@pytest.mark.django_db
def test_an_unpaid_order_cannot_be_refunded(firm):
    order = services.payment_order_create(purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key="u")
    with pytest.raises(services.PaymentRefused):
        services.refund_request_for_order(order=order, reason="x")


@pytest.mark.django_db(transaction=True)
def test_a_card_refund_goes_back_through_the_gateway(gateway, officer):
    order = services.payment_order_create(purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key="g")
    _pay(Client(), order)
    order = PaymentOrder.objects.get(pk=order.pk)
    refund = services.refund_request_for_order(order=order, reason="Duplicate search")
    refund = services.refund_approve(refund=refund, officer=officer)
    refund.refresh_from_db()
    assert refund.status == "completed" and refund.gateway_reference.startswith("re_")
    assert SandboxRefund.objects.get().amount == Decimal("14.00")
    assert PaymentOrder.objects.get(pk=order.pk).status == "refunded"


@pytest.mark.django_db
def test_the_admin_action_approves_a_refund(firm, officer, client):
    from tests.factories import PASSWORD, totp_code, totp_for

    order = _deposit_paid(firm, officer, items=("DC-SEARCH",))
    refund = services.refund_request_for_order(order=order, reason="Returned")
    secret = totp_for(officer)
    client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    changelist = reverse("admin:payments_refund_changelist")
    assert client.get(changelist).status_code == 200
    response = client.post(changelist, {"action": "approve", "_selected_action": [refund.pk]}, follow=True)
    assert response.status_code == 200
    assert Refund.objects.get(pk=refund.pk).status == "completed"
    for name in ("payments_collections", "payments_reconciliation", "payments_collections_csv"):
        assert client.get(reverse(f"admin:{name}")).status_code == 200
    page = client.get(reverse("admin:payments_collections"))
    assert b"Collected HK$14.00 in 1 payments" in page.content
    assert client.get(reverse("admin:payments_feeitem_changelist")).status_code == 200
    account = order.deposit_account
    top_up = reverse("admin:payments_deposit_top_up", args=[account.pk])
    client.post(top_up, {"amount": "100.00", "reference": "CHQ 9"})
    assert services.balance_of(account) == Decimal("2100.00")


@pytest.mark.django_db
def test_the_deposit_account_list_shows_balances_in_a_fixed_number_of_queries(
    firm, officer, client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import OrganisationFactory, totp_for

    totp_for(officer)
    client.force_login(officer)
    changelist = reverse("admin:payments_depositaccount_changelist")
    account = services.deposit_account_open(organisation=firm.organisation)
    services.deposit_top_up(account=account, amount=Decimal("25.50"), reference="CHQ-9", officer=officer)
    with CaptureQueriesContext(connection) as one:
        page = client.get(changelist)
    assert "25.50" in page.content.decode()
    for _ in range(5):
        services.deposit_account_open(organisation=OrganisationFactory())
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(changelist).status_code == 200
