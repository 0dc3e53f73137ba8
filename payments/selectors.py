"""Reading payments, always for a given user: anything not theirs is a 404."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils.translation import gettext

from accounts.models import Membership, User
from accounts.selectors import admin_membership_for_user, is_staff_user, membership_for_user
from icms.core.lookups import NotFound
from icms.core.time import HONG_KONG

from . import hooks
from .models import ZERO, DepositAccount, GatewayEvent, LedgerEntry, PaymentOrder, Receipt, Refund
from .services.ledger import balance_of, deposit_account_for_membership

AnyUser = User | AnonymousUser


def order_for_token(*, user: AnyUser, token: str) -> PaymentOrder:
    """The order behind an unguessable link. A registered payer's order opens only for them
    (or staff); a public payer's order opens for whoever holds the link."""
    order = PaymentOrder.objects.select_related("payer").filter(access_token=token).first()
    if order is None:
        raise NotFound
    if order.payer_id is not None and not (
        user.is_authenticated and (user.pk == order.payer_id or is_staff_user(user))
    ):
        raise NotFound
    return order


def order_purpose(order: PaymentOrder) -> str:
    """What an order pays for, as the payer knows it, in the active language.

    "Search: “chan tai man”", "Document inspection: “Statement of claim” (DCCJ 12/2026)",
    "Court filing: S-7KX3M9QD2A": the purpose, and what the app that made the order says it
    is (:func:`payments.hooks.register_description`). Without that, the purpose alone:
    ``purpose_ref`` may be an internal key and is never shown.
    """
    label = str(order.get_purpose_display())
    detail = hooks.description(order)
    if not detail:
        return label
    return gettext("%(purpose)s: %(detail)s") % {"purpose": label, "detail": detail}


def receipt_for_token(*, user: AnyUser, token: str) -> Receipt:
    order = order_for_token(user=user, token=token)
    receipt = Receipt.objects.filter(order=order).select_related("order").first()
    if receipt is None:
        raise NotFound
    return receipt


def orders_for_user(*, user: AnyUser) -> QuerySet[PaymentOrder]:
    if not user.is_authenticated:
        return PaymentOrder.objects.none()
    return (
        PaymentOrder.objects.filter(payer=user)
        .select_related("receipt", "deposit_account")
        .prefetch_related(Prefetch("refunds", queryset=Refund.objects.order_by("created_at", "pk")))
        .order_by("-created_at")
    )


def deposit_account_for_user(user: AnyUser) -> DepositAccount | None:
    """The account this user would pay from (their branch's, or the main account)."""
    membership = membership_for_user(user)
    return deposit_account_for_membership(membership) if membership is not None else None


@dataclass(frozen=True)
class DepositAvailability:
    """Whether ``user`` can pay ``amount`` from a deposit account now, and if not why.

    ``reason``: ``""`` (they can), ``not_a_member`` (not in an organisation),
    ``no_account`` (the organisation has none), ``no_branch_account`` (their branch has no
    sub-account), ``insufficient`` (not enough in it). ``may_manage``: the user is the
    organisation's primary administrator, who opens and tops up the account online.
    """

    account: DepositAccount | None
    balance: Decimal | None
    reason: str
    may_manage: bool
    branch_code: str = ""

    @property
    def available(self) -> bool:
        return self.reason == ""


def deposit_availability(user: AnyUser, amount: Decimal) -> DepositAvailability:
    membership = membership_for_user(user)
    if membership is None:
        return DepositAvailability(None, None, "not_a_member", may_manage=False)
    manages = membership.role == Membership.Role.PRIMARY_ADMIN
    account = deposit_account_for_membership(membership)
    if account is None:
        main = DepositAccount.objects.filter(organisation=membership.organisation, branch_code=None).exists()
        reason = "no_branch_account" if main and membership.branch_code.strip() else "no_account"
        return DepositAvailability(None, None, reason, may_manage=manages, branch_code=membership.branch_code)
    balance = balance_of(account)
    reason = "insufficient" if balance < amount else ""
    return DepositAvailability(account, balance, reason, may_manage=manages, branch_code=membership.branch_code)


