"""A second charge for an order already paid is recorded, refunded automatically through the
gateway that took it, audited, told to the payer, and shown as refunded in reconciliation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from filing.models import MessageItem
from icms.core.models import AuditEvent
from payments import selectors, services
from payments.models import GatewayEvent, LedgerEntry, PaymentOrder, Refund
from payments.sandbox.models import SandboxCharge, SandboxRefund

from .helpers import DURING_CONCESSION, callback


def _audits(event_type: str) -> int:
    return AuditEvent.objects.filter(event_type=event_type).count()


def _deposit_order(firm, officer, key="k") -> PaymentOrder:
    account = services.deposit_account_open(organisation=firm.organisation, branch_code="CEN")
    services.deposit_top_up(account=account, amount=Decimal("100.00"), reference="T", officer=officer)
    return services.payment_order_create(
        purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key=key, payer=firm.central.user
    )


@pytest.mark.django_db(transaction=True)
@time_machine.travel(DURING_CONCESSION, tick=True)
def test_a_declined_card_page_submitted_again_after_a_deposit_payment_is_refunded(gateway, firm, officer):
    """The issue's scenario: card declined, paid from the deposit account, the first card page
    submitted again; the gateway takes a second charge; the portal gives it back."""
    payer = firm.central.user
    order = _deposit_order(firm, officer)
    client = Client()
    client.force_login(payer)
    card_page = client.post(reverse("payments:start", args=[order.access_token]), {"method": "card"}).url
    client.post(card_page, {"scenario": "success", "card_number": "4000 0000 0000 0002"})
    assert PaymentOrder.objects.get(pk=order.pk).is_declined
    assert client.post(reverse("payments:pay_deposit", args=[order.access_token])).status_code == 302
    mail.outbox.clear()

    client.post(card_page, {"scenario": "success", "card_number": "4242 4242 4242 4242"})

    charge = SandboxCharge.objects.get(merchant_reference=order.reference, succeeded=True)
    order = PaymentOrder.objects.get(pk=order.pk)
    assert (order.status, order.method, order.gateway_reference) == ("paid", "deposit", "")
    event = GatewayEvent.objects.get(order=order, kind="succeeded")
    assert event.outcome == GatewayEvent.Outcome.SECOND_CHARGE
    refund = Refund.objects.get(order=order)
    assert (refund.kind, refund.status, refund.amount) == ("second_charge", "completed", Decimal("14.00"))
    assert (refund.gateway, refund.charge_reference, refund.method) == ("sandbox-card", charge.reference, "card")
    assert refund.gateway_event == event and refund.gateway_reference.startswith("re_")
    charge.refresh_from_db()
    assert charge.refunded_amount == Decimal("14.00")
    assert SandboxRefund.objects.get().reference == refund.reference
    # The deposit payment stands: no ledger credit, the order is still paid.
    assert not LedgerEntry.objects.filter(kind="refund").exists()
    for event_type in (
        "payments.second_charge_received",
        "payments.second_charge_refund_started",
        "payments.refund_completed",
    ):
        assert _audits(event_type) == 1, event_type
    assert _audits("payments.order_refunded") == 0

    notices = list(MessageItem.objects.filter(recipient=payer, kind="notice").values_list("subject_en", flat=True))
    assert f"Second charge refunded: payment {order.reference}" in notices
    assert f"Refunded HK$14.00: payment {order.reference}" in notices
    subjects = [m.subject for m in mail.outbox]
    assert f"[iCMS] Second charge refunded: payment {order.reference}" in subjects
    assert f"[iCMS] Refunded HK$14.00: payment {order.reference}" in subjects

    page = client.get(reverse("payments:order", args=[order.access_token])).content.decode()
    assert "Second charge of HK$14.00 (Credit or debit card) after this order was paid" in page
    assert "Refunded HK$14.00, to the card you paid with" in page
    assert "<strong>Paid</strong>" in page  # the order's own status is unchanged

    rows = list(selectors.reconciliation(since=timezone.now() - timedelta(days=1)))
    assert [(r.issue, r.resolved) for r in rows if r.order == order] == [("second_charge_refunded", True)]
    assert not [r for r in rows if r.issue == "possible_double_charge"]


@pytest.mark.django_db
@time_machine.travel(DURING_CONCESSION, tick=True)
def test_duplicate_callbacks_about_a_second_charge_refund_it_once(
    firm, officer, celery_eager, django_capture_on_commit_callbacks
):
    payer = firm.central.user
    order = services.payment_order_pay_from_deposit(order=_deposit_order(firm, officer), user=payer)
    # The sandbox's own record of the charge it took (the portal learns of it only by callback).
    SandboxCharge.objects.create(
        reference="ch_second",
        merchant_reference=order.reference,
        method="card",
        amount=order.amount,
        scenario="success",
        succeeded=True,
        callback_url="http://testserver/",
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = callback(order, kind="succeeded", charge="ch_second", event_id="evt_1")
    with django_capture_on_commit_callbacks(execute=True):
        replay = callback(order, kind="succeeded", charge="ch_second", event_id="evt_1")
    with django_capture_on_commit_callbacks(execute=True):
        other_id = callback(order, kind="succeeded", charge="ch_second", event_id="evt_2")

    assert replay.pk == first.pk and GatewayEvent.objects.get(pk=first.pk).deliveries == 2
    assert other_id.outcome == GatewayEvent.Outcome.SECOND_CHARGE
    refund = Refund.objects.get(kind="second_charge")
    assert (refund.status, refund.gateway_event_id) == ("completed", first.pk)
    assert SandboxRefund.objects.count() == 1
    assert SandboxCharge.objects.get(reference="ch_second").refunded_amount == order.amount
    assert _audits("payments.second_charge_refund_started") == 1
    assert _audits("payments.refund_completed") == 1
    notices = MessageItem.objects.filter(recipient=payer, kind="notice")
    assert notices.filter(subject_en__startswith="Second charge refunded").count() == 1
    assert notices.filter(subject_en__startswith="Refunded HK$").count() == 1
    assert len([m for m in mail.outbox if "Second charge" in m.subject]) == 1
    rows = [r for r in selectors.reconciliation(since=timezone.now() - timedelta(days=1)) if r.order == order]
    assert [(r.issue, r.resolved) for r in rows] == [("second_charge_refunded", True)]


@pytest.mark.django_db
@time_machine.travel(DURING_CONCESSION, tick=True)
def test_the_charge_that_paid_is_not_refunded_and_a_failed_refund_is_for_staff(
    party_in_person, django_capture_on_commit_callbacks, celery_eager
):
    order = services.payment_order_create(
        purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key="c", payer=party_in_person
    )
    services.payment_order_start(order=order, method="card", return_url="/")
    with django_capture_on_commit_callbacks(execute=True):
        callback(order, kind="succeeded", charge="ch_paid", event_id="evt_a")
        # The same charge reported again under a new event id: not a second charge.
        again = callback(order, kind="succeeded", charge="ch_paid", event_id="evt_b")
    assert again.outcome == GatewayEvent.Outcome.IGNORED
    assert not Refund.objects.exists()

    # A second charge the gateway cannot pay back (the sandbox has no such charge) is left for staff.
    with django_capture_on_commit_callbacks(execute=True):
        callback(order, kind="succeeded", charge="ch_unknown", event_id="evt_c")
    refund = Refund.objects.get()
    assert (refund.kind, refund.status) == ("second_charge", "failed")
    rows = [r for r in selectors.reconciliation(since=timezone.now() - timedelta(days=1)) if r.order == order]
    assert [(r.issue, r.resolved) for r in rows] == [("second_charge_refund_failed", False)]


@pytest.mark.django_db
@time_machine.travel(DURING_CONCESSION, tick=True)
def test_the_reconciliation_page_lists_a_refunded_second_charge_as_resolved(
    client, firm, officer, celery_eager, django_capture_on_commit_callbacks
):
    from tests.factories import PASSWORD, totp_code, totp_for

    order = services.payment_order_pay_from_deposit(order=_deposit_order(firm, officer), user=firm.central.user)
    SandboxCharge.objects.create(
        reference="ch_2",
        merchant_reference=order.reference,
        method="card",
        amount=order.amount,
        scenario="success",
        succeeded=True,
        callback_url="http://testserver/",
    )
    with django_capture_on_commit_callbacks(execute=True):
        callback(order, kind="succeeded", charge="ch_2", event_id="evt_2")
    secret = totp_for(officer)
    client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    response = client.get(reverse("admin:payments_reconciliation"))
    assert response.status_code == 200
    page = response.content.decode()
    resolved = page.split("Resolved automatically", 1)[1]
    assert "Second charge: refunded automatically" in resolved and order.reference in resolved
    assert "Possible double charge" not in page
    assert "Nothing to reconcile" in page.split("Resolved automatically", 1)[0]
