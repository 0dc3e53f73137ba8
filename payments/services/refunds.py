"""Refunds: requested (e.g. when the registry returns a filing), approved, paid back.

An accounts officer approves a refund. Above ``PAYMENT_REFUND_SECOND_APPROVAL_ABOVE``
a second, different officer must approve it too. The money goes back the way it came:
into the deposit account's ledger at once, or through the gateway adapter by a task.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from icms.core.audit import AuditEventType, audit_record

from ..gateways import adapter_for_code
from ..models import ZERO, GatewayEvent, PaymentOrder, Refund
from .errors import PaymentRefused
from .follow_up import receipt_refresh_owe, refund_payout_owe, refunded_follow_up_owe
from .ledger import ledger_credit_refund
from .notices import Notice, payer_notify

RS = Refund.Status
OPEN = (RS.REQUESTED, RS.AWAITING_SECOND, RS.APPROVED)
COUNTED = (*OPEN, RS.COMPLETED)
ORDER_REFUND = Refund.Kind.ORDER
SECOND_CHARGE = Refund.Kind.SECOND_CHARGE


def _refunded_or_open(order: PaymentOrder) -> Decimal:
    """What is refunded or on its way back of the order's own payment (second charges are apart)."""
    total = Refund.objects.filter(order=order, kind=ORDER_REFUND, status__in=COUNTED).aggregate(t=Sum("amount"))["t"]
    return total if total is not None else ZERO


@transaction.atomic
def refund_request_for_order(
    *, order: PaymentOrder, reason: str, requested_by: User | None = None, amount: Decimal | None = None
) -> Refund:
    """Ask for (part of) a paid order's money back. The seam the filing review calls on return.

    ``amount`` defaults to what is left to refund. Idempotent for a whole refund: asking
    again while one is open returns it.
    """
    locked = PaymentOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status != PaymentOrder.Status.PAID:
        raise PaymentRefused(_("Only a paid order can be refunded."))
    if locked.purpose == PaymentOrder.Purpose.DEPOSIT_TOP_UP:
        # The money is on the deposit ledger now: paying it back is a ledger adjustment.
        raise PaymentRefused(
            _("A deposit account top-up is not refunded here: adjust the deposit account instead."),
            code="top_up",
        )
    left = locked.amount - _refunded_or_open(locked)
    if amount is None:
        open_refund = Refund.objects.filter(order=locked, kind=ORDER_REFUND, status__in=OPEN).first()
        if open_refund is not None:
            return open_refund
        amount = left
    if amount <= ZERO or amount > left:
        raise PaymentRefused(
            _("A refund must be more than HK$0 and at most HK$%(left)s.") % {"left": f"{max(left, ZERO):,.2f}"}
        )
    refund = Refund(
        order=locked,
        amount=amount,
        reason=reason,
        requested_by=requested_by,
        method=locked.method,
        gateway=locked.gateway,
    )
    refund.full_clean(exclude=["reference"], validate_constraints=False)
    refund.save()
    audit_record(
        event_type=AuditEventType.PAYMENTS_REFUND_REQUESTED,
        actor=requested_by,
        target=refund,
        after={"order": locked.reference, "amount": str(amount), "reason": reason},
    )
    payer_notify(notice=Notice.REFUND_REQUESTED, order=locked, refund=refund)
    receipt_refresh_owe(order=locked)
    return refund


@transaction.atomic
def second_charge_refund_start(*, order: PaymentOrder, event: GatewayEvent) -> Refund:
    """Pay back a charge the gateway took for an order already paid by another attempt.

    The payer owes nothing more, so no officer approves it: the refund is approved at once
    and a task asks the gateway that took the money to pay it back. Idempotent: the charge
    (gateway and charge reference) is claimed by a unique constraint, so a callback
    delivered again, or a second event about the same charge, returns the same refund.
    """
    if event.amount is None or event.amount <= ZERO or not event.gateway_reference:
        raise ValueError(f"Gateway event {event.pk} does not describe a charge.")
    existing = Refund.objects.filter(
        kind=SECOND_CHARGE, gateway=event.gateway, charge_reference=event.gateway_reference
    ).first()
    if existing is not None:
        return existing
    from ..gateways import adapter_for_code

    refund = Refund(
        order=order,
        kind=SECOND_CHARGE,
        amount=event.amount,
        reason=f"Second charge {event.gateway_reference} for order {order.reference}, already paid",
        status=RS.APPROVED,
        method=adapter_for_code(event.gateway).method,
        gateway=event.gateway,
        charge_reference=event.gateway_reference,
        gateway_event=event,
        first_approved_at=timezone.now(),
    )
    refund.full_clean(exclude=["reference"], validate_constraints=False)
    try:
        with transaction.atomic():
            refund.save()
    except IntegrityError:
        # A concurrent delivery about the same charge claimed it first; that refund stands.
        return Refund.objects.get(kind=SECOND_CHARGE, gateway=event.gateway, charge_reference=event.gateway_reference)
    audit_record(
        event_type=AuditEventType.PAYMENTS_SECOND_CHARGE_REFUND_STARTED,
        target=refund,
        after={
            "order": order.reference,
            "order_status": order.status,
            "gateway": event.gateway,
            "charge": event.gateway_reference,
            "event_id": event.event_id,
            "amount": str(event.amount),
            "status": RS.APPROVED,
        },
    )
    payer_notify(notice=Notice.SECOND_CHARGE, order=order, refund=refund)
    receipt_refresh_owe(order=order)
    refund_payout_owe(refund)
    return refund


