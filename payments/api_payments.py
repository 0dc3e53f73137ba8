"""Paying a submission's fee through the JSON API, and its receipt (ECF PaymentMessage).

* ``POST /api/v1/submissions/{ref}/payment``: pay the filing fee from the organisation's deposit
  account: the same order (``submission-<ref>``) and the same debit as the web's "Pay from
  deposit account" (:func:`payments.services.payment_order_pay_from_deposit`). Token scope "pay";
  ``Idempotency-Key`` required. Cards, PPS and FPS go through the web's hosted payment page.
* ``GET /api/v1/submissions/{ref}/payment``: the payment's state and fee lines.
* ``GET /api/v1/submissions/{ref}/receipt`` and ``.../receipt.pdf``: the receipt, as JSON with the
  PDF's facts (:func:`payments.rendering.receipt_facts`) and as the PDF itself.

Only the filer who submitted sees or pays (as on the web): anyone else gets a 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from accounts.api_auth import ApiTokenAuth
from accounts.api_idempotency import IDEMPOTENCY_HEADER, idempotent
from accounts.models import User
from filing.models import Submission
from filing.selectors import filing_side_submission_for_user
from icms.core.api_errors import errors
from icms.core.lookups import NotFound
from icms.core.storage import document_response
from icms.core.time import HONG_KONG

from .filing_fees import SUBMISSION, submission_fee_items, submission_order
from .models import PaymentOrder, Receipt
from .rendering import receipt_facts
from .services import payment_order_create, payment_order_pay_from_deposit, payment_order_settle_nil

router = Router(tags=["payments"])
PAY_SCOPE = ApiTokenAuth(scope="pay")
READ_SCOPE = ApiTokenAuth(scope="read")


class ApiRequest(HttpRequest):
    auth: User


class PaymentIn(Schema):
    #: How to pay: only ``deposit`` (the organisation's deposit account) through the API.
    method: str = "deposit"


class AllowanceChargeOut(Schema):
    """One fee line (ECF cac:AllowanceCharge): the standard fee, the e-fee charged and the saving."""

    item: str
    description_en: str
    description_zh: str
    standard_fee: str
    e_fee: str
    saving: str


class PaymentOut(Schema):
    """A submission's fee payment (ECF PaymentMessage)."""

    payment_reference: str
    status: str
    method: str
    allowance_charges: list[AllowanceChargeOut]
    standard_total: str
    #: ECF FeesCalculationAmount: what is charged, the e-fee total.
    fees_calculation_amount: str
    saving_total: str
    received_at: str | None
    deemed_received_at: str | None
    receipt_number: str | None
    deposit_account: str | None


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _payment_out(order: PaymentOrder) -> PaymentOut:
    receipt = Receipt.objects.filter(order=order).first()
    return PaymentOut(
        payment_reference=order.reference,
        status=order.status,
        method=order.method,
        allowance_charges=[
            AllowanceChargeOut(
                item=line["item"],
                description_en=line["description_en"],
                description_zh=line["description_zh"],
                standard_fee=_money(Decimal(line["standard"])),
                e_fee=_money(Decimal(line["e_fee"])),
                saving=_money(Decimal(line["saving"])),
            )
            for line in order.lines
        ],
        standard_total=_money(order.standard_total),
        fees_calculation_amount=_money(order.amount),
        saving_total=_money(order.saving),
        received_at=order.received_at.astimezone(HONG_KONG).isoformat() if order.received_at else None,
        deemed_received_at=(
            order.deemed_received_at.astimezone(HONG_KONG).isoformat() if order.deemed_received_at else None
        ),
        receipt_number=receipt.number if receipt is not None else None,
        deposit_account=order.deposit_account.label if order.deposit_account is not None else None,
    )


def _own_submission(user: User, ref: str) -> Submission:
    """The user's own submission (they submitted it): the one whose fee they pay."""
    submission = filing_side_submission_for_user(user, ref)
    if submission.submitted_by_id != user.pk:
        raise NotFound("submission")
    return submission


def _own_order(user: User, ref: str) -> PaymentOrder:
    order = submission_order(_own_submission(user, ref))
    if order is None or order.payer_id != user.pk:
        raise NotFound("payment")
    return order


