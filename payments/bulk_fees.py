"""The fee of a bulk batch of summonses: quoted before it is filed, paid in one deposit payment.

Filing never imports payments: it calls :func:`filing.hooks.bulk_batch_charge` and renders
the ``"bulk_batch"`` panel, and this module answers both (registered from ``PaymentsConfig.ready``).
One order (purpose ``bulk_filing``, ``purpose_ref`` the batch's id) has one line per summons:
the fee item of its court's originating document (the information and summons, ``MC-SUMMONS``),
with the e-fee concession as for a single filing (Cap. 638F). It is paid by one debit of the
filer's deposit account; each summons filed records the order's reference as its payment
(``Submission.payment_reference``). A summons returned or withdrawn later is refunded its own
line, not the batch (:func:`submission_share`). Rows paid for and never filed (dropped by the
filer, or released when the batch expired) are refunded their own lines at once, in the
transaction that lets them go (:func:`bulk_rows_refund`, through
:func:`filing.hooks.bulk_rows_released`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext, ngettext

from accounts.models import User
from accounts.selectors import membership_for_user
from filing.models import BulkBatch, BulkItem, DocumentType, Submission

from .fees import Quote, UnknownFeeItem, quote
from .models import ZERO, CourtLevel, PaymentOrder, PaymentPurpose
from .services import (
    balance_of,
    deposit_account_for_membership,
    payment_order_create,
    payment_order_pay_from_deposit,
    payment_order_settle_nil,
    refund_unfiled_for_order,
)

BULK = PaymentPurpose.BULK_FILING


def batch_fee_items(batch: BulkBatch) -> list[str]:
    """One fee item per row waiting to be filed: its court's originating document's fee."""
    codes = dict(
        DocumentType.objects.filter(starts_case=True, active=True)
        .exclude(fee_item_code="")
        .values_list("case_type__prefix", "fee_item_code")
    )
    prefixes = BulkItem.objects.filter(batch=batch, status=BulkItem.Status.PENDING).values_list(
        "data__magistracy", flat=True
    )
    return [codes[prefix] for prefix in prefixes if prefix in codes]


def batch_quote(batch: BulkBatch) -> Quote | None:
    items = batch_fee_items(batch)
    if not items:
        return None
    try:
        return quote(items, CourtLevel.MAGISTRATES)
    except UnknownFeeItem:
        return None


def bulk_batch_charge(*, batch: BulkBatch, user: User, count: int) -> str:
    """Take the batch's fee in one deposit payment; its reference. Raises ``PaymentRefused`` (nothing paid)."""
    items = batch_fee_items(batch)
    if not items:
        return ""
    order = payment_order_create(
        purpose=BULK,
        court_level=CourtLevel.MAGISTRATES,
        items=items,
        idempotency_key=f"bulk-batch-{batch.pk}",
        payer=user,
        purpose_ref=str(batch.pk),
    )
    if order.amount == ZERO:
        order = payment_order_settle_nil(order=order, actor=user)
    else:
        order = payment_order_pay_from_deposit(order=order, user=user)
    return order.reference


def batch_order(batch: BulkBatch) -> PaymentOrder | None:
    if not batch.payment_reference:
        return None
    return PaymentOrder.objects.filter(reference=batch.payment_reference).first()


def bulk_batch_panel(*, batch: BulkBatch, user: Any) -> tuple[str, dict[str, object]] | None:
    """Before filing: the quote for the rows to file and the deposit account that pays it. After: the payment."""
    order = batch_order(batch)
    account = balance = None
    if order is None:
        membership = membership_for_user(user)
        account = deposit_account_for_membership(membership) if membership is not None else None
        balance = balance_of(account) if account is not None else None
    return "payments/panels/bulk_fee.html", {
        "batch": batch,
        "quote": batch_quote(batch) if order is None else None,
        "order": order,
        "account": account,
        "balance": balance,
        "is_payer": order is not None and getattr(user, "pk", None) == order.payer_id,
    }


def submission_share(order: PaymentOrder, submission: Submission) -> Decimal | None:
    """What of a bulk order paid for ``submission``: its own lines' e-fee. None for any other order (all of it)."""
    if order.purpose != BULK:
        return None
    codes = list(
        submission.documents.exclude(document_type__fee_item_code="").values_list(
            "document_type__fee_item_code", flat=True
        )
    )
    share = ZERO
    for code in codes:
        line = next((line for line in order.lines if line.get("item") == code), None)
        if line is not None:
            share += Decimal(str(line["e_fee"]))
    return share


def rows_share(order: PaymentOrder, courts: list[str]) -> Decimal:
    """What of a bulk order paid for rows of these summons courts: each row's own line's e-fee, as charged."""
    codes = dict(
        DocumentType.objects.filter(starts_case=True, active=True, case_type__prefix__in=set(courts))
        .exclude(fee_item_code="")
        .values_list("case_type__prefix", "fee_item_code")
    )
    e_fees = {line.get("item"): Decimal(str(line["e_fee"])) for line in order.lines}
    return sum((e_fees.get(codes.get(court), ZERO) for court in courts), ZERO)


def bulk_rows_refund(*, batch: BulkBatch, courts: list[str], reason: str) -> dict[str, str] | None:
    """Refund at once the fees paid for rows of ``batch`` let go unfiled (one court prefix a row).

    In the caller's transaction (the drop or the expiry): the refund is approved and, for a
    deposit payment, credited to the ledger there, audited and notified
    (:func:`~payments.services.refunds.refund_unfiled_for_order`). None when nothing was paid.
    """
    order = batch_order(batch)
    if order is None or order.purpose != BULK:
        return None
    share = rows_share(order, courts)
    if share <= ZERO:
        return None
    refund = refund_unfiled_for_order(order=order, amount=share, reason=reason)
    if refund is None:
        return None
    return {"refund": refund.reference, "amount": str(refund.amount), "status": refund.status}


def bulk_continue_url(order: PaymentOrder) -> str | None:
    return reverse("filing:bulk_batch", args=[int(order.purpose_ref)]) if order.purpose_ref.isdigit() else None


def bulk_description(order: PaymentOrder) -> str | None:
    count = len(order.lines)
    return (
        ngettext(
            "Bulk filing batch %(batch)s: %(count)s summons",
            "Bulk filing batch %(batch)s: %(count)s summonses",
            count,
        )
        % {"batch": order.purpose_ref, "count": count}
        if order.purpose_ref
        else gettext("Bulk filing of summonses")
    )


def register() -> None:
    from filing import hooks as filing_hooks
    from icms.core.panels import register_panel

    from . import hooks

    filing_hooks.register_bulk_batch_charge(bulk_batch_charge)
    filing_hooks.register_bulk_rows_released(bulk_rows_refund)
    register_panel("bulk_batch", bulk_batch_panel)
    hooks.register_continue_url(BULK, bulk_continue_url)
    hooks.register_description(BULK, bulk_description)
