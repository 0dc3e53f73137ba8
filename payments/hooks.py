"""How other apps react to payments without payments importing them.

Filing and the cause book register handlers in their ``AppConfig.ready``::

    from payments.hooks import register_paid_handler

    def _submission_paid(order: PaymentOrder) -> None:
        ...  # look up the submission by order.purpose_ref and move it on

    register_paid_handler("submission", _submission_paid)

Handlers run in a worker, as outbox work owed by the transaction that paid (or
refunded) the order, each in its own transaction. A failure is retried if transient and
otherwise reported (audited, and listed in "Work needing attention"). A handler must be
idempotent: the work is at-least-once, so look the order up again and check.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from .models import PaymentOrder, Receipt, Refund

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


def has_paid_handlers(purpose: str) -> bool:
    return bool(_paid.get(purpose))


def has_refund_handlers(purpose: str) -> bool:
    return bool(_refunded.get(purpose))


def paid_handlers_run(order: PaymentOrder) -> None:
    """Outbox work ``payments.paid``: every paid handler of the order's purpose, each in its
    own transaction. A failure is raised, so the outbox tries again (the handlers are
    idempotent) or, in the end, reports it."""
    for handler in list(_paid.get(order.purpose, ())):
        with transaction.atomic():
            handler(order)


def refund_handlers_run(refund: Refund) -> None:
    """Outbox work ``payments.refunded``: as :func:`paid_handlers_run`, for a completed refund."""
    for handler in list(_refunded.get(refund.order.purpose, ())):
        with transaction.atomic():
            handler(refund)


def receipt_rendered(receipt: Receipt) -> None:
    """Run inside the receipt's outbox work, so a failure there is retried and reported."""
    for handler in list(_receipt):
        with transaction.atomic():
            handler(receipt)
