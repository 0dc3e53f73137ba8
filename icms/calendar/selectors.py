"""Reading the registry calendar: status now, what is coming, what is in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from icms.core import kept
from icms.core.time import HONG_KONG

from .core import DeemedReceipt, Holiday, RegistryCalendar, deemed_receipt, is_open, next_opening
from .data import current_calendar
from .models import Closure, MaintenanceWindow

MAINTENANCE_CACHE_KEY = "calendar:maintenance:v1"
MAINTENANCE_CACHE_SECONDS = 60
CLOSURES_CACHE_KEY = "calendar:closures:v1"
# Every page reads both: with the kept data's versions, in the request's one round trip (icms/core/kept.py).
kept.prefetch(MAINTENANCE_CACHE_KEY, CLOSURES_CACHE_KEY)


@dataclass(frozen=True)
class RegistryStatus:
    now: datetime
    open: bool
    in_lunch_hour: bool
    next_opening: datetime | None
    closure: Closure | None
    deemed_if_now: DeemedReceipt


def registry_status(*, at: datetime | None = None, calendar: RegistryCalendar | None = None) -> RegistryStatus:
    now = (at or timezone.now()).astimezone(HONG_KONG)
    calendar = calendar or current_calendar()
    closure = Closure.objects.filter(starts_at__lte=now).exclude(reopens_at__lte=now).order_by("-starts_at").first()
    hours = calendar.hours
    moment = now.timetz().replace(tzinfo=None)
    open_now = is_open(now, calendar)
    return RegistryStatus(
        now=now,
        open=open_now,
        in_lunch_hour=open_now and hours.lunch_starts < moment < hours.lunch_ends,
        next_opening=next_opening(now, calendar),
        closure=closure,
        deemed_if_now=deemed_receipt(now, calendar),
    )


def upcoming_holidays(*, calendar: RegistryCalendar, start: date, days: int = 120) -> list[Holiday]:
    found = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        holiday = calendar.holiday_on(day)
        if holiday is not None:
            found.append(holiday)
    return found


def holidays_between(*, calendar: RegistryCalendar, start: date, end: date) -> list[Holiday]:
    return upcoming_holidays(calendar=calendar, start=start, days=(end - start).days)


def recent_closures(*, now: datetime, days: int = 30) -> list[Closure]:
    """Closures in force, or that started within the last ``days`` days."""
    since = now - timedelta(days=days)
    return list(Closure.objects.filter(starts_at__gte=since) | Closure.objects.filter(reopens_at__isnull=True))


def upcoming_maintenance(*, now: datetime) -> list[MaintenanceWindow]:
    return list(MaintenanceWindow.objects.filter(ends_at__gt=now).order_by("starts_at")[:10])


def maintenance_windows_cached() -> list[tuple[datetime, datetime, str, str]]:
    """Current and future maintenance windows, cached briefly: every request consults them."""
    return calendar_notices_cached().maintenance_windows


def _maintenance_windows() -> list[tuple[datetime, datetime, str, str]]:
    return [
        (w.starts_at, w.ends_at, w.notice_en, w.notice_zh)
        for w in MaintenanceWindow.objects.filter(ends_at__gt=timezone.now()).order_by("starts_at")[:10]
    ]


@dataclass(frozen=True)
class ClosureNotice:
    starts_at: datetime
    reopens_at: datetime | None
    reason: str
    notice_en: str
    notice_zh: str


def closures_not_over_cached() -> list[ClosureNotice]:
    """Closures not yet reopened, cached briefly: the banner on every page consults them.

    Saving or deleting a closure clears the cache (:func:`calendar_record_save`).
    """
    return calendar_notices_cached().closures


def _closures_not_over() -> list[ClosureNotice]:
    now = timezone.now()
    return [
        ClosureNotice(c.starts_at, c.reopens_at, c.reason, c.notice_en, c.notice_zh)
        for c in Closure.objects.exclude(reopens_at__lte=now).order_by("starts_at")[:10]
    ]


@dataclass(frozen=True)
class CalendarNotices:
    maintenance_windows: list[tuple[datetime, datetime, str, str]]
    closures: list[ClosureNotice]


def calendar_notices_cached() -> CalendarNotices:
    """The maintenance windows and the closures not over, in one round trip to the cache.

    Every page needs both (the maintenance check and the banner), so they are read with
    one ``get_many`` rather than a ``get`` each: a round trip to Redis cost more than
    rendering the banner. Each key is still filled and cleared on its own. Read with the
    versions of the kept data the page needs, in one ``get_many`` (icms/core/kept.py).
    """
    found = kept.get_many([MAINTENANCE_CACHE_KEY, CLOSURES_CACHE_KEY])
    windows: list[tuple[datetime, datetime, str, str]] | None = found.get(MAINTENANCE_CACHE_KEY)
    if windows is None:
        windows = _maintenance_windows()
        kept.remember(MAINTENANCE_CACHE_KEY, windows, MAINTENANCE_CACHE_SECONDS)
    closures: list[ClosureNotice] | None = found.get(CLOSURES_CACHE_KEY)
    if closures is None:
        closures = _closures_not_over()
        kept.remember(CLOSURES_CACHE_KEY, closures, MAINTENANCE_CACHE_SECONDS)
    return CalendarNotices(maintenance_windows=windows, closures=closures)


def calendar_notices_for_request(request: object) -> CalendarNotices:
    """:func:`calendar_notices_cached`, read once per request: the maintenance middleware
    and the banner's context processor share it."""
    notices: CalendarNotices | None = getattr(request, "_icms_calendar_notices", None)
    if notices is None:
        notices = calendar_notices_cached()
        setattr(request, "_icms_calendar_notices", notices)  # noqa: B010
    return notices