@transaction.atomic
def refund_unfiled_for_order(*, order: PaymentOrder, amount: Decimal, reason: str) -> Refund | None:
    """Pay back at once, without an officer, part of a paid order whose service the portal never gave.

    For the fee lines of bulk batch rows that were paid for and never filed (a row the filer
    dropped, the rows of a batch that expired): the portal itself records that nothing was
    filed for them, and ``amount`` is the sum of their own lines as charged, so there is
    nothing for an officer to decide (as for a second charge). The refund is of kind
    ``order`` (it counts against the order's own payment, which becomes refunded when all of
    it is), approved at once and paid back the way the money came: into the deposit ledger in
    this transaction, or through the gateway by a task. ``amount`` is capped at what is left
    to refund; None when nothing is (the order not paid, or already refunded in full).
    """
    locked = PaymentOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status != PaymentOrder.Status.PAID:
        return None
    amount = min(amount, locked.amount - _refunded_or_open(locked))
    if amount <= ZERO:
        return None
    refund = Refund(
        order=locked,
        amount=amount,
        reason=reason,
        status=RS.APPROVED,
        method=locked.method,
        gateway=locked.gateway,
        first_approved_at=timezone.now(),
    )
    refund.full_clean(exclude=["reference"], validate_constraints=False)
    refund.save()
    audit_record(
        event_type=AuditEventType.PAYMENTS_REFUND_APPROVED,
        target=refund,
        after={"order": locked.reference, "amount": str(amount), "reason": reason, "approved": "automatically"},
    )
    refund.order = locked
    _pay_back(refund, None)
    refund.refresh_from_db()
    return refund


def _require_officer(officer: User) -> None:
    if not officer.has_perm("payments.approve_refund"):
        raise PermissionDenied


@transaction.atomic
def refund_approve(*, refund: Refund, officer: User) -> Refund:
    """Approve a refund (first or second approval); once fully approved, pay it back."""
    _require_officer(officer)
    locked = Refund.objects.select_for_update().select_related("order").get(pk=refund.pk)
    now = timezone.now()
    if locked.status == RS.REQUESTED:
        needs_second = locked.amount > settings.PAYMENT_REFUND_SECOND_APPROVAL_ABOVE
        Refund.objects.filter(pk=locked.pk, status=RS.REQUESTED).update(
            status=RS.AWAITING_SECOND if needs_second else RS.APPROVED,
            first_approved_by=officer,
            first_approved_at=now,
            updated_at=now,
        )
        event = (
            AuditEventType.PAYMENTS_REFUND_FIRST_APPROVAL if needs_second else AuditEventType.PAYMENTS_REFUND_APPROVED
        )
    elif locked.status == RS.AWAITING_SECOND:
        if locked.first_approved_by_id == officer.pk:
            raise PaymentRefused(_("A second approval must come from a different accounts officer."))
        Refund.objects.filter(pk=locked.pk, status=RS.AWAITING_SECOND).update(
            status=RS.APPROVED, second_approved_by=officer, second_approved_at=now, updated_at=now
        )
        event = AuditEventType.PAYMENTS_REFUND_APPROVED
    else:
        raise PaymentRefused(_("This refund is not waiting for approval."))
    locked.refresh_from_db()
    audit_record(
        event_type=event,
        actor=officer,
        target=locked,
        before={"status": refund.status},
        after={"status": locked.status, "amount": str(locked.amount)},
    )
    if locked.status == RS.APPROVED:
        _pay_back(locked, officer)
    return locked


def _pay_back(refund: Refund, officer: User | None) -> None:
    order = refund.order
    if refund.kind == ORDER_REFUND and order.method == PaymentOrder.Method.DEPOSIT:
        if order.deposit_account is None:
            raise RuntimeError(f"Deposit order {order.reference} has no account.")
        entry = ledger_credit_refund(account=order.deposit_account, refund=refund, actor=officer)
        refund_complete(refund=refund, gateway_reference=f"ledger:{entry.pk}")
    else:
        refund_payout_owe(refund)


