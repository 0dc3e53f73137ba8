"""Receipt and deposit statement PDFs, through filing's WeasyPrint renderer (fonts loaded once)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation

from filing.models import Submission
from icms.core.rendering import BASE_STYLESHEET, format_datetime_en, format_datetime_zh, format_hkd, render_pdf

from .models import DepositAccount, LedgerEntry, PaymentOrder, PaymentPurpose, Receipt

STYLESHEETS = (BASE_STYLESHEET, "filing/pdf/acknowledgement.css", "payments/pdf/payments.css")


def _when(moment: Any) -> dict[str, str]:
    if moment is None:
        return {"en": "", "zh": ""}
    return {"en": format_datetime_en(moment), "zh": format_datetime_zh(moment)}


def _paid_for(order: PaymentOrder) -> dict[str, str]:
    """What the order paid for, in each language (never its internal ``purpose_ref``)."""
    from .selectors import order_purpose

    paid_for = {}
    for key, language in (("en", "en"), ("zh", "zh-hant")):
        with translation.override(language):
            paid_for[key] = order_purpose(order)
    return paid_for


_DESTINATION = {
    "card": ("the card paid with", "付款所用的信用卡或扣賬卡"),
    "pps": ("the PPS account paid with", "付款所用的繳費靈戶口"),
    "fps": ("the bank account paid from by FPS", "以轉數快付款的銀行戶口"),
    "deposit": ("deposit account", "按金帳戶"),
}


def _refund_rows(order: PaymentOrder) -> list[dict[str, Any]]:
    """The refunds against the payment, for the receipt (labels in both languages, as on the PDF)."""
    rows = []
    for refund in order.refunds_shown():
        if refund.is_rejected:
            continue  # no money moved: the receipt lists only refunds paid or on their way
        method = refund.method or order.method
        to_en, to_zh = _DESTINATION.get(method, ("the account paid from", "原付款戶口"))
        if method == "deposit" and order.deposit_account is not None:
            to_en, to_zh = f"{to_en} {order.deposit_account.label}", f"{to_zh} {order.deposit_account.label}"
        rows.append(
            {
                "refund": refund,
                "amount": format_hkd(refund.amount),
                "second_charge": refund.kind == refund.Kind.SECOND_CHARGE,
                "completed": refund.is_completed,
                "to_en": to_en,
                "to_zh": to_zh,
                "when": _when(refund.completed_at if refund.is_completed else refund.created_at),
            }
        )
    return rows


def _filer_reference(order: PaymentOrder) -> str:
    """The filer's own reference of the submission a filing fee paid for; "" for any other payment."""
    if order.purpose != PaymentPurpose.SUBMISSION or not order.purpose_ref:
        return ""
    found = Submission.objects.filter(reference=order.purpose_ref).values_list("filer_reference", flat=True).first()
    return found or ""


def receipt_context(receipt: Receipt) -> dict[str, Any]:
    from icms.calendar import deemed_receipt

    order: PaymentOrder = receipt.order
    explanation = deemed_receipt(order.received_at) if order.received_at else None
    lines = [
        {
            **line,
            "standard_fmt": format_hkd(Decimal(line["standard"])),
            "e_fee_fmt": format_hkd(Decimal(line["e_fee"])),
            "saving_fmt": format_hkd(Decimal(line["saving"])),
        }
        for line in order.lines
    ]
    return {
        "receipt": receipt,
        "order": order,
        "paid_for": _paid_for(order),
        "filer_reference": _filer_reference(order),
        "lines": lines,
        "amount": format_hkd(order.amount),
        "refunds": _refund_rows(order),
        "standard_total": format_hkd(order.standard_total),
        "saving": format_hkd(order.saving),
        "received": _when(order.received_at),
        "deemed": _when(order.deemed_received_at),
        "deemed_rule_en": explanation.explanation_en if explanation else "",
        "deemed_rule_zh": explanation.explanation_zh if explanation else "",
        "issued": _when(timezone.now()),
        "method_en": {"card": "Card", "pps": "PPS", "fps": "FPS", "deposit": "Deposit account"}.get(order.method, "—"),
        "method_zh": {"card": "信用卡或扣賬卡", "pps": "繳費靈", "fps": "轉數快", "deposit": "按金帳戶"}.get(
            order.method, "—"
        ),
        # A deposit account top-up is paid to no court in particular (court_level "").
        "court_en": {"DC": "District Court", "MC": "Magistrates' Courts"}.get(order.court_level, ""),
        "court_zh": {"DC": "區域法院", "MC": "裁判法院"}.get(order.court_level, ""),
    }


