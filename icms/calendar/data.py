"""The thin layer that supplies the pure rule with the calendar staff maintain."""

from __future__ import annotations

from .core import Closure as ClosurePeriod
from .core import ClosureReason, Holiday, RegistryCalendar
from .core import RegistryHours as Hours
from .models import Closure, ExtraHoliday, RegistryHours


def registry_hours() -> Hours:
    row = RegistryHours.objects.filter(pk=1).first()
    if row is None:
        return Hours()
    return Hours(
        opens=row.opens,
        lunch_starts=row.lunch_starts,
        lunch_ends=row.lunch_ends,
        closes=row.closes,
        lunch_hour_defers=row.lunch_hour_defers,
    )


def current_calendar() -> RegistryCalendar:
    """The registry calendar as recorded now: hours, appointed holidays and closures (3 queries)."""
    extra = [Holiday(h.day, h.name_en, h.name_zh) for h in ExtraHoliday.objects.all()]
    closures = [
        ClosurePeriod(
            starts_at=c.starts_at,
            reopens_at=c.reopens_at,
            reason=ClosureReason(c.reason),
            reference=str(c.pk),
        )
        for c in Closure.objects.all()
    ]
    return RegistryCalendar(hours=registry_hours(), extra_holidays=extra, closures=closures)
