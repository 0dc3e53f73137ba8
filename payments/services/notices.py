"""Telling the payer about money: a declined payment, a refund asked for, a refund paid back,
a second charge refunded automatically.

Each notice is a message in the payer's message box (in English and Chinese, shown in the
reader's language) and an email in the payer's preferred language, sent after commit. A
service calls :func:`payer_notify` once, right after the conditional UPDATE or unique
insert that made the change, so a retried callback or task never tells the payer twice.
A member of the public has no message box and gave no address: the order's page is theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum

from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from icms.core.email import absolute_url, email_on_commit

from ..models import PaymentOrder, Refund

ENGLISH = "en"
CHINESE = "zh-hant"


class Notice(StrEnum):
    DECLINED = "declined"
    FAILED = "failed"
    REFUND_REQUESTED = "refund_requested"
    REFUNDED = "refunded"
    SECOND_CHARGE = "second_charge"


def _hkd(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _purpose(order: PaymentOrder) -> str:
    from ..selectors import order_purpose

    return order_purpose(order)


def _declined(order: PaymentOrder, refund: Refund | None) -> tuple[str, str]:
    values = {"reference": order.reference, "amount": _hkd(order.amount), "purpose": _purpose(order)}
    return (
        _("Payment %(reference)s declined") % values,
        _(
            "Your payment of HK$%(amount)s for %(purpose)s was declined. Nothing was charged. "
            "Try another card, or pay another way (PPS, FPS or a deposit account)."
        )
        % values,
    )


def _failed(order: PaymentOrder, refund: Refund | None) -> tuple[str, str]:
    values = {"reference": order.reference, "amount": _hkd(order.amount), "purpose": _purpose(order)}
    return (
        _("Payment %(reference)s not completed") % values,
        _(
            "The payment service could not complete your payment of HK$%(amount)s for %(purpose)s. "
            "Nothing was charged. Try again, or pay another way."
        )
        % values,
    )


def _refund_values(order: PaymentOrder, refund: Refund | None) -> dict[str, str]:
    if refund is None:
        raise ValueError("A refund notice needs its refund.")
    completed = timezone.localtime(refund.completed_at) if refund.completed_at else None
    return {
        "reference": order.reference,
        "amount": _hkd(refund.amount),
        "purpose": _purpose(order),
        "destination": refund.destination,
        "method": str(refund.get_method_display() or order.get_method_display()),
        "when": formats.date_format(completed, "DATETIME_FORMAT") if completed else "",
    }


def _refund_requested(order: PaymentOrder, refund: Refund | None) -> tuple[str, str]:
    values = _refund_values(order, refund)
    return (
        _("Refund pending: payment %(reference)s") % values,
        _(
            "A refund of HK$%(amount)s of your payment %(reference)s for %(purpose)s is pending. "
            "It will be paid back to %(destination)s, and we will tell you when it has been."
        )
        % values,
    )


def _refunded(order: PaymentOrder, refund: Refund | None) -> tuple[str, str]:
    values = _refund_values(order, refund)
    return (
        _("Refunded HK$%(amount)s: payment %(reference)s") % values,
        _("HK$%(amount)s of your payment %(reference)s for %(purpose)s was refunded to %(destination)s on %(when)s.")
        % values,
    )


def _second_charge(order: PaymentOrder, refund: Refund | None) -> tuple[str, str]:
    values = _refund_values(order, refund)
    return (
        _("Second charge refunded: payment %(reference)s") % values,
        _(
            "Payment %(reference)s for %(purpose)s had already been paid when the payment service took a "
            "second charge of HK$%(amount)s (%(method)s). We are refunding that charge to %(destination)s "
            "automatically: you need do nothing, and we will tell you when it has been paid back."
        )
        % values,
    )


_TEXTS: dict[Notice, Callable[[PaymentOrder, Refund | None], tuple[str, str]]] = {
    Notice.DECLINED: _declined,
    Notice.FAILED: _failed,
    Notice.REFUND_REQUESTED: _refund_requested,
    Notice.REFUNDED: _refunded,
    Notice.SECOND_CHARGE: _second_charge,
}


def notice_text(*, notice: Notice, order: PaymentOrder, refund: Refund | None, language: str) -> tuple[str, str]:
    """The subject and text of a notice, in ``language``."""
    with translation.override(language):
        return _TEXTS[notice](order, refund)


def payer_notify(*, notice: Notice, order: PaymentOrder, refund: Refund | None = None) -> None:
    """Post ``notice`` to the payer's message box now and email it after commit.

    Call inside the transaction of the change, once (after the UPDATE that claimed it).
    """
    from filing.services.messages import message_post

    payer = order.payer
    if not isinstance(payer, User):
        return
    subject_en, body_en = notice_text(notice=notice, order=order, refund=refund, language=ENGLISH)
    subject_zh, body_zh = notice_text(notice=notice, order=order, refund=refund, language=CHINESE)
    page = absolute_url(reverse("payments:order", args=[order.access_token]))
    message_post(
        recipient=payer,
        kind="notice",
        subject_en=subject_en[:255],
        subject_zh=subject_zh[:255],
        body_en=f"{body_en}\n{page}",
        body_zh=f"{body_zh}\n{page}",
    )
    if not (payer.is_active and payer.email):
        return
    language = CHINESE if (payer.preferred_language or "").startswith("zh") else ENGLISH
    subject, body = (subject_zh, body_zh) if language == CHINESE else (subject_en, body_en)
    with translation.override(language):
        footer = _("Your payment: %(url)s") % {"url": page}
    email_on_commit(to=[payer.email], subject=f"[iCMS] {subject}", body=f"{body}\n\n{footer}\n")