def primary_admin_for_user(user: AnyUser) -> Membership:
    """The user's primary administrator membership, or 404: who opens and tops up deposit accounts."""
    membership = admin_membership_for_user(user)
    if membership.role != Membership.Role.PRIMARY_ADMIN:
        raise NotFound
    return membership


def deposit_account_for_top_up(*, user: AnyUser, account_id: int) -> DepositAccount:
    """An account of the organisation this user is the primary administrator of; 404 otherwise."""
    admin = primary_admin_for_user(user)
    account = DepositAccount.objects.filter(pk=account_id, organisation=admin.organisation).first()
    if account is None:
        raise NotFound
    return account


def deposit_accounts_for_admin(*, user: AnyUser) -> list[tuple[DepositAccount, Decimal]]:
    """The accounts of the organisation this user administers, each with its balance."""
    admin = admin_membership_for_user(user)
    accounts = DepositAccount.objects.filter(organisation=admin.organisation).annotate(total=Sum("entries__amount"))
    return [(account, getattr(account, "total", None) or ZERO) for account in accounts.order_by("branch_code")]


def deposit_account_for_admin(*, user: AnyUser, account_id: int) -> DepositAccount:
    admin = admin_membership_for_user(user)
    account = DepositAccount.objects.filter(pk=account_id, organisation=admin.organisation).first()
    if account is None:
        raise NotFound
    return account


def statement_rows(account: DepositAccount) -> list[tuple[LedgerEntry, Decimal]]:
    """Every ledger row, oldest first, with the balance after it."""
    running = ZERO
    rows = []
    for entry in (
        LedgerEntry.objects.filter(account=account).select_related("payment_order").order_by("created_at", "id")
    ):
        running += entry.amount
        rows.append((entry, running))
    return rows


def account_balance(account: DepositAccount) -> Decimal:
    return balance_of(account)


# --- Accounts office reports ------------------------------------------------------------


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=HONG_KONG)
    return start, start + timedelta(days=1)


@dataclass(frozen=True)
class Collections:
    day: date
    total: Decimal
    count: int
    by_court: list[dict[str, object]]
    by_method: list[dict[str, object]]
    by_item: list[dict[str, object]]


def paid_orders_between(start: datetime, end: datetime) -> QuerySet[PaymentOrder]:
    """Fees whose money was received in [start, end), including those refunded since.

    Deposit account top-ups are not fees: the fees later paid from the deposit are counted
    when they are paid, so counting the top-up as well would count the money twice.
    """
    return PaymentOrder.objects.filter(
        received_at__gte=start,
        received_at__lt=end,
        status__in=(PaymentOrder.Status.PAID, PaymentOrder.Status.REFUNDED),
    ).exclude(purpose=PaymentOrder.Purpose.DEPOSIT_TOP_UP)


def collections_for_day(day: date) -> Collections:
    """Totals by court, method and fee item of the money received on ``day`` (Hong Kong time)."""
    start, end = _day_bounds(day)
    orders = paid_orders_between(start, end)
    totals = orders.aggregate(total=Sum("amount"), count=Count("id"))
    by_court = list(
        orders.values("court_level").annotate(total=Sum("amount"), count=Count("id")).order_by("court_level")
    )
    by_method = list(orders.values("method").annotate(total=Sum("amount"), count=Count("id")).order_by("method"))
    items: dict[tuple[str, str], dict[str, object]] = {}
    for order in orders.only("court_level", "lines"):
        for line in order.lines:
            key = (order.court_level, line["item"])
            row = items.setdefault(
                key,
                {
                    "court_level": key[0],
                    "item": key[1],
                    "description": line["description_en"],
                    "total": ZERO,
                    "count": 0,
                },
            )
            row["total"] = Decimal(str(row["total"])) + Decimal(line["e_fee"])
            row["count"] = int(str(row["count"])) + 1
    return Collections(
        day=day,
        total=totals["total"] or ZERO,
        count=totals["count"] or 0,
        by_court=by_court,
        by_method=by_method,
        by_item=sorted(items.values(), key=lambda r: (str(r["court_level"]), str(r["item"]))),
    )


