"""Hong Kong time: the one declaration of the zone legal time is kept in.

Store UTC, show and reason in Asia/Hong_Kong (house style §9). Legal rules themselves
(deemed receipt) live in :mod:`icms.calendar`; this module only names the zone and
converts to it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from django.utils import timezone

HONG_KONG: Final = ZoneInfo("Asia/Hong_Kong")


def in_hong_kong(moment: datetime) -> datetime:
    """``moment`` in Hong Kong time. A naive datetime is refused: legal time never guesses a zone."""
    if timezone.is_naive(moment):
        raise ValueError("Legal times must be timezone-aware.")
    return moment.astimezone(HONG_KONG)


def hong_kong_date(moment: datetime) -> date:
    """The calendar day in Hong Kong at ``moment``."""
    return in_hong_kong(moment).date()
