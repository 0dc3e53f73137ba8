"""How other apps react to payments without payments importing them.

Filing and the cause book register handlers in their ``AppConfig.ready``::

    from payments.hooks import register_paid_handler

    def _submission_paid(order: PaymentOrder) -> None:
        ...  # look up the submission by order.purpose_ref and move it on

    register_paid_handler("submission", _submission_paid)

Handlers run **after the commit** that paid (or refunded) the order, each in its own
transaction; one handler's failure is logged and does not stop the others. A handler
must be idempotent: callbacks are at-least-once, so look the order up again and check.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from .models import PaymentOrder, Receipt, Refund

logger = logging.getLogger(__name__)

PaidHandler = Callable[["PaymentOrder"], None]
RefundHandler = Callable[["Refund"], None]
ReceiptHandler = Callable[["Receipt"], None]

_paid: dict[str, list[PaidHandler]] = defaultdict(list)
_refunded: dict[str, list[RefundHandler]] = defaultdict(list)
_receipt: list[ReceiptHandler] = []
_continue: dict[str, Callable[[PaymentOrder], str | None]] = {}
_describe: dict[str, Callable[[PaymentOrder], str | None]] = {}


def register_paid_handler(purpose: str, handler: PaidHandler) -> None:
    """Call ``handler(order)`` after commit whenever an order for ``purpose`` becomes paid."""
    if handler not in _paid[purpose]:
        _paid[purpose].append(handler)


def register_refund_handler(purpose: str, handler: RefundHandler) -> None:
    """Call ``handler(refund)`` after commit whenever a refund of an order for ``purpose`` completes."""
    if handler not in _refunded[purpose]:
        _refunded[purpose].append(handler)


def register_receipt_handler(handler: ReceiptHandler) -> None:
    """Call ``handler(receipt)`` once a receipt's PDF is rendered (e.g. to post it to the message box)."""
    if handler not in _receipt:
        _receipt.append(handler)


def register_continue_url(purpose: str, resolver: Callable[[PaymentOrder], str | None]) -> None:
    """Where the payer goes next from an order's pages (back to the search results, the filing)."""
    _continue[purpose] = resolver


def continue_url(order: PaymentOrder) -> str | None:
    resolver = _continue.get(order.purpose)
    return resolver(order) if resolver is not None else None


def register_description(purpose: str, describer: Callable[[PaymentOrder], str | None]) -> None:
    """What the payer is paying for, in words they know: the search text, the document and
    case, the submission's reference. Called in the reader's language; ``None`` when unknown.
    Never return an internal key: ``purpose_ref`` may be one."""
    _describe[purpose] = describer


def description(order: PaymentOrder) -> str | None:
    describer = _describe.get(order.purpose)
    return describer(order) if describer is not None else None


def unregister_all() -> None:
    """Tests only: forget every handler."""
    _paid.clear()
    _refunded.clear()
    _receipt.clear()


def _run(name: str, handler: Callable[[object], None], arg: object) -> None:
    try:
        with transaction.atomic():
            handler(arg)
    except Exception:
        logger.exception("Payment hook %s failed for %s", name, arg)


def paid_on_commit(order: PaymentOrder) -> None:
    for handler in list(_paid.get(order.purpose, ())):
        transaction.on_commit(lambda h=handler: _run("paid", h, order))  # type: ignore[misc]


def refunded_on_commit(refund: Refund) -> None:
    for handler in list(_refunded.get(refund.order.purpose, ())):
        transaction.on_commit(lambda h=handler: _run("refunded", h, refund))  # type: ignore[misc]


def receipt_rendered(receipt: Receipt) -> None:
    for handler in list(_receipt):
        _run("receipt", handler, receipt)  # type: ignore[arg-type]