def daily_totals(*, end_day: date, days: int = 30) -> list[tuple[date, Decimal]]:
    """The money received on each of the ``days`` days up to ``end_day`` (for the chart)."""
    first = end_day - timedelta(days=days - 1)
    start, _ = _day_bounds(first)
    _, end = _day_bounds(end_day)
    sums: dict[date, Decimal] = {}
    for received_at, amount in paid_orders_between(start, end).values_list("received_at", "amount"):
        if received_at is None:
            continue
        day = received_at.astimezone(HONG_KONG).date()
        sums[day] = sums.get(day, ZERO) + amount
    return [(first + timedelta(days=i), sums.get(first + timedelta(days=i), ZERO)) for i in range(days)]


@dataclass(frozen=True)
class ReconciliationRow:
    order: PaymentOrder | None
    issue: str
    event: GatewayEvent | None = None
    refund: Refund | None = None
    #: Settled by the portal itself (a second charge refunded): shown, but not a question for staff.
    resolved: bool = False


def reconciliation(*, since: datetime) -> Iterator[ReconciliationRow]:
    """Gateway callbacks against payment orders: what an accounts officer should look at.

    * a paid gateway order with no applied "succeeded" callback;
    * a "succeeded" callback for an order paid by another charge (a possible double charge)
      that was not refunded automatically (callbacks from before automatic refunds);
    * a second charge refunded automatically: ``second_charge_refunded`` (resolved), or while
      the gateway has not yet paid it back ``second_charge_refund_pending``, or
      ``second_charge_refund_failed`` when the gateway refused (a question for staff);
    * callbacks refused (signature, timestamp, amount, unknown order);
    * orders still pending.
    """
    gateway_paid = PaymentOrder.objects.filter(
        received_at__gte=since, status__in=(PaymentOrder.Status.PAID, PaymentOrder.Status.REFUNDED)
    ).exclude(method__in=("deposit", ""))
    for order in gateway_paid.order_by("received_at"):
        if not GatewayEvent.objects.filter(
            order=order, kind="succeeded", outcome=GatewayEvent.Outcome.APPLIED
        ).exists():
            yield ReconciliationRow(order, "paid_without_callback")
    for event in GatewayEvent.objects.filter(
        arrived_at__gte=since, kind="succeeded", outcome=GatewayEvent.Outcome.IGNORED
    ).select_related("order"):
        if event.order is not None and event.order.gateway_reference != event.gateway_reference:
            yield ReconciliationRow(event.order, "possible_double_charge", event)
    second_charges = list(
        GatewayEvent.objects.filter(arrived_at__gte=since, outcome=GatewayEvent.Outcome.SECOND_CHARGE)
        .select_related("order")
        .order_by("arrived_at", "pk")
    )
    refunds = {
        (refund.gateway, refund.charge_reference): refund
        for refund in Refund.objects.filter(
            kind=Refund.Kind.SECOND_CHARGE, charge_reference__in={e.gateway_reference for e in second_charges}
        )
    }
    seen: set[tuple[str, str]] = set()
    for event in second_charges:
        charge = (event.gateway, event.gateway_reference)
        if charge in seen:
            continue  # one row per charge, however many events reported it
        seen.add(charge)
        refund = refunds.get(charge)
        status = refund.status if refund is not None else None
        if status == Refund.Status.COMPLETED:
            yield ReconciliationRow(event.order, "second_charge_refunded", event, refund, resolved=True)
        elif status == Refund.Status.APPROVED:
            yield ReconciliationRow(event.order, "second_charge_refund_pending", event, refund, resolved=True)
        else:
            yield ReconciliationRow(event.order, "second_charge_refund_failed", event, refund)
    for event in (
        GatewayEvent.objects.filter(arrived_at__gte=since)
        .exclude(
            outcome__in=(
                GatewayEvent.Outcome.APPLIED,
                GatewayEvent.Outcome.IGNORED,
                GatewayEvent.Outcome.SECOND_CHARGE,
            )
        )
        .select_related("order")
    ):
        yield ReconciliationRow(event.order, f"callback_{event.outcome}", event)
    for order in PaymentOrder.objects.filter(status=PaymentOrder.Status.PENDING, created_at__gte=since):
        yield ReconciliationRow(order, "pending")
