"""Payments' side effects owed in the outbox (their work and failures: ``outbox_work``).

Kinds (registered in ``PaymentsConfig.ready`` by :mod:`.outbox_work`):

* ``payments.receipt_render``: the official receipt's PDF, then the receipt hooks
  (filing posts it to the payer's message box);
* ``payments.receipt_refresh``: the receipt again, after a refund (it lists refunds);
* ``payments.refund_execute``: an approved refund paid back through its gateway;
* ``payments.paid`` / ``payments.refunded``: the other apps' hooks on an order paid or
  refunded (:mod:`payments.hooks`), each idempotent;
* ``payments.sandbox_callback``: the development gateway's callbacks to us.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from icms.core.outbox import enqueue

from ..models import PaymentOrder, Receipt, Refund

if TYPE_CHECKING:
    from ..sandbox.models import SandboxCharge

RECEIPT_RENDER = "payments.receipt_render"
RECEIPT_REFRESH = "payments.receipt_refresh"
REFUND_EXECUTE = "payments.refund_execute"
PAID = "payments.paid"
REFUNDED = "payments.refunded"
SANDBOX_CALLBACK = "payments.sandbox_callback"


def receipt_render_owe(receipt: Receipt) -> None:
    enqueue(RECEIPT_RENDER, target=receipt)


def receipt_refresh_owe(*, order: PaymentOrder) -> None:
    """Owe a fresh rendering of the order's receipt (it lists the refunds), if it has one."""
    receipt = Receipt.objects.filter(order=order).first()
    if receipt is not None:
        enqueue(RECEIPT_REFRESH, target=receipt)


def refund_payout_owe(refund: Refund) -> None:
    enqueue(REFUND_EXECUTE, target=refund)


def paid_follow_up_owe(order: PaymentOrder) -> None:
    """Owe the paid hooks of the order's purpose (if any app registered one)."""
    from .. import hooks

    if hooks.has_paid_handlers(order.purpose):
        enqueue(PAID, target=order)


def refunded_follow_up_owe(refund: Refund) -> None:
    from .. import hooks

    if hooks.has_refund_handlers(refund.order.purpose):
        enqueue(REFUNDED, target=refund)


def sandbox_callbacks_owe(charge: SandboxCharge, callback_ids: list[int]) -> None:
    """Owe the sandbox gateway's due callbacks, sent one after another in the planned order."""
    enqueue(SANDBOX_CALLBACK, target=charge, payload={"callbacks": callback_ids})
