"""Deposit accounts as ledgers: every movement is a row, and the balance is their sum.

A debit locks the account row (``select_for_update``) before summing, so concurrent
debits are serialised and no two can spend the same money.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, User
from icms.core.audit import AuditEventType, audit_record

from ..models import ZERO, DepositAccount, LedgerEntry, PaymentOrder, Refund
from .errors import InsufficientFunds, PaymentRefused


def balance_of(account: DepositAccount) -> Decimal:
    """The sum of the account's ledger rows."""
    total = LedgerEntry.objects.filter(account=account).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else ZERO


@transaction.atomic
def deposit_account_open(*, organisation: Organisation, branch_code: str | None = None) -> DepositAccount:
    """The organisation's main account (``branch_code=None``) or branch sub-account, opened if new."""
    account, created = DepositAccount.objects.get_or_create(organisation=organisation, branch_code=branch_code or None)
    if created:
        audit_record(
            event_type=AuditEventType.PAYMENTS_DEPOSIT_ACCOUNT_OPENED, target=account, after={"branch": branch_code}
        )
    return account


def deposit_account_for_membership(membership: Membership) -> DepositAccount | None:
    """The account a member pays from: their branch's sub-account, or the main account."""
    code = membership.branch_code.strip() or None
    account = DepositAccount.objects.filter(organisation=membership.organisation, branch_code=code).first()
    if account is None and code is not None:
        return None  # a branch without a sub-account does not silently spend the main account
    return account


# Each kind of ledger row has its own audit event.
_AUDIT_EVENTS = {
    LedgerEntry.Kind.TOP_UP: AuditEventType.PAYMENTS_LEDGER_TOP_UP,
    LedgerEntry.Kind.FEE: AuditEventType.PAYMENTS_LEDGER_FEE,
    LedgerEntry.Kind.REFUND: AuditEventType.PAYMENTS_LEDGER_REFUND,
    LedgerEntry.Kind.ADJUSTMENT: AuditEventType.PAYMENTS_LEDGER_ADJUSTMENT,
}


def _entry(
    *,
    account: DepositAccount,
    amount: Decimal,
    kind: LedgerEntry.Kind,
    actor: User | None,
    order: PaymentOrder | None = None,
    refund: Refund | None = None,
    reference: str = "",
    note: str = "",
) -> LedgerEntry:
    entry = LedgerEntry(
        account=account,
        amount=amount,
        kind=kind,
        payment_order=order,
        refund=refund,
        reference=reference,
        note=note,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    entry.full_clean(validate_constraints=False)
    entry.save()
    audit_record(
        event_type=_AUDIT_EVENTS[kind],
        actor=actor,
        target=account,
        after={
            "entry": entry.pk,
            "amount": str(amount),
            "kind": kind,
            "order": order.reference if order else None,
            "refund": refund.reference if refund else None,
            "reference": reference,
        },
    )
    return entry


@transaction.atomic
def deposit_top_up(
    *, account: DepositAccount, amount: Decimal, reference: str, officer: User, note: str = ""
) -> LedgerEntry:
    """Record money an organisation paid into its deposit account (accounts officers only)."""
    if not officer.has_perm("payments.record_top_up"):
        raise PermissionDenied
    if amount <= 0:
        raise PaymentRefused(_("A top-up must be more than HK$0."))
    DepositAccount.objects.select_for_update().get(pk=account.pk)
    return _entry(
        account=account, amount=amount, kind=LedgerEntry.Kind.TOP_UP, actor=officer, reference=reference, note=note
    )


@transaction.atomic
def ledger_debit(*, account: DepositAccount, amount: Decimal, order: PaymentOrder, actor: User | None) -> LedgerEntry:
    """Take a fee from the account, or raise :class:`InsufficientFunds` if it would overdraw it."""
    if amount <= 0:
        raise PaymentRefused(_("Only a positive amount can be debited."))
    locked = DepositAccount.objects.select_for_update().get(pk=account.pk)
    balance = balance_of(locked)
    if balance < amount:
        raise InsufficientFunds(
            _(
                "The deposit account %(account)s holds HK$%(balance)s, which is not enough to pay HK$%(amount)s. "
                "Ask your organisation's administrator to top it up, or pay by card, PPS or FPS."
            )
            % {"account": locked.label, "balance": f"{balance:,.2f}", "amount": f"{amount:,.2f}"},
            code="insufficient_funds",
        )
    return _entry(account=locked, amount=-amount, kind=LedgerEntry.Kind.FEE, actor=actor, order=order)


@transaction.atomic
def ledger_credit_refund(*, account: DepositAccount, refund: Refund, actor: User | None) -> LedgerEntry:
    """Pay a refund back into the deposit account it was taken from."""
    DepositAccount.objects.select_for_update().get(pk=account.pk)
    return _entry(
        account=account,
        amount=refund.amount,
        kind=LedgerEntry.Kind.REFUND,
        actor=actor,
        order=refund.order,
        refund=refund,
        reference=refund.reference,
    )


@transaction.atomic
def ledger_adjust(*, account: DepositAccount, amount: Decimal, officer: User, note: str) -> LedgerEntry:
    """A correction by an accounts officer, with a note saying why."""
    if not officer.has_perm("payments.record_top_up"):
        raise PermissionDenied
    if amount == 0 or not note.strip():
        raise PaymentRefused(_("An adjustment needs a non-zero amount and a note."))
    locked = DepositAccount.objects.select_for_update().get(pk=account.pk)
    if amount < 0 and balance_of(locked) < -amount:
        raise InsufficientFunds(_("The adjustment would overdraw the account."))
    return _entry(account=locked, amount=amount, kind=LedgerEntry.Kind.ADJUSTMENT, actor=officer, note=note)