def render_receipt_pdf(receipt: Receipt) -> bytes:
    """The bilingual payment receipt (labels are fixed English and Chinese, as on filing's PDFs)."""
    return render_pdf("payments/pdf/receipt.html", receipt_context(receipt), stylesheets=STYLESHEETS)


def render_statement_pdf(
    account: DepositAccount, rows: Sequence[tuple[LedgerEntry, Decimal]], balance: Decimal
) -> bytes:
    """A deposit account statement: every ledger row with its running balance."""
    context = {
        "account": account,
        "rows": [
            {
                "entry": entry,
                "when": _when(entry.created_at),
                "amount": format_hkd(entry.amount),
                "running": format_hkd(running),
            }
            for entry, running in rows
        ],
        "balance": format_hkd(balance),
        "issued": _when(timezone.now()),
    }
    return render_pdf("payments/pdf/statement.html", context, stylesheets=STYLESHEETS)


def receipt_facts(receipt: Receipt) -> dict[str, Any]:
    """The receipt as JSON: the values the PDF shows (:func:`receipt_context`), as data.

    Amounts are HK$ strings with two decimals, each also as the PDF prints it (``HK$1,045.00``);
    times are ISO 8601 in Hong Kong time and in the PDF's English and Chinese words. Field
    names follow OASIS LegalXML ECF's PaymentMessage where it has one (docs/api.md).
    """
    context = receipt_context(receipt)
    order: PaymentOrder = context["order"]

    def when(moment: Any, shown: dict[str, str]) -> dict[str, str] | None:
        return {"iso": timezone.localtime(moment).isoformat(), **shown} if moment is not None else None

    return {
        "document_kind": "receipt",
        "receipt_number": receipt.number,
        "payment_reference": order.reference,
        "paid_for": context["paid_for"],
        "filer_reference": context["filer_reference"],
        "court": {"en": context["court_en"], "zh": context["court_zh"]},
        "method": order.method,
        "method_text": {"en": context["method_en"], "zh": context["method_zh"]},
        "gateway_reference": order.gateway_reference,
        "received_at": when(order.received_at, context["received"]),
        "deemed_received_at": when(order.deemed_received_at, context["deemed"]),
        "deemed_rule_explanation": {"en": context["deemed_rule_en"], "zh": context["deemed_rule_zh"]},
        "allowance_charges": [
            {
                "item": line["item"],
                "description": {"en": line["description_en"], "zh": line["description_zh"]},
                "statutory_ref": line.get("statutory_ref", ""),
                "standard_fee": f"{Decimal(line['standard']):.2f}",
                "e_fee": f"{Decimal(line['e_fee']):.2f}",
                "saving": f"{Decimal(line['saving']):.2f}",
                "shown": {
                    "standard_fee": line["standard_fmt"],
                    "e_fee": line["e_fee_fmt"],
                    "saving": line["saving_fmt"],
                },
            }
            for line in context["lines"]
        ],
        "standard_total": f"{order.standard_total:.2f}",
        "fees_calculation_amount": f"{order.amount:.2f}",
        "saving_total": f"{order.saving:.2f}",
        "totals_shown": {
            "standard_total": context["standard_total"],
            "amount": context["amount"],
            "saving": context["saving"],
        },
        "refunds": [
            {
                "reference": row["refund"].reference,
                "amount": f"{row['refund'].amount:.2f}",
                "completed": row["completed"],
                "second_charge": row["second_charge"],
                "to": {"en": row["to_en"], "zh": row["to_zh"]},
            }
            for row in context["refunds"]
        ],
        "currency": "HKD",
    }
