"""Refunds: requested (e.g. when the registry returns a filing), approved, paid back.

An accounts officer approves a refund. Above ``PAYMENT_REFUND_SECOND_APPROVAL_ABOVE``
a second, different officer must approve it too. The money goes back the way it came:
into the deposit account's ledger at once, or through the gateway adapter by a task.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import User

from .. import hooks
from ..gateways import adapter_for_code
from ..models import ZERO, PaymentOrder, Refund
from .errors import PaymentRefused
from .ledger import ledger_credit_refund

RS = Refund.Status
OPEN = (RS.REQUESTED, RS.AWAITING_SECOND, RS.APPROVED)
COUNTED = (*OPEN, RS.COMPLETED)


def _refunded_or_open(order: PaymentOrder) -> Decimal:
    total = Refund.objects.filter(order=order, status__in=COUNTED).aggregate(t=Sum("amount"))["t"]
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
    left = locked.amount - _refunded_or_open(locked)
    if amount is None:
        open_refund = Refund.objects.filter(order=locked, status__in=OPEN).first()
        if open_refund is not None:
            return open_refund
        amount = left
    if amount <= ZERO or amount > left:
        raise PaymentRefused(
            _("A refund must be more than HK$0 and at most HK$%(left)s.") % {"left": f"{max(left, ZERO):,.2f}"}
        )
    refund = Refund(order=locked, amount=amount, reason=reason, requested_by=requested_by)
    refund.full_clean(exclude=["reference"], validate_constraints=False)
    refund.save()
    audit_record(
        event_type="payments.refund_requested",
        actor=requested_by,
        target=refund,
        after={"order": locked.reference, "amount": str(amount), "reason": reason},
    )
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
        event = "payments.refund_first_approval" if needs_second else "payments.refund_approved"
    elif locked.status == RS.AWAITING_SECOND:
        if locked.first_approved_by_id == officer.pk:
            raise PaymentRefused(_("A second approval must come from a different accounts officer."))
        Refund.objects.filter(pk=locked.pk, status=RS.AWAITING_SECOND).update(
            status=RS.APPROVED, second_approved_by=officer, second_approved_at=now, updated_at=now
        )
        event = "payments.refund_approved"
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


def _pay_back(refund: Refund, officer: User) -> None:
    order = refund.order
    if order.method == PaymentOrder.Method.DEPOSIT:
        if order.deposit_account is None:
            raise RuntimeError(f"Deposit order {order.reference} has no account.")
        entry = ledger_credit_refund(account=order.deposit_account, refund=refund, actor=officer)
        refund_complete(refund=refund, gateway_reference=f"ledger:{entry.pk}")
    else:
        from ..tasks import refund_execute

        # celery-types does not know delay_on_commit (Celery 5.4+) yet.
        refund_execute.delay_on_commit(refund.pk)  # type: ignore[attr-defined]


@transaction.atomic
def refund_reject(*, refund: Refund, officer: User, note: str = "") -> Refund:
    _require_officer(officer)
    updated = Refund.objects.filter(pk=refund.pk, status__in=(RS.REQUESTED, RS.AWAITING_SECOND)).update(
        status=RS.REJECTED, decided_note=note, updated_at=timezone.now()
    )
    if not updated:
        raise PaymentRefused(_("This refund is not waiting for approval."))
    audit_record(event_type="payments.refund_rejected", actor=officer, target=refund, after={"note": note})
    refund.refresh_from_db()
    return refund


@transaction.atomic
def refund_complete(*, refund: Refund, gateway_reference: str) -> bool:
    """Record that the money went back; the order becomes refunded once fully refunded."""
    updated = Refund.objects.filter(pk=refund.pk, status=RS.APPROVED).update(
        status=RS.COMPLETED, gateway_reference=gateway_reference, completed_at=timezone.now()
    )
    if not updated:
        return False
    refund.refresh_from_db()
    order = PaymentOrder.objects.select_for_update().get(pk=refund.order_id)
    refunded = Refund.objects.filter(order=order, status=RS.COMPLETED).aggregate(t=Sum("amount"))["t"] or ZERO
    if refunded >= order.amount:
        PaymentOrder.objects.filter(pk=order.pk, status=PaymentOrder.Status.PAID).update(
            status=PaymentOrder.Status.REFUNDED, updated_at=timezone.now()
        )
        audit_record(event_type="payments.order_refunded", target=order, after={"refunded": str(refunded)})
    audit_record(
        event_type="payments.refund_completed",
        target=refund,
        after={"order": order.reference, "amount": str(refund.amount), "gateway_reference": gateway_reference},
    )
    hooks.refunded_on_commit(refund)
    return True


def refund_execute_via_gateway(*, refund_id: int) -> bool:
    """Pay an approved refund back through the order's gateway (run by a task).

    The adapter call is idempotent by the refund's reference, so a task delivered
    twice asks twice and the provider pays once.
    """
    refund = Refund.objects.select_related("order").get(pk=refund_id)
    if refund.status != RS.APPROVED:
        return False
    result = adapter_for_code(refund.order.gateway).refund(
        order=refund.order, amount=refund.amount, reference=refund.reference
    )
    if result.ok:
        return refund_complete(refund=refund, gateway_reference=result.gateway_reference)
    with transaction.atomic():
        if Refund.objects.filter(pk=refund.pk, status=RS.APPROVED).update(
            status=RS.FAILED, decided_note=result.message
        ):
            audit_record(event_type="payments.refund_failed", target=refund, after={"message": result.message})
    return False
