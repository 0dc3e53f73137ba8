"""Gateway callbacks: verified, deduplicated by event id, applied idempotently, audited.

Every callback is recorded as a :class:`~payments.models.GatewayEvent`, believed or not.
A verified event is unique by ``(gateway, event_id)``, so a replay (or five) finds the
row already there and changes nothing. Events move an order only forward, so callbacks
that arrive out of order end in the right state: a "pending" after "succeeded" is
ignored, and a "declined" for an order already paid is ignored.

A "succeeded" for another charge than the one that paid the order (a card page submitted
again after the order was paid some other way) is money the payer does not owe: it is
recorded as a second charge and refunded automatically through the gateway that took it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from icms.core.audit import AuditEventType, audit_record

from ..gateways import adapter_for_code
from ..gateways.base import CallbackRejected, EventKind, GatewayEventData
from ..models import GatewayEvent, PaymentOrder
from .orders import order_mark_failed, order_mark_paid
from .refunds import second_charge_refund_start

Status = PaymentOrder.Status
Outcome = GatewayEvent.Outcome


def _peek_event_id(body: bytes) -> str:
    try:
        value = json.loads(body).get("id", "")
    except (ValueError, AttributeError):
        return ""
    return str(value)[:100]


def _record_rejected(gateway: str, body: bytes, reason: str) -> GatewayEvent:
    with transaction.atomic():
        event = GatewayEvent.objects.create(
            gateway=gateway,
            event_id=_peek_event_id(body),
            raw_body=body.decode("utf-8", errors="replace")[:20000],
            signature_ok=False,
            rejection_reason=reason,
            outcome=Outcome.REJECTED,
            processed_at=timezone.now(),
        )
        audit_record(
            event_type=AuditEventType.PAYMENTS_CALLBACK_REJECTED,
            target=event,
            after={"gateway": gateway, "event_id": event.event_id, "reason": reason},
        )
    return event


def gateway_callback_receive(*, gateway: str, headers: Mapping[str, str], body: bytes) -> GatewayEvent:
    """Verify, record and apply one callback. Raises CallbackRejected (after recording it)
    for a bad signature or a stale timestamp, and LookupError for an unknown gateway."""
    adapter = adapter_for_code(gateway)
    try:
        data = adapter.verify_callback(headers=headers, body=body, now=timezone.now())
    except CallbackRejected as rejected:
        _record_rejected(gateway, body, rejected.reason)
        raise
    return _apply(gateway, data, body)


@transaction.atomic
def _apply(gateway: str, data: GatewayEventData, body: bytes) -> GatewayEvent:
    try:
        with transaction.atomic():
            event = GatewayEvent.objects.create(
                gateway=gateway,
                event_id=data.event_id,
                kind=data.kind.value,
                order_reference=data.order_reference,
                gateway_reference=data.gateway_reference,
                amount=data.amount,
                raw_body=body.decode("utf-8", errors="replace"),
                payload=dict(data.payload),
                signature_ok=True,
            )
    except IntegrityError:
        # A replay: seen, counted, never applied again.
        GatewayEvent.objects.filter(gateway=gateway, event_id=data.event_id, signature_ok=True).update(
            deliveries=F("deliveries") + 1
        )
        return GatewayEvent.objects.get(gateway=gateway, event_id=data.event_id, signature_ok=True)

    order = PaymentOrder.objects.select_for_update().filter(reference=data.order_reference).first()
    outcome = _outcome(gateway, order, data)
    GatewayEvent.objects.filter(pk=event.pk).update(order=order, outcome=outcome, processed_at=timezone.now())
    event.refresh_from_db()
    if outcome == Outcome.SECOND_CHARGE and order is not None:
        audit_record(
            event_type=AuditEventType.PAYMENTS_SECOND_CHARGE_RECEIVED,
            target=order,
            after={
                "gateway": gateway,
                "charge": data.gateway_reference,
                "event_id": data.event_id,
                "amount": str(data.amount),
                "paid_by": {"method": order.method, "gateway": order.gateway, "charge": order.gateway_reference},
            },
        )
        second_charge_refund_start(order=order, event=event)
    if outcome == Outcome.MISMATCH:
        audit_record(
            event_type=AuditEventType.PAYMENTS_CALLBACK_MISMATCH,
            target=event,
            after={"order": data.order_reference, "amount": str(data.amount), "currency": data.currency},
        )
    return event


def _is_second_charge(gateway: str, order: PaymentOrder, data: GatewayEventData) -> bool:
    """A success for a settled order, for money other than the charge that settled it."""
    return (
        data.kind == EventKind.SUCCEEDED
        and order.status in (Status.PAID, Status.REFUNDED)
        and (order.gateway, order.gateway_reference) != (gateway, data.gateway_reference)
        and bool(data.gateway_reference)
        and data.currency == "HKD"
        and data.amount > 0
    )


def _outcome(gateway: str, order: PaymentOrder | None, data: GatewayEventData) -> str:
    if order is None:
        return Outcome.UNKNOWN_ORDER
    if _is_second_charge(gateway, order, data):
        # Whatever its amount, the charge is not owed: it goes back whole.
        return Outcome.SECOND_CHARGE
    if data.currency != "HKD" or data.amount != order.amount:
        return Outcome.MISMATCH
    if data.kind == EventKind.PENDING:
        # The gateway confirms the attempt and names it; anything later than pending has moved on.
        if order.status not in (Status.CREATED, Status.PENDING) or order.gateway_reference == data.gateway_reference:
            return Outcome.IGNORED
        PaymentOrder.objects.filter(pk=order.pk, status__in=(Status.CREATED, Status.PENDING)).update(
            status=Status.PENDING,
            gateway_reference=data.gateway_reference,
            pending_since=order.pending_since or timezone.now(),
        )
        return Outcome.APPLIED
    if data.kind == EventKind.SUCCEEDED:
        if order.status in (Status.PAID, Status.REFUNDED):
            return Outcome.IGNORED
        # The time the gateway took the money decides deemed receipt and the concession;
        # a clock ahead of ours is not believed.
        received_at = min(data.occurred_at, timezone.now())
        # The gateway that took the money is the one that pays it back: the payer may have
        # started with another method since.
        order_mark_paid(
            order=order,
            received_at=received_at,
            gateway_reference=data.gateway_reference,
            gateway=gateway,
            method=adapter_for_code(gateway).method,
        )
        return Outcome.APPLIED
    # Declined or failed: only an order still waiting can fail, and only for its current attempt.
    if order.gateway_reference and order.gateway_reference != data.gateway_reference:
        return Outcome.IGNORED
    return Outcome.APPLIED if order_mark_failed(order=order, reason=data.kind.value) else Outcome.IGNORED
