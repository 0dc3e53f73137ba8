"""Telling the payer about money: a declined payment, a refund asked for, rejected or paid back,
a second charge refunded automatically.

Each notice is a message in the payer's message box (in English and Chinese, shown in the
reader's language) and an email in the payer's preferred language, sent after commit. A
service calls :func:`payer_notify` once, right after the conditional UPDATE or unique
insert that made the change, so a retried callback or task never tells the payer twice.
A member of the public has no message box and gave no address: the order's page is theirs.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from django.urls import reverse
from django.utils.functional import lazy

from accounts.models import User
from icms.core.email import absolute_url, email_enqueue_in_languages
from icms.core.messages import CHINESE, ENGLISH, render_text

from ..models import PaymentOrder, Refund


class Notice(StrEnum):
    DECLINED = "declined"
    FAILED = "failed"
    REFUND_REQUESTED = "refund_requested"
    REFUND_REJECTED = "refund_rejected"
    REFUNDED = "refunded"
    SECOND_CHARGE = "second_charge"
    REFUND_DELAYED = "refund_delayed"
    RECEIPT_DELAYED = "receipt_delayed"


def _hkd(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _purpose(order: PaymentOrder) -> str:
    from ..selectors import order_purpose

    return order_purpose(order)


def _destination(refund: Refund) -> str:
    return refund.destination


def _method(order: PaymentOrder, refund: Refund) -> str:
    return str(refund.get_method_display() or order.get_method_display())


# The notices about a refund: the amount is the refund's, and they say where it goes back.
_ABOUT_A_REFUND = {
    Notice.REFUND_REQUESTED,
    Notice.REFUND_REJECTED,
    Notice.REFUNDED,
    Notice.SECOND_CHARGE,
    Notice.REFUND_DELAYED,
}


def _rejection_reason(refund: Refund) -> str:
    return str(refund.get_rejection_reason_display())


def _context(notice: Notice, order: PaymentOrder, refund: Refund | None) -> dict[str, object]:
    """The values a notice's templates show. Those in words are lazy, so that each is
    evaluated in the language being rendered."""
    context: dict[str, object] = {
        "reference": order.reference,
        "amount": _hkd(order.amount),
        "purpose": lazy(_purpose, str)(order),
    }
    if notice not in _ABOUT_A_REFUND:
        return context
    if refund is None:
        raise ValueError("A refund notice needs its refund.")
    return {
        **context,
        "amount": _hkd(refund.amount),
        "destination": lazy(_destination, str)(refund),
        "method": lazy(_method, str)(order, refund),
        "completed_at": refund.completed_at,
        "rejection_reason": lazy(_rejection_reason, str)(refund),
        "note": refund.decided_note,
    }


def notice_text(*, notice: Notice, order: PaymentOrder, refund: Refund | None, language: str) -> tuple[str, str]:
    """The subject and text of a notice, in ``language``.

    The words are in ``templates/payments/messages/<notice>_subject.txt`` and ``<notice>_body.txt``.
    """
    context = _context(notice, order, refund)
    return (
        render_text(f"payments/messages/{notice.value}_subject.txt", context, language=language),
        render_text(f"payments/messages/{notice.value}_body.txt", context, language=language),
    )


def payer_notify(*, notice: Notice, order: PaymentOrder, refund: Refund | None = None) -> None:
    """Post ``notice`` to the payer's message box now and owe the email in the outbox.

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
    texts = {ENGLISH: (subject_en, body_en), CHINESE: (subject_zh, body_zh)}

    def render(language: str) -> tuple[str, str]:
        subject, body = texts[language]
        context = {"body": body, "url": page}
        return subject, render_text("payments/messages/notice_email_body.txt", context, language=language)

    email_enqueue_in_languages(to=payer.email, language=payer.preferred_language, render=render)
