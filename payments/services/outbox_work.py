"""Payments' outbox work: what each kind does, and what happens when it fails for good.

Failures are audited by the outbox and alerted to the accounts officers; the payer is
told when something they are owed (a receipt, a refund) will follow.
"""

from __future__ import annotations

from icms.core.audit_events import AuditEventType
from icms.core.models import OutboxItem
from icms.core.outbox import register_kind

from .. import hooks
from ..models import PaymentOrder, Receipt, Refund
from ..sandbox.tasks import CallbackNotAccepted, sandbox_callbacks_deliver
from .follow_up import PAID, RECEIPT_REFRESH, RECEIPT_RENDER, REFUND_EXECUTE, REFUNDED, SANDBOX_CALLBACK
from .notices import Notice, payer_notify
from .receipts import receipt_render_and_store, receipt_rerender_and_store
from .refunds import refund_execute_via_gateway

# Money needs the accounts office: its officers are alerted.
ACCOUNTS_ALERTS = "Accounts officer"


def receipt_failed(item: OutboxItem) -> None:
    """The receipt could not be made: the payer learns it will follow."""
    receipt = Receipt.objects.select_related("order").get(pk=int(item.target_id))
    payer_notify(notice=Notice.RECEIPT_DELAYED, order=receipt.order)


def receipt_refresh_failed(item: OutboxItem) -> None:
    """The payer still has the receipt as issued; the alert to the accounts office is the report."""


def refund_payout_failed(item: OutboxItem) -> None:
    """The refund could not be sent: the payer learns it is delayed, and will follow."""
    refund = Refund.objects.select_related("order").get(pk=int(item.target_id))
    payer_notify(notice=Notice.REFUND_DELAYED, order=refund.order, refund=refund)


def follow_up_failed(item: OutboxItem) -> None:
    """Another app's reaction to a payment failed; the alert to the accounts office is the report."""


def register_payments_follow_ups() -> None:
    register_kind(
        RECEIPT_RENDER,
        run=lambda item: receipt_render_and_store(receipt_id=int(item.target_id)),
        failed=receipt_failed,
        failed_event=AuditEventType.PAYMENTS_RECEIPT_FAILED,
        alert_group=ACCOUNTS_ALERTS,
        max_attempts=6,
        time_limit=90,
        rendering=True,
    )
    register_kind(
        RECEIPT_REFRESH,
        run=lambda item: receipt_rerender_and_store(receipt_id=int(item.target_id)),
        failed=receipt_refresh_failed,
        failed_event=AuditEventType.PAYMENTS_RECEIPT_FAILED,
        alert_group=ACCOUNTS_ALERTS,
        max_attempts=6,
        time_limit=90,
        rendering=True,
    )
    register_kind(
        REFUND_EXECUTE,
        run=lambda item: refund_execute_via_gateway(refund_id=int(item.target_id)),
        failed=refund_payout_failed,
        failed_event=AuditEventType.PAYMENTS_REFUND_PAYOUT_FAILED,
        alert_group=ACCOUNTS_ALERTS,
        time_limit=90,
        # The gateway unreachable or timing out (urllib's errors are OSErrors).
        transient=(OSError,),
    )
    register_kind(
        PAID,
        run=lambda item: hooks.paid_handlers_run(PaymentOrder.objects.get(pk=int(item.target_id))),
        failed=follow_up_failed,
        failed_event=AuditEventType.PAYMENTS_FOLLOW_UP_FAILED,
        alert_group=ACCOUNTS_ALERTS,
        time_limit=60,
    )
    register_kind(
        REFUNDED,
        run=lambda item: hooks.refund_handlers_run(Refund.objects.select_related("order").get(pk=int(item.target_id))),
        failed=follow_up_failed,
        failed_event=AuditEventType.PAYMENTS_FOLLOW_UP_FAILED,
        alert_group=ACCOUNTS_ALERTS,
        time_limit=60,
    )
    register_kind(
        SANDBOX_CALLBACK,
        run=lambda item: sandbox_callbacks_deliver(item.payload["callbacks"]),
        failed=follow_up_failed,
        failed_event=AuditEventType.PAYMENTS_SANDBOX_CALLBACK_FAILED,
        time_limit=90,
        transient=(CallbackNotAccepted, OSError),
    )
