"""Payments' webhook events: ``payment.settled`` and ``refund.paid`` (docs/webhooks.md).

Each goes to the payer's organisation: the organisation of the deposit account charged,
or else the organisation the payer was a member of when it happened. A member of the
public, or an individual user, has none, and no webhook. Amounts are strings in HKD;
times ISO 8601 in Hong Kong time. Each function runs inside the transaction of the change.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Organisation
from accounts.selectors import membership_for_user
from accounts.webhooks import EventType, organisation_listens, webhook_event_record
from filing.webhooks import hkt

from .models import DepositAccount, PaymentOrder, Receipt, Refund


def _organisation_of(order: PaymentOrder) -> Organisation | None:
    if order.deposit_account_id is not None:
        return DepositAccount.objects.select_related("organisation").get(pk=order.deposit_account_id).organisation
    if order.payer is None:
        return None
    membership = membership_for_user(order.payer)
    return membership.organisation if membership is not None else None


def _order_data(order: PaymentOrder) -> dict[str, Any]:
    receipt = Receipt.objects.filter(order=order).first()
    return {
        "reference": order.reference,
        "purpose": order.purpose,
        "purpose_reference": order.purpose_ref,
        "status": order.status,
        "method": order.method,
        "currency": "HKD",
        "amount": str(order.amount),
        "standard_amount": str(order.standard_total),
        "fee_lines": [
            {"item": line.get("item"), "e_fee": line.get("e_fee"), "standard": line.get("standard")}
            for line in order.lines
        ],
        "received_at": hkt(order.received_at),
        "deemed_received_at": hkt(order.deemed_received_at),
        "deemed_rule": order.deemed_rule,
        "receipt_number": receipt.number if receipt is not None else None,
    }


def payment_settled_event(order: PaymentOrder) -> None:
    """``payment.settled``: the order is paid (by gateway, deposit account, or a nil fee)."""
    order = PaymentOrder.objects.select_related("payer").get(pk=order.pk)
    organisation = _organisation_of(order)
    if organisation is None or not organisation_listens(organisation.pk):
        return
    webhook_event_record(organisation=organisation, event_type=EventType.PAYMENT_SETTLED, data=_order_data(order))


def refund_paid_event(refund: Refund) -> None:
    """``refund.paid``: the money went back (to the card, account or deposit account it came from)."""
    refund = Refund.objects.select_related("order__payer").get(pk=refund.pk)
    order = refund.order
    organisation = _organisation_of(order)
    if organisation is None or not organisation_listens(organisation.pk):
        return
    webhook_event_record(
        organisation=organisation,
        event_type=EventType.REFUND_PAID,
        data={
            "reference": refund.reference,
            "kind": refund.kind,
            "method": refund.method or order.method,
            "currency": "HKD",
            "amount": str(refund.amount),
            "completed_at": hkt(refund.completed_at),
            "payment": {
                "reference": order.reference,
                "purpose": order.purpose,
                "purpose_reference": order.purpose_ref,
            },
        },
    )
