"""The registry calendar: the one place in the portal where legal time is computed.

The pure rule lives in :mod:`icms.calendar.core`; these wrappers supply it with
the calendar staff maintain. Import them as::

    from icms.calendar import deemed_receipt, is_open, next_opening
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from icms.core.languages import in_language

from .core import DeemedReceipt, NaiveDatetimeError, Rule

if TYPE_CHECKING:
    from .core import RegistryCalendar, RegistryHours

__all__ = [
    "DeemedReceipt",
    "NaiveDatetimeError",
    "Rule",
    "deemed_receipt",
    "is_open",
    "next_opening",
    "rule_explanation",
]


def _calendar(calendar: RegistryCalendar | None) -> RegistryCalendar:
    if calendar is not None:
        return calendar
    from .data import current_calendar  # the app registry must be ready before models load

    return current_calendar()


def deemed_receipt(received_at: datetime, calendar: RegistryCalendar | None = None) -> DeemedReceipt:
    from . import core

    return core.deemed_receipt(received_at, _calendar(calendar))


def is_open(at: datetime, calendar: RegistryCalendar | None = None) -> bool:
    from . import core

    return core.is_open(at, _calendar(calendar))


def next_opening(at: datetime, calendar: RegistryCalendar | None = None) -> datetime | None:
    from . import core

    return core.next_opening(at, _calendar(calendar))


def rule_explanation(
    rule: str, *, received_at: datetime, deemed_at: datetime | None, hours: RegistryHours | None = None
) -> str:
    """A stored deemed-receipt rule code (``non_working_day``) in words, in the active language.

    The words are the rule's explanation on acknowledgements and receipts
    (:func:`icms.calendar.core._explain`, their one home), for a row's recorded times. They need
    only the registry hours: a list passes ``hours`` once for all its rows (else one query each).
    An empty or unknown code gives an empty string.
    """
    from . import core
    from .data import registry_hours  # the app registry must be ready before models load

    try:
        code = Rule(rule)
    except ValueError:
        return ""
    english, chinese = core._explain(code, received_at, deemed_at, hours or registry_hours())
    return in_language(english, chinese)
