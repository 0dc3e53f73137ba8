"""Deposit accounts that an organisation's primary administrator opens and tops up online.

* :func:`deposit_account_open_with_terms` opens the organisation's main account once its
  primary administrator accepts the terms; who accepted, when and which version is recorded
  on the account and in the audit log.
* :func:`deposit_top_up_order_create` makes a payment order for a top-up, paid through a
  gateway (card or FPS) like any other order (:func:`payments.services.payment_order_start`).
* :func:`deposit_top_up_credit` credits the ledger when that order is paid. It runs inside
  the transaction that marks the order paid (:func:`payments.services.orders.order_mark_paid`),
  which happens once per order; the unique constraint ``ledger_one_top_up_per_order`` makes
  sure of it whatever the callbacks do. The order's deemed receipt is stamped there too.

Branch sub-accounts are still opened by the Accounts Office in the admin.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from accounts.selectors import membership_for_user
from icms.core.audit import AuditEventType, audit_record

from ..deposits import (
    DEPOSIT_TERMS_VERSION,
    TOP_UP_LINE_CODE,
    TOP_UP_MAXIMUM,
    TOP_UP_MINIMUM,
)
from ..models import ZERO, DepositAccount, LedgerEntry, PaymentOrder, PaymentPurpose
from .errors import PaymentRefused
from .ledger import _entry


def primary_admin_membership(user: User) -> Membership:
    """The user's active primary administrator membership, or ``PermissionDenied``."""
    membership = membership_for_user(user)
    if membership is None or membership.role != Membership.Role.PRIMARY_ADMIN:
        raise PermissionDenied
    return membership


@transaction.atomic
def deposit_account_open_with_terms(*, user: User, accept_terms: bool, terms_version: str) -> DepositAccount:
    """Open the main deposit account of the organisation ``user`` is the primary administrator of.

    Refused unless the terms in force (``DEPOSIT_TERMS_VERSION``) are accepted, and for an
    organisation not approved. An account the Accounts Office opened without online terms
    gets them recorded now; an account whose terms were accepted already is returned as it is.
    """
    membership = primary_admin_membership(user)
    organisation = membership.organisation
    if not organisation.is_approved:
        raise PaymentRefused(_("Your organisation can open a deposit account once the registry approves it."))
    if not accept_terms:
        raise PaymentRefused(_("To open a deposit account, accept its terms."), code="terms_not_accepted")
    if terms_version != DEPOSIT_TERMS_VERSION:
        raise PaymentRefused(
            _("The terms have changed since you opened this page. Read them again, then accept them."),
            code="terms_changed",
        )
    account, created = DepositAccount.objects.get_or_create(organisation=organisation, branch_code=None)
    locked = DepositAccount.objects.select_for_update().get(pk=account.pk)
    if locked.terms_accepted_at is not None:
        return locked
    now = timezone.now()
    DepositAccount.objects.filter(pk=locked.pk, terms_accepted_at__isnull=True).update(
        terms_version=terms_version, terms_accepted_by=user, terms_accepted_at=now, updated_at=now
    )
    locked.refresh_from_db()
    audit_record(
        event_type=AuditEventType.PAYMENTS_DEPOSIT_ACCOUNT_OPENED,
        actor=user,
        target=locked,
        after={
            "branch": None,
            "organisation": organisation.pk,
            "opened_now": created,
            "terms_version": terms_version,
            "terms_accepted_by": user.pk,
            "terms_accepted_at": now.isoformat(),
        },
    )
    return locked


def _amount(value: Decimal | str) -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError):
        raise PaymentRefused(_("Enter an amount in Hong Kong dollars, such as 5000.00.")) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise PaymentRefused(_("Enter an amount in Hong Kong dollars, such as 5000.00."))
    if amount < TOP_UP_MINIMUM or amount > TOP_UP_MAXIMUM:
        raise PaymentRefused(
            _("A top-up must be at least HK$%(minimum)s and at most HK$%(maximum)s.")
            % {"minimum": f"{TOP_UP_MINIMUM:,.2f}", "maximum": f"{TOP_UP_MAXIMUM:,.2f}"},
            code="amount_out_of_range",
        )
    return amount.quantize(Decimal("0.01"))


