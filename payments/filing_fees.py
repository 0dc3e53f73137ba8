"""The filing fee: quoted on the filing screens, paid after receipt, refunded on return.

Payments depends on filing, never the reverse, so this module joins them: it
registers panels and handlers with :mod:`filing.hooks` and :mod:`payments.hooks`
(from ``PaymentsConfig.ready``). Amounts come only from :func:`payments.fees.quote`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from accounts.models import User
from filing.models import CaseType, DocumentType, Submission
from filing.services import message_post
from icms.core.messages import render_message

from .bulk_fees import submission_share
from .fees import Quote, UnknownFeeItem, quote
from .models import ZERO, PaymentOrder, PaymentPurpose, Receipt
from .services.refunds import refund_request_for_order

SUBMISSION = PaymentPurpose.SUBMISSION


def submission_fee_items(submission: Submission) -> list[str]:
    """One fee item per document that carries a fee, as its document type says."""
    return [
        code
        for code in submission.documents.order_by("ordinal").values_list("document_type__fee_item_code", flat=True)
        if code
    ]


def submission_order(submission: Submission) -> PaymentOrder | None:
    """The live (not cancelled or failed) order that pays for ``submission``, if any: its own, or
    the one it was filed with already paid (a bulk batch's, ``payment_reference``)."""
    live = PaymentOrder.objects.exclude(status__in=[PaymentOrder.Status.CANCELLED, PaymentOrder.Status.FAILED])
    own = live.filter(purpose=SUBMISSION, purpose_ref=submission.reference).order_by("-created_at").first()
    if own is None and submission.payment_reference:
        return live.filter(reference=submission.payment_reference).first()
    return own


def _safe_quote(items: list[str], court_level: str) -> Quote | None:
    try:
        return quote(items, court_level)
    except UnknownFeeItem:
        return None


def filing_form_panel(*, case_type: CaseType, user: Any) -> tuple[str, dict[str, object]] | None:
    """The fees of this case type's documents, before anything is submitted."""
    types = list(DocumentType.objects.filter(case_type=case_type, active=True).exclude(fee_item_code=""))
    if not types:
        return None
    rows = []
    for document_type in types:
        q = _safe_quote([document_type.fee_item_code], case_type.court.level)
        if q is not None:
            rows.append({"document_type": document_type, "line": q.lines[0]})
    if not rows:
        return None
    return "payments/panels/filing_form_fees.html", {
        "rows": rows,
        "concession": quote([], case_type.court.level).concession,
    }


def draft_review_panel(*, draft: Any, documents: list[Any], user: Any) -> tuple[str, dict[str, object]] | None:
    """The fee the draft's documents will carry once submitted: the quote, as for a submission."""
    items = [document.document_type.fee_item_code for document in documents if document.document_type.fee_item_code]
    if not items:
        return None
    return "payments/panels/draft_fee.html", {"quote": _safe_quote(items, draft.case_type.court.level)}


def submission_panel(*, submission: Submission, user: Any) -> tuple[str, dict[str, object]] | None:
    """The fee of a received submission: the quote, and a way to pay it or its receipt."""
    items = submission_fee_items(submission)
    if not items:
        return None
    order = submission_order(submission)
    q = _safe_quote(items, submission.case.case_type.court.level)
    return "payments/panels/submission_fee.html", {
        "submission": submission,
        "order": order,
        "quote": q,
        "may_pay": order is None or order.status in (PaymentOrder.Status.CREATED, PaymentOrder.Status.PENDING),
        "is_filer": getattr(user, "pk", None) == submission.submitted_by_id,
    }


def submission_returned(submission: Submission) -> None:
    """A returned filing's fee goes back (icms issue 6: a refund request, approved by an accounts officer)."""
    order = submission_order(submission)
    if order is None or order.status != PaymentOrder.Status.PAID:
        return
    share = submission_share(order, submission)
    if share is not None and share <= ZERO:
        return  # a bulk order's summons that carried no fee
    reason = submission.return_reason
    refund_request_for_order(
        order=order,
        reason=f"Filing {submission.reference} returned: {reason.code if reason else 'returned'}",
        requested_by=None,
        amount=share,
    )


def submission_withdrawn(submission: Submission) -> None:
    """A filing the filer withdrew before the registry decided it: its fee goes back as on a return."""
    order = submission_order(submission)
    if order is None or order.status != PaymentOrder.Status.PAID:
        return
    share = submission_share(order, submission)
    if share is not None and share <= ZERO:
        return
    refund_request_for_order(
        order=order,
        reason=f"Filing {submission.reference} withdrawn by the filer",
        requested_by=None,
        amount=share,
    )


def order_paid(order: PaymentOrder) -> None:
    """Record on the submission which order paid its fee (idempotent; runs after commit)."""
    with transaction.atomic():
        Submission.objects.filter(reference=order.purpose_ref, payment_reference="").update(
            payment_reference=order.reference
        )


def receipt_rendered(receipt: Receipt) -> None:
    """Post the receipt to the payer's message box (a public payer has none: the link is theirs)."""
    order = receipt.order
    payer = order.payer
    if not isinstance(payer, User) or not receipt.storage_key:
        return
    submission = None
    if order.purpose == SUBMISSION:
        submission = Submission.objects.filter(reference=order.purpose_ref).first()
    text = render_message(
        "payments/messages/payment_receipt",
        {"receipt": receipt.number, "reference": order.reference, "amount": f"{order.amount:,.2f}"},
    )
    message_post(
        recipient=payer,
        kind="payment_receipt",
        subject_en=text.subject.en,
        subject_zh=text.subject.zh,
        body_en=text.body.en,
        body_zh=text.body.zh,
        submission=submission,
        attachment_key=receipt.storage_key,
    )


def submission_continue_url(order: PaymentOrder) -> str | None:
    from django.urls import reverse

    return reverse("filing:submission", args=[order.purpose_ref]) if order.purpose_ref else None


def submission_description(order: PaymentOrder) -> str | None:
    """The submission's reference, and its case number once it has one."""
    submission = (
        Submission.objects.select_related("case__case_type").filter(reference=order.purpose_ref).first()
        if order.purpose_ref
        else None
    )
    if submission is None:
        return None
    case_number = submission.case.case_number
    if not case_number:
        return submission.reference
    return gettext("%(reference)s (%(case_number)s)") % {"reference": submission.reference, "case_number": case_number}


def register() -> None:
    from filing import hooks as filing_hooks
    from icms.core.panels import register_panel

    from . import hooks

    register_panel("filing_form", filing_form_panel)
    register_panel("submission", submission_panel)
    register_panel("draft_review", draft_review_panel)
    filing_hooks.register_submission_returned(submission_returned)
    filing_hooks.register_submission_withdrawn(submission_withdrawn)
    hooks.register_paid_handler(SUBMISSION, order_paid)
    hooks.register_receipt_handler(receipt_rendered)
    hooks.register_continue_url(SUBMISSION, submission_continue_url)
    hooks.register_description(SUBMISSION, submission_description)
