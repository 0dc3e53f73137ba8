"""What the sandbox gateway does: take (or refuse) a payment and owe the merchant callbacks.

Each scenario produces the callbacks a real provider might send:

* ``success``: pending, then succeeded;
* ``decline``: declined;  ``fail``: failed;
* ``delay``: pending now, succeeded after ``PAYMENT_SANDBOX_DELAY_SECONDS`` (a timeout, then a late success);
* ``duplicate``: pending, then the same succeeded event five times;
* ``reorder``: succeeded first, then the older pending event.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from payments.gateways.base import RefundResult

from .models import SandboxCallback, SandboxCharge, SandboxRefund


class AlreadyPaid(Exception):
    """The sandbox already took this merchant order's money."""


def _event(charge: SandboxCharge, kind: str, created: str) -> tuple[str, str]:
    event_id = "evt_" + secrets.token_hex(12)
    body = json.dumps(
        {
            "id": event_id,
            "type": f"payment.{kind}",
            "created": created,
            "data": {
                "charge": charge.reference,
                "merchant_reference": charge.merchant_reference,
                "amount": str(charge.amount),
                "currency": charge.currency,
                "method": charge.method,
            },
        },
        separators=(",", ":"),
    )
    return event_id, body


@transaction.atomic
def sandbox_charge_create(
    *, merchant_reference: str, method: str, amount: Decimal, callback_url: str, scenario: str
) -> SandboxCharge:
    """Take a payment as ``scenario`` says and schedule its callbacks (sent after commit)."""
    from ..services.follow_up import sandbox_callbacks_owe

    succeeds = scenario not in (SandboxCharge.Scenario.DECLINE, SandboxCharge.Scenario.FAIL)
    try:
        with transaction.atomic():
            charge = SandboxCharge.objects.create(
                reference="ch_" + secrets.token_hex(10),
                merchant_reference=merchant_reference,
                method=method,
                amount=amount,
                scenario=scenario,
                succeeded=succeeds,
                callback_url=callback_url,
            )
    except IntegrityError:
        raise AlreadyPaid(merchant_reference) from None
    now = timezone.now()
    later = now + timedelta(seconds=settings.PAYMENT_SANDBOX_DELAY_SECONDS)
    pending = _event(charge, "pending", now.isoformat())
    outcome_kind = {"decline": "declined", "fail": "failed"}.get(scenario, "succeeded")
    outcome = _event(charge, outcome_kind, (now + timedelta(milliseconds=1)).isoformat())
    plan: list[tuple[tuple[str, str], datetime]]
    if scenario in (SandboxCharge.Scenario.DECLINE, SandboxCharge.Scenario.FAIL):
        plan = [(outcome, now)]
    elif scenario == SandboxCharge.Scenario.DELAY:
        plan = [(pending, now), (outcome, later)]
    elif scenario == SandboxCharge.Scenario.DUPLICATE:
        plan = [(pending, now)] + [(outcome, now)] * 5
    elif scenario == SandboxCharge.Scenario.REORDER:
        plan = [(outcome, now), (pending, now)]
    else:
        plan = [(pending, now), (outcome, now)]
    callbacks = [
        SandboxCallback.objects.create(charge=charge, event_id=event[0], body=event[1], due_at=due, position=i)
        for i, (event, due) in enumerate(plan)
    ]
    ids = [cb.pk for cb in callbacks if cb.due_at <= now]
    # One piece of outbox work sends the due callbacks one after another, in the planned order.
    sandbox_callbacks_owe(charge, ids)
    return charge


def sandbox_refund(*, charge_reference: str, amount: Decimal, reference: str) -> RefundResult:
    """Pay back ``amount`` of a charge. Idempotent by ``reference``; never more than was taken."""
    with transaction.atomic():
        existing = SandboxRefund.objects.filter(reference=reference).first()
        if existing is not None:
            return RefundResult(ok=True, gateway_reference=f"re_{existing.pk}")
        updated = SandboxCharge.objects.filter(
            reference=charge_reference, succeeded=True, refunded_amount__lte=F("amount") - amount
        ).update(refunded_amount=F("refunded_amount") + amount)
        if updated != 1:
            return RefundResult(ok=False, message="Charge not found, not paid, or refund exceeds the amount.")
        refund = SandboxRefund.objects.create(
            reference=reference, charge=SandboxCharge.objects.get(reference=charge_reference), amount=amount
        )
    return RefundResult(ok=True, gateway_reference=f"re_{refund.pk}")