def top_up_lines(amount: Decimal) -> list[dict[str, object]]:
    """The order's one line, in the shape of a quote's (:meth:`payments.fees.Quote.snapshot`)."""
    return [
        {
            "item": TOP_UP_LINE_CODE,
            "description_en": "Deposit account top-up",
            "description_zh": "按金帳戶存款",
            "statutory_ref": "",
            "standard": str(amount),
            "e_fee": str(amount),
            "saving": str(ZERO),
            "verified": True,
            "nil_e_fee": False,
            "concession_applied": False,
        }
    ]


@transaction.atomic
def deposit_top_up_order_create(
    *, user: User, account: DepositAccount, amount: Decimal | str, idempotency_key: str
) -> PaymentOrder:
    """A payment order that, once paid through a gateway, tops up ``account`` by ``amount``.

    Only the primary administrator of the account's organisation may top it up, within
    ``TOP_UP_MINIMUM`` and ``TOP_UP_MAXIMUM``. Idempotent per key, like every order.
    """
    membership = primary_admin_membership(user)
    if account.organisation_id != membership.organisation_id:
        raise PermissionDenied
    if not DepositAccount.objects.filter(
        organisation_id=account.organisation_id, branch_code=None, terms_accepted_at__isnull=False
    ).exists():
        raise PaymentRefused(_("Accept the deposit account terms before you top it up."), code="terms_not_accepted")
    value = _amount(amount)
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64:
        raise PaymentRefused(_("The payment form has expired. Please start again."))
    existing = PaymentOrder.objects.filter(payer=user, idempotency_key=key).first()
    if existing is not None:
        return existing
    order = PaymentOrder(
        purpose=PaymentPurpose.DEPOSIT_TOP_UP,
        purpose_ref=str(account.pk),
        court_level="",
        lines=top_up_lines(value),
        standard_total=value,
        amount=value,
        payer=user,
        idempotency_key=key,
    )
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError:  # the same form submitted twice at once: that order wins
        return PaymentOrder.objects.get(payer=user, idempotency_key=key)
    audit_record(
        event_type=AuditEventType.PAYMENTS_ORDER_CREATED,
        actor=user,
        target=order,
        after={
            "status": order.status,
            "amount": str(order.amount),
            "purpose": order.purpose,
            "purpose_ref": order.purpose_ref,
            "lines": order.lines,
        },
    )
    return order


def top_up_account(order: PaymentOrder) -> DepositAccount:
    """The account a top-up order credits (its ``purpose_ref``)."""
    if order.purpose != PaymentPurpose.DEPOSIT_TOP_UP:
        raise ValueError(f"Order {order.reference} is not a deposit top-up.")
    return DepositAccount.objects.get(pk=int(order.purpose_ref))


def deposit_top_up_credit(order: PaymentOrder) -> LedgerEntry:
    """Credit the paid top-up ``order`` to its account, in the transaction that marked it paid.

    The account row is locked first (as for a debit). A second call for the same order
    finds the constraint ``ledger_one_top_up_per_order`` in its way and changes nothing.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("deposit_top_up_credit must run inside the transaction that paid the order.")
    if order.status != PaymentOrder.Status.PAID or order.received_at is None:
        raise RuntimeError(f"Top-up {order.reference} is not paid.")
    account = DepositAccount.objects.select_for_update().get(pk=top_up_account(order).pk)
    existing = LedgerEntry.objects.filter(payment_order=order, kind=LedgerEntry.Kind.TOP_UP).first()
    if existing is not None:
        return existing
    return _entry(
        account=account,
        amount=order.amount,
        kind=LedgerEntry.Kind.TOP_UP,
        actor=order.payer,
        order=order,
        reference=order.reference,
        note=f"{order.get_method_display()} {order.gateway_reference}".strip(),
    )


def _describe_top_up(order: PaymentOrder) -> str | None:
    account = DepositAccount.objects.filter(pk=int(order.purpose_ref)).first() if order.purpose_ref.isdigit() else None
    if account is None:
        return None
    if account.branch_code:
        return _("branch %(code)s") % {"code": account.branch_code}
    return str(_("Main account"))


def _continue_after_top_up(order: PaymentOrder) -> str | None:
    from django.urls import reverse

    return reverse("payments:deposit_statement", args=[order.purpose_ref]) if order.purpose_ref.isdigit() else None


def register_deposit_hooks() -> None:
    """What a top-up order is for, in words, and where its pages lead next (the statement)."""
    from .. import hooks

    hooks.register_description(PaymentPurpose.DEPOSIT_TOP_UP, _describe_top_up)
    hooks.register_continue_url(PaymentPurpose.DEPOSIT_TOP_UP, _continue_after_top_up)