@transaction.atomic
def refund_reject(*, refund: Refund, officer: User, reason: str, note: str = "") -> Refund:
    """Reject a refund waiting for approval, for a coded ``reason`` (a :class:`Refund.RejectionReason`).

    The payer is told as of any other decision on their refund: a message in their box and an
    email, with the reason in their language and the officer's ``note`` as written (needed
    when the reason is "other"). Their payments page shows the refund as rejected.
    """
    _require_officer(officer)
    note = note.strip()
    if reason not in Refund.RejectionReason.values:
        raise PaymentRefused(_("Choose the reason for rejecting the refund."), code="reason_needed")
    if reason == Refund.RejectionReason.OTHER and not note:
        raise PaymentRefused(_("Write the reason in the note: the payer reads it."), code="note_needed")
    updated = Refund.objects.filter(pk=refund.pk, status__in=(RS.REQUESTED, RS.AWAITING_SECOND)).update(
        status=RS.REJECTED, rejection_reason=reason, decided_note=note, updated_at=timezone.now()
    )
    if not updated:
        raise PaymentRefused(_("This refund is not waiting for approval."))
    before = refund.status
    refund.refresh_from_db()
    audit_record(
        event_type=AuditEventType.PAYMENTS_REFUND_REJECTED,
        actor=officer,
        target=refund,
        before={"status": before},
        after={"status": refund.status, "reason": reason, "note": note},
    )
    order = refund.order
    payer_notify(notice=Notice.REFUND_REJECTED, order=order, refund=refund)
    receipt_refresh_owe(order=order)  # a receipt made while the refund was pending no longer lists it
    return refund


@transaction.atomic
def refund_complete(*, refund: Refund, gateway_reference: str) -> bool:
    """Record that the money went back, and tell the payer where it went.

    The order becomes refunded once its own payment is fully refunded; paying back a
    second charge leaves the order as it was (it is still paid, by the first charge).
    """
    updated = Refund.objects.filter(pk=refund.pk, status=RS.APPROVED).update(
        status=RS.COMPLETED, gateway_reference=gateway_reference, completed_at=timezone.now()
    )
    if not updated:
        return False
    refund.refresh_from_db()
    order = PaymentOrder.objects.select_for_update().get(pk=refund.order_id)
    refunded = (
        Refund.objects.filter(order=order, kind=ORDER_REFUND, status=RS.COMPLETED).aggregate(t=Sum("amount"))["t"]
        or ZERO
    )
    if refund.kind == ORDER_REFUND and refunded >= order.amount:
        PaymentOrder.objects.filter(pk=order.pk, status=PaymentOrder.Status.PAID).update(
            status=PaymentOrder.Status.REFUNDED, updated_at=timezone.now()
        )
        audit_record(
            event_type=AuditEventType.PAYMENTS_ORDER_REFUNDED, target=order, after={"refunded": str(refunded)}
        )
    audit_record(
        event_type=AuditEventType.PAYMENTS_REFUND_COMPLETED,
        target=refund,
        after={
            "order": order.reference,
            "kind": refund.kind,
            "amount": str(refund.amount),
            "gateway_reference": gateway_reference,
        },
    )
    payer_notify(notice=Notice.REFUNDED, order=order, refund=refund)
    receipt_refresh_owe(order=order)
    if refund.kind == ORDER_REFUND:
        refunded_follow_up_owe(refund)
    from ..webhooks import refund_paid_event

    refund_paid_event(refund)  # the payer's organisation hears of it (accounts.webhooks)
    return True


@dataclass(slots=True)
class _Charge:
    """The charge a refund pays back, as the adapter sees an order (:class:`OrderLike`)."""

    reference: str
    amount: Decimal
    method: str
    gateway_reference: str


def _charge_of(refund: Refund) -> tuple[str, _Charge]:
    order = refund.order
    if refund.kind == SECOND_CHARGE:
        return refund.gateway, _Charge(order.reference, refund.amount, refund.method, refund.charge_reference)
    return order.gateway, _Charge(order.reference, order.amount, order.method, order.gateway_reference)


def refund_execute_via_gateway(*, refund_id: int) -> bool:
    """Pay an approved refund back through the gateway that took the money (run by a task).

    That is the order's gateway and charge, or for a second charge the gateway and charge
    the callback named. The adapter call is idempotent by the refund's reference, so a
    task delivered twice asks twice and the provider pays once.
    """
    refund = Refund.objects.select_related("order").get(pk=refund_id)
    if refund.status != RS.APPROVED:
        return False
    gateway, charge = _charge_of(refund)
    result = adapter_for_code(gateway).refund(order=charge, amount=refund.amount, reference=refund.reference)
    if result.ok:
        return refund_complete(refund=refund, gateway_reference=result.gateway_reference)
    with transaction.atomic():
        if Refund.objects.filter(pk=refund.pk, status=RS.APPROVED).update(
            status=RS.FAILED, decided_note=result.message
        ):
            audit_record(
                event_type=AuditEventType.PAYMENTS_REFUND_FAILED, target=refund, after={"message": result.message}
            )
    return False
