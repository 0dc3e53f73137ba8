"""How apps learn that a row's deemed receipt changed, without the calendar importing them.

The calendar depends on nothing above it, so an app whose rows are deemed received
(filing's submissions) registers a handler in its ``AppConfig.ready``::

    from icms.calendar.hooks import register_deemed_receipt_changed

    register_deemed_receipt_changed(Submission, _submission_restamped)

Handlers run **inside** the transaction that changed the row, so what they record (a
revised acknowledgement to send, say) commits or rolls back with the change itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models


@dataclass(frozen=True)
class DeemedReceiptChange:
    """One change of a row's deemed receipt: what it was, what it is, and why."""

    pk: Any
    before_at: datetime | None
    before_rule: str
    after_at: datetime | None
    after_rule: str
    cause: str
    # Set when staff corrected a decided row by hand (the reason they gave); empty otherwise.
    correction_reason: str = ""


ChangeHandler = Callable[[DeemedReceiptChange], None]

_handlers: dict[str, list[ChangeHandler]] = {}


def register_deemed_receipt_changed(model: type[models.Model], handler: ChangeHandler) -> None:
    """Call ``handler(change)`` whenever the deemed receipt of a ``model`` row changes after its first stamp."""
    handlers = _handlers.setdefault(model._meta.label_lower, [])
    if handler not in handlers:
        handlers.append(handler)


def deemed_receipt_changed(model: type[models.Model], change: DeemedReceiptChange) -> None:
    for handler in list(_handlers.get(model._meta.label_lower, ())):
        handler(change)