@router.post(
    "/submissions/{ref}/payment",
    response={201: PaymentOut, **errors(400, 401, 403, 404, 409, 422, 429)},
    auth=PAY_SCOPE,
    openapi_extra=IDEMPOTENCY_HEADER,
    operation_id="PaymentMessage",
    url_name="api_submission_pay",
)
@idempotent
def submission_pay(request: ApiRequest, ref: str, body: PaymentIn) -> Any:
    """Pay a submission's filing fee from your organisation's deposit account (ECF PaymentMessage).

    The fee is quoted as on the web (standard fee, e-fee, saving); a fee already paid is
    answered as paid. Refused with the reason (no deposit account, not enough in it).
    """
    if body.method != "deposit":
        raise HttpError(
            400, _("Only a deposit account can pay through the API. Pay by card, PPS or FPS on the submission's page.")
        )
    user = request.auth
    submission = _own_submission(user, ref)
    items = submission_fee_items(submission)
    if not items:
        raise HttpError(400, _("This filing carries no fee."))
    try:
        order = submission_order(submission) or payment_order_create(
            purpose=SUBMISSION,
            court_level=submission.case.case_type.court.level,
            items=items,
            idempotency_key=f"submission-{submission.reference}",
            payer=user,
            purpose_ref=submission.reference,
        )
        if order.payer_id != user.pk:
            raise NotFound("payment")
        if order.status != PaymentOrder.Status.PAID:
            if order.amount == 0:
                order = payment_order_settle_nil(order=order, actor=user)
            else:
                order = payment_order_pay_from_deposit(order=order, user=user)
    except ValidationError as refused:
        raise HttpError(400, " ".join(str(m) for m in refused.messages)) from None
    order.refresh_from_db()
    return Status(201, _payment_out(order))


@router.get(
    "/submissions/{ref}/payment",
    response={200: PaymentOut, **errors(400, 401, 403, 404, 422)},
    auth=READ_SCOPE,
    operation_id="payment_get",
    url_name="api_submission_payment",
)
def submission_payment(request: ApiRequest, ref: str) -> PaymentOut:
    """The fee payment of your submission: its state, fee lines and receipt number once paid."""
    return _payment_out(_own_order(request.auth, ref))


def _receipt(user: User, ref: str) -> Receipt:
    receipt = Receipt.objects.select_related("order").filter(order=_own_order(user, ref)).first()
    if receipt is None:
        raise NotFound("receipt")
    return receipt


class ReceiptFactsOut(Schema):
    """The receipt's facts (docs/api.md lists every field)."""

    document_kind: str
    receipt_number: str
    payment_reference: str
    allowance_charges: list[dict[str, Any]]
    standard_total: str
    fees_calculation_amount: str
    saving_total: str

    model_config = ConfigDict(extra="allow")


@router.get(
    "/submissions/{ref}/receipt",
    response={200: ReceiptFactsOut, **errors(400, 401, 403, 404, 422)},
    auth=READ_SCOPE,
    operation_id="receipt_get",
    url_name="api_receipt",
)
def receipt_json(request: ApiRequest, ref: str) -> Any:
    """The receipt as JSON, with the PDF's facts: fee lines (standard fee, e-fee, saving), totals,
    the payment reference, the receipt number, and the received and deemed times with the rule."""
    # As it is, not filtered through the schema: the same facts as the payment page's "Download as JSON".
    return JsonResponse(receipt_facts(_receipt(request.auth, ref)), json_dumps_params={"ensure_ascii": False})


@router.get(
    "/submissions/{ref}/receipt.pdf",
    response={200: None, **errors(400, 401, 403, 404, 409, 422)},
    auth=READ_SCOPE,
    operation_id="receipt_pdf",
    url_name="api_receipt_pdf",
    openapi_extra={"responses": {"200": {"description": "The receipt PDF", "content": {"application/pdf": {}}}}},
)
def receipt_pdf(request: ApiRequest, ref: str) -> HttpResponseBase:
    """The receipt PDF. 409 while it is still being made: try again shortly."""
    receipt = _receipt(request.auth, ref)
    if not receipt.storage_key:
        raise HttpError(409, _("Your receipt is being prepared. Please try again in a moment."))
    return document_response(receipt.storage_key, filename=f"receipt-{receipt.number}.pdf")
