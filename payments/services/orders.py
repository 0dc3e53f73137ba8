"""Payment orders: create, start at a gateway, pay from a deposit account, settle, expire.

The status machine (every move is a conditional UPDATE naming the states it leaves,
plus an audit row, in one transaction)::

    created ──start──▶ pending ──succeeded──▶ paid ──refund in full──▶ refunded
       │                 │  └──declined/failed/timeout──▶ failed ──start again──▶ pending
       └──cancel──▶ cancelled           (a late "succeeded" still makes failed/cancelled paid:
                                          the gateway has taken the money)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import membership_for_user
from icms.calendar.stamping import deemed_receipt_stamp
from icms.core.audit import AuditEventType, audit_record

from ..deposits import TOP_UP_METHODS
from ..fees import Quote, quote
from ..gateways import adapter_for_method
from ..gateways.base import HostedPage
from ..models import ZERO, PaymentOrder, PaymentPurpose
from .deposits import deposit_top_up_credit
from .errors import PaymentRefused
from .follow_up import paid_follow_up_owe
from .ledger import deposit_account_for_membership, ledger_debit
from .notices import Notice, payer_notify
from .receipts import receipt_allocate

Status = PaymentOrder.Status
PAYABLE = (Status.CREATED, Status.PENDING, Status.FAILED)


def _user_or_none(user: User | AnonymousUser | None) -> User | None:
    return user if isinstance(user, User) and user.is_authenticated else None


def _snapshot(order: PaymentOrder) -> dict[str, Any]:
    return {
        "status": order.status,
        "amount": str(order.amount),
        "method": order.method,
        "gateway": order.gateway,
        "gateway_reference": order.gateway_reference,
    }


def _apply_quote(order: PaymentOrder, q: Quote) -> None:
    order.lines = q.snapshot()
    order.standard_total = q.standard_total
    order.amount = q.e_fee_total


@transaction.atomic
def payment_order_create(
    *,
    purpose: str,
    court_level: str,
    items: Sequence[str],
    idempotency_key: str,
    payer: User | AnonymousUser | None = None,
    purpose_ref: str = "",
    at: datetime | None = None,
) -> PaymentOrder:
    """Create the order for paying ``items`` (fee item codes) at a court level, with their quote.

    Idempotent: the same ``idempotency_key`` from the same payer (or from the public)
    returns the order already made, so a double submit never makes two orders. Raises
    :class:`payments.fees.UnknownFeeItem` for an item not in force.
    """
    payer = _user_or_none(payer)
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64:
        raise PaymentRefused(_("The payment form has expired. Please start again."))
    existing = PaymentOrder.objects.filter(payer=payer, idempotency_key=key).first()
    if existing is not None:
        if existing.status == Status.CANCELLED:
            # The payer cancelled, then chose to pay after all: the same order again, not
            # a second one for the same thing (the key says what is being paid for).
            _reopen(existing, actor=payer)
        return existing
    q = quote(items, court_level, at)
    order = PaymentOrder(purpose=purpose, purpose_ref=purpose_ref, court_level=q.court_level, payer=payer)
    order.idempotency_key = key
    _apply_quote(order, q)
    order.full_clean(exclude=["reference", "received_at"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError:
        # The same key raced in from a second click: that order wins.
        return PaymentOrder.objects.get(payer=payer, idempotency_key=key)
    audit_record(
        event_type=AuditEventType.PAYMENTS_ORDER_CREATED,
        actor=payer,
        target=order,
        after={**_snapshot(order), "purpose": purpose, "purpose_ref": purpose_ref, "lines": order.lines},
    )
    return order


def callback_url(gateway_code: str) -> str:
    return str(settings.PAYMENT_CALLBACK_BASE_URL).rstrip("/") + reverse("payments:callback", args=[gateway_code])


@transaction.atomic
def payment_order_start(
    *, order: PaymentOrder, method: str, return_url: str, actor: User | AnonymousUser | None = None
) -> HostedPage:
    """Send the order to the gateway for ``method`` (card, pps, fps): returns the hosted page.

    The quote is taken again now, because the decisive date is the time of the
    e-payment ([P], icms-reference §3). Starting again (a double click, or a new
    attempt after a failure) is allowed until the order is paid. A deposit account
    top-up is no fee: its amount stands, and it is paid by card or FPS only.
    """
    top_up = order.purpose == PaymentPurpose.DEPOSIT_TOP_UP
    if top_up and method not in TOP_UP_METHODS:
        raise PaymentRefused(_("A deposit account is topped up by card or FPS."))
    try:
        adapter = adapter_for_method(method)
    except LookupError:
        raise PaymentRefused(_("Payment by this method is not available at present.")) from None
    locked = PaymentOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status not in PAYABLE:
        raise PaymentRefused(
            _("This payment can no longer be made: it is %(status)s.") % {"status": locked.get_status_display()}
        )
    before = _snapshot(locked)
    if not top_up:
        _apply_quote(locked, quote([line["item"] for line in locked.lines], locked.court_level))
    if locked.amount == ZERO:
        raise PaymentRefused(_("No fee is payable: there is nothing to pay by card, PPS or FPS."))
    now = timezone.now()
    PaymentOrder.objects.filter(pk=locked.pk, status__in=PAYABLE).update(
        status=Status.PENDING,
        method=method,
        gateway=adapter.code,
        failure_reason="",
        pending_since=now,
        lines=locked.lines,
        standard_total=locked.standard_total,
        amount=locked.amount,
        updated_at=now,
    )
    locked.refresh_from_db()
    audit_record(
        event_type=AuditEventType.PAYMENTS_ORDER_STARTED,
        actor=_user_or_none(actor),
        target=locked,
        before=before,
        after=_snapshot(locked),
    )
    return adapter.hosted_page(order=locked, return_url=return_url, callback_url=callback_url(adapter.code))


def order_mark_paid(
    *,
    order: PaymentOrder,
    received_at: datetime,
    gateway_reference: str = "",
    actor: User | None = None,
    **fields: Any,
) -> PaymentOrder:
    """Move a locked order to paid: received_at (written once), deemed receipt, receipt, hooks.

    The caller holds the order row lock inside its transaction.
    """
    before = _snapshot(order)
    updated = PaymentOrder.objects.filter(
        pk=order.pk, status__in=(*PAYABLE, Status.CANCELLED), received_at__isnull=True
    ).update(
        status=Status.PAID,
        received_at=received_at,
        failure_reason="",
        gateway_reference=gateway_reference or order.gateway_reference,
        updated_at=timezone.now(),
        **fields,
    )
    if updated != 1:
        raise RuntimeError(f"Order {order.reference} could not be marked paid from {order.status}.")
    deemed_receipt_stamp(model=PaymentOrder, pk=order.pk)
    order.refresh_from_db()
    audit_record(
        event_type=AuditEventType.PAYMENTS_ORDER_PAID,
        actor=actor,
        target=order,
        before=before,
        after={
            **_snapshot(order),
            "received_at": order.received_at.isoformat() if order.received_at else None,
            "deemed_received_at": order.deemed_received_at.isoformat() if order.deemed_received_at else None,
            "deemed_rule": order.deemed_rule,
        },
    )
    if order.purpose == PaymentPurpose.DEPOSIT_TOP_UP:
        deposit_top_up_credit(order)  # the money is in: credit the account in this same transaction
    receipt_allocate(order=order)
    paid_follow_up_owe(order)
    from ..webhooks import payment_settled_event

    payment_settled_event(order)  # the payer's organisation hears of it (accounts.webhooks)
    return order


def order_mark_failed(*, order: PaymentOrder, reason: str, actor: User | None = None) -> bool:
    """Move a created or pending order to failed. False if it had already moved on.

    When the gateway said no (``declined`` or ``failed``) the payer is told at once, with
    what to do next. A ``timeout`` is our own guess, not the gateway's answer: the money
    may still arrive, so the payer is not told that it failed.
    """
    updated = PaymentOrder.objects.filter(pk=order.pk, status__in=(Status.CREATED, Status.PENDING)).update(
        status=Status.FAILED, failure_reason=reason, updated_at=timezone.now()
    )
    if updated:
        audit_record(
            event_type=AuditEventType.PAYMENTS_ORDER_FAILED,
            actor=actor,
            target=order,
            before=_snapshot(order),
            after={"status": Status.FAILED, "reason": reason},
        )
        notice = {"declined": Notice.DECLINED, "failed": Notice.FAILED}.get(reason)
        if notice is not None:
            order.refresh_from_db()
            payer_notify(notice=notice, order=order)
    return bool(updated)


@transaction.atomic
def payment_order_pay_from_deposit(*, order: PaymentOrder, user: User) -> PaymentOrder:
    """Pay the order from the user's branch sub-account (or the main account if no branch).

    Refused with a clear message if the user has no deposit account or it would be
    overdrawn. Paying an order already paid returns it unchanged (a double click).
    """
    membership = membership_for_user(user)
    if membership is None:
        raise PaymentRefused(_("Only members of an organisation with a deposit account can pay from one."))
    account = deposit_account_for_membership(membership)
    if account is None:
        raise PaymentRefused(
            _("Your branch (%(branch)s) has no deposit sub-account. Ask your organisation's administrator.")
            % {"branch": membership.branch_code or _("main")}
        )
    if order.purpose == PaymentPurpose.DEPOSIT_TOP_UP:
        raise PaymentRefused(_("A deposit account is topped up by card or FPS."))
    locked = PaymentOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status == Status.PAID and locked.method == PaymentOrder.Method.DEPOSIT:
        return locked
    if locked.status not in (Status.CREATED, Status.FAILED):
        raise PaymentRefused(
            _("This payment can no longer be made: it is %(status)s.") % {"status": locked.get_status_display()}
        )
    q = quote([line["item"] for line in locked.lines], locked.court_level)
    _apply_quote(locked, q)
    PaymentOrder.objects.filter(pk=locked.pk).update(
        lines=locked.lines, standard_total=locked.standard_total, amount=locked.amount
    )
    if locked.amount > ZERO:
        ledger_debit(account=account, amount=locked.amount, order=locked, actor=user)
    return order_mark_paid(
        order=locked,
        received_at=timezone.now(),
        gateway_reference="",
        actor=user,
        method=PaymentOrder.Method.DEPOSIT,
        gateway="deposit",
        deposit_account=account,
    )


@transaction.atomic
def payment_order_settle_nil(*, order: PaymentOrder, actor: User | AnonymousUser | None = None) -> PaymentOrder:
    """Settle an order whose e-fee is nil (e.g. Cap. 638F, item 3(a)): paid, with nothing taken."""
    locked = PaymentOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status == Status.PAID:
        return locked
    if locked.purpose == PaymentPurpose.DEPOSIT_TOP_UP:
        raise PaymentRefused(_("A fee is payable for this order."))
    q = quote([line["item"] for line in locked.lines], locked.court_level)
    if q.e_fee_total != ZERO or locked.status not in PAYABLE:
        raise PaymentRefused(_("A fee is payable for this order."))
    return order_mark_paid(order=locked, received_at=timezone.now(), actor=_user_or_none(actor), amount=ZERO)


@transaction.atomic
def _reopen(order: PaymentOrder, *, actor: User | None) -> None:
    reopened = PaymentOrder.objects.filter(pk=order.pk, status=Status.CANCELLED).update(
        status=Status.CREATED, updated_at=timezone.now()
    )
    if reopened:
        audit_record(
            event_type=AuditEventType.PAYMENTS_ORDER_REOPENED,
            actor=actor,
            target=order,
            before={"status": Status.CANCELLED},
            after={"status": Status.CREATED},
        )
    order.refresh_from_db()


@transaction.atomic
def payment_order_cancel(*, order: PaymentOrder, actor: User | AnonymousUser | None = None) -> bool:
    """Cancel an order not yet sent to a gateway (or whose attempt failed)."""
    updated = PaymentOrder.objects.filter(pk=order.pk, status__in=(Status.CREATED, Status.FAILED)).update(
        status=Status.CANCELLED, updated_at=timezone.now()
    )
    if updated:
        audit_record(
            event_type=AuditEventType.PAYMENTS_ORDER_CANCELLED,
            actor=_user_or_none(actor),
            target=order,
            before=_snapshot(order),
            after={"status": Status.CANCELLED},
        )
    return bool(updated)


def payment_orders_expire(*, now: datetime | None = None) -> int:
    """Mark failed (reason ``timeout``) every pending order with no answer for too long.

    Each row is claimed by its own conditional UPDATE, so two sweeps never both expire it.
    A late success from the gateway still completes the order (see the module docstring).
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.PAYMENT_PENDING_TIMEOUT_MINUTES)
    expired = 0
    for order in PaymentOrder.objects.filter(status=Status.PENDING, pending_since__lt=cutoff).order_by("pk")[:500]:
        with transaction.atomic():
            expired += order_mark_failed(order=order, reason="timeout")
    return expired
