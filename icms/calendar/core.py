"""Legal time: when the registry is open, and when a filing is deemed received.

This is the one place in the portal where legal time is computed. It is pure:
no database, no clock. The caller passes a :class:`RegistryCalendar` (hours,
holidays, closures); :mod:`icms.calendar.data` builds one from the database.

The rule (``shared/domain/icms-reference.md`` §2; Judiciary press release of
9 December 2022 for rules 1, 4, 5 and 6; [P] marks a product rule):

1. Open hours: received on a working day at or after 08:45:00 and at or before
   17:30:00 → deemed received at its actual time.
2. Lunch hour: received between 13:00 and 14:00 → its actual time, unless the
   lunch-hour setting is on [P], which defers it to 14:00.
3. Early morning: received on a working day before 08:45 → 08:45 that day [P].
4. Evening: received after 17:30:00 on a working day → the next opening.
5. Non-working days: Saturday, Sunday or a general holiday (Cap. 149) → the
   next opening.
6. Closures: received while the registry is closed for a tropical cyclone
   signal No. 8 or above, a black rainstorm warning or "extreme conditions" →
   its reopening time, to which rules 3-5 apply in turn. Until staff record the
   reopening the deemed time is *pending*.

"Opening" means 08:45 on a working day, or the announced reopening time after
a closure. Times are compared in Asia/Hong_Kong, to the microsecond: 17:30:00
is within hours, 17:30:00.000001 is not.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays as holidays_lib

from icms.core.time import HONG_KONG

# A walk forward that has not found an opening in this many steps has met a
# calendar that never opens (corrupt data); fail loudly rather than loop.
MAX_STEPS = 400


class NaiveDatetimeError(ValueError):
    """Raised when a datetime without a time zone reaches legal-time code."""


class Rule(enum.StrEnum):
    """Stable codes for the rule that decided a deemed receipt (used in the API and stored on rows)."""

    OPEN_HOURS = "open_hours"
    LUNCH_HOUR = "lunch_hour"
    LUNCH_HOUR_DEFERRED = "lunch_hour_deferred"
    EARLY_MORNING = "early_morning"
    AFTER_HOURS = "after_hours"
    NON_WORKING_DAY = "non_working_day"
    CLOSURE = "closure"
    CLOSURE_PENDING = "closure_pending"


class ClosureReason(enum.StrEnum):
    TYPHOON = "typhoon"
    BLACK_RAINSTORM = "black_rainstorm"
    EXTREME_CONDITIONS = "extreme_conditions"
    OTHER = "other"


CLOSURE_REASON_TEXT: dict[ClosureReason, tuple[str, str]] = {
    ClosureReason.TYPHOON: ("tropical cyclone signal No. 8 or above", "八號或以上熱帶氣旋警告信號"),
    ClosureReason.BLACK_RAINSTORM: ("black rainstorm warning", "黑色暴雨警告信號"),
    ClosureReason.EXTREME_CONDITIONS: ('"extreme conditions"', "「極端情況」"),
    ClosureReason.OTHER: ("an ad-hoc closure", "臨時關閉"),
}

WEEKDAY_TEXT = [
    ("Monday", "星期一"),
    ("Tuesday", "星期二"),
    ("Wednesday", "星期三"),
    ("Thursday", "星期四"),
    ("Friday", "星期五"),
    ("Saturday", "星期六"),
    ("Sunday", "星期日"),
]


@dataclass(frozen=True)
class RegistryHours:
    """Weekday hours of the registries and the Accounts Office (icms-reference §2)."""

    opens: time = time(8, 45)
    lunch_starts: time = time(13, 0)
    lunch_ends: time = time(14, 0)
    closes: time = time(17, 30)
    # [P] Off by default: the public rule names only "after 5:30 pm".
    lunch_hour_defers: bool = False

    def __post_init__(self) -> None:
        if not (self.opens < self.lunch_starts <= self.lunch_ends < self.closes):
            raise ValueError("Registry hours must satisfy opens < lunch starts <= lunch ends < closes.")


@dataclass(frozen=True)
class Holiday:
    day: date
    name_en: str
    name_zh: str


@dataclass(frozen=True)
class Closure:
    """An ad-hoc closure of the registry. ``reopens_at`` is None until announced."""

    starts_at: datetime
    reopens_at: datetime | None
    reason: ClosureReason = ClosureReason.TYPHOON
    reference: str = ""

    def __post_init__(self) -> None:
        require_aware(self.starts_at, "closure start")
        if self.reopens_at is not None:
            require_aware(self.reopens_at, "closure reopening")
            if self.reopens_at <= self.starts_at:
                raise ValueError("A closure must reopen after it starts.")

    def in_force_at(self, at: datetime) -> bool:
        return self.starts_at <= at and (self.reopens_at is None or at < self.reopens_at)


@dataclass(frozen=True)
class Fact:
    """A calendar fact that a decision relied on, in both languages."""

    code: str
    en: str
    zh: str


@dataclass(frozen=True)
class DeemedReceipt:
    """When something received at ``received_at`` is deemed received, and why.

    ``deemed_at`` is None exactly when ``pending`` is true: a closure is in force
    and its reopening time is not yet known.
    """

    received_at: datetime
    deemed_at: datetime | None
    rule: Rule
    explanation_en: str
    explanation_zh: str
    facts: tuple[Fact, ...] = field(default_factory=tuple)

    @property
    def pending(self) -> bool:
        return self.deemed_at is None

    @property
    def deferred(self) -> bool:
        return self.deemed_at is None or self.deemed_at != self.received_at


def require_aware(value: datetime, what: str = "datetime") -> datetime:
    """Reject naive datetimes: legal time must never guess a time zone."""
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, not {type(value).__name__}.")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise NaiveDatetimeError(
            f"{what} {value.isoformat()} has no time zone; pass an aware datetime "
            "(for example with tzinfo=ZoneInfo('Asia/Hong_Kong') or from django.utils.timezone.now())."
        )
    return value


@lru_cache(maxsize=64)
def _statutory_holidays(year: int) -> dict[date, Holiday]:
    """General holidays of Hong Kong (Cap. 149) for ``year``, from the ``holidays`` package.

    Cap. 149's general holidays are the package's "public" (statutory) and
    "optional" (the other general) categories together; Sundays are general
    holidays too and are handled as non-working days by weekday.
    """
    categories = ("public", "optional")
    english = holidays_lib.country_holidays("HK", years=year, language="en_HK", categories=categories)
    chinese = holidays_lib.country_holidays("HK", years=year, language="zh_HK", categories=categories)
    return {day: Holiday(day, name, chinese.get(day, name)) for day, name in english.items()}


class RegistryCalendar:
    """Hours, holidays and closures: everything the rule needs to know.

    ``extra_holidays`` are days the Chief Executive appoints on top of Cap. 149.
    ``holiday_source`` defaults to the ``holidays`` package for any year.
    """

    def __init__(
        self,
        *,
        hours: RegistryHours | None = None,
        extra_holidays: Sequence[Holiday] = (),
        closures: Sequence[Closure] = (),
        holiday_source: Callable[[int], dict[date, Holiday]] = _statutory_holidays,
    ) -> None:
        self.hours = hours or RegistryHours()
        self._extra = {h.day: h for h in extra_holidays}
        self.closures = tuple(sorted(closures, key=lambda c: c.starts_at))
        self._holiday_source = holiday_source

    def holiday_on(self, day: date) -> Holiday | None:
        return self._extra.get(day) or self._holiday_source(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday, and not a general holiday (Saturdays are closed, icms-reference §2)."""
        return day.weekday() < 5 and self.holiday_on(day) is None

    def working_day_from(self, day: date, *, within_days: int = 60) -> date | None:
        """``day`` if it is a working day, else the first after it; None if none within ``within_days``."""
        for offset in range(within_days):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        return None

    def closure_in_force(self, at: datetime) -> Closure | None:
        for closure in self.closures:
            if closure.starts_at > at:
                break
            if closure.in_force_at(at):
                return closure
        return None

    def opening_on(self, day: date) -> datetime:
        return datetime.combine(day, self.hours.opens, tzinfo=HONG_KONG)


# --- Facts ---------------------------------------------------------------------


def _fmt(at: datetime) -> str:
    return at.astimezone(HONG_KONG).strftime("%Y-%m-%d %H:%M:%S")


def _hhmm(at: datetime) -> str:
    return at.astimezone(HONG_KONG).strftime("%H:%M")


def _day_fact(calendar: RegistryCalendar, day: date) -> Fact:
    holiday = calendar.holiday_on(day)
    if holiday is not None:
        return Fact(
            "general_holiday",
            f"{day.isoformat()} is a general holiday: {holiday.name_en}",
            f"{day.isoformat()}是公眾假期：{holiday.name_zh}",
        )
    weekday_en, weekday_zh = WEEKDAY_TEXT[day.weekday()]
    return Fact("weekend", f"{day.isoformat()} is a {weekday_en}", f"{day.isoformat()}是{weekday_zh}")


def _closure_fact(closure: Closure) -> Fact:
    reason_en, reason_zh = CLOSURE_REASON_TEXT[closure.reason]
    if closure.reopens_at is None:
        return Fact(
            "closure",
            f"closure: {reason_en} from {_fmt(closure.starts_at)}, reopening not yet announced",
            f"關閉：{reason_zh}，由{_fmt(closure.starts_at)}起，重開時間尚未公布",
        )
    return Fact(
        "closure",
        f"closure: {reason_en} from {_fmt(closure.starts_at)}, reopened {_fmt(closure.reopens_at)}",
        f"關閉：{reason_zh}，由{_fmt(closure.starts_at)}起，於{_fmt(closure.reopens_at)}重開",
    )


# --- The rule --------------------------------------------------------------------


def _classify(calendar: RegistryCalendar, at: datetime) -> Rule | None:
    """Why the registry is not open at ``at`` (None if it is open)."""
    if calendar.closure_in_force(at) is not None:
        return Rule.CLOSURE
    local = at.astimezone(HONG_KONG)
    if not calendar.is_working_day(local.date()):
        return Rule.NON_WORKING_DAY
    hours = calendar.hours
    moment = local.timetz().replace(tzinfo=None)
    if moment < hours.opens:
        return Rule.EARLY_MORNING
    if moment > hours.closes:
        return Rule.AFTER_HOURS
    if hours.lunch_hour_defers and hours.lunch_starts < moment < hours.lunch_ends:
        return Rule.LUNCH_HOUR_DEFERRED
    return None


def _walk_to_opening(calendar: RegistryCalendar, start: datetime) -> tuple[datetime | None, list[Fact]]:
    """The first instant at or after ``start`` at which the registry is open, and the facts used.

    Returns ``(None, facts)`` when an unannounced reopening blocks the way.
    """
    facts: list[Fact] = []
    seen_days: set[date] = set()
    seen_closures: set[Closure] = set()
    candidate = start
    hours = calendar.hours
    for _ in range(MAX_STEPS):
        closure = calendar.closure_in_force(candidate)
        if closure is not None:
            if closure not in seen_closures:
                facts.append(_closure_fact(closure))
                seen_closures.add(closure)
            if closure.reopens_at is None:
                return None, facts
            candidate = closure.reopens_at
            continue
        local = candidate.astimezone(HONG_KONG)
        day = local.date()
        if not calendar.is_working_day(day):
            if day not in seen_days:
                facts.append(_day_fact(calendar, day))
                seen_days.add(day)
            candidate = calendar.opening_on(day + timedelta(days=1))
            continue
        moment = local.timetz().replace(tzinfo=None)
        if moment < hours.opens:
            candidate = calendar.opening_on(day)
            continue
        if moment > hours.closes:
            if day not in seen_days:
                facts.append(
                    Fact(
                        "after_hours",
                        f"{day.isoformat()}: the registry closed at {hours.closes:%H:%M}",
                        f"{day.isoformat()}：登記處於{hours.closes:%H:%M}關閉",
                    )
                )
                seen_days.add(day)
            candidate = calendar.opening_on(day + timedelta(days=1))
            continue
        if hours.lunch_hour_defers and hours.lunch_starts < moment < hours.lunch_ends:
            candidate = datetime.combine(day, hours.lunch_ends, tzinfo=HONG_KONG)
            continue
        return candidate.astimezone(HONG_KONG), facts
    raise RuntimeError(f"No registry opening found within {MAX_STEPS} steps of {start.isoformat()}.")


def is_open(at: datetime, calendar: RegistryCalendar) -> bool:
    """True when something received at ``at`` is deemed received at that very time.

    With the lunch-hour setting off (the default), the lunch hour counts as open.
    """
    require_aware(at, "at")
    return _classify(calendar, at) is None


def next_opening(at: datetime, calendar: RegistryCalendar) -> datetime | None:
    """The next opening strictly after ``at`` (08:45 of a working day, or a reopening).

    None when the registry is in a closure whose reopening is not yet announced.
    An opening is an instant at which the registry is open and was closed just
    before; during open hours this is therefore the next day's opening.
    """
    require_aware(at, "at")
    local = at.astimezone(HONG_KONG)
    current = _classify(calendar, at)
    if current is None:
        # Open now: find when it next closes, then the opening after that.
        hours = calendar.hours
        closing = datetime.combine(local.date(), hours.closes, tzinfo=HONG_KONG)
        closures_before_close = [c for c in calendar.closures if at < c.starts_at <= closing]
        if hours.lunch_hour_defers and local.timetz().replace(tzinfo=None) < hours.lunch_starts:
            closing = min(closing, datetime.combine(local.date(), hours.lunch_starts, tzinfo=HONG_KONG))
        if closures_before_close and closures_before_close[0].starts_at <= closing:
            closing = closures_before_close[0].starts_at
            opening, _ = _walk_to_opening(calendar, closing)
            return opening
        opening, _ = _walk_to_opening(calendar, closing + timedelta(microseconds=1))
        return opening
    opening, _ = _walk_to_opening(calendar, at)
    return opening


def deemed_receipt(received_at: datetime, calendar: RegistryCalendar) -> DeemedReceipt:
    """When a filing or e-payment received at ``received_at`` is deemed received (rules 1-6)."""
    require_aware(received_at, "received_at")
    hours = calendar.hours
    rule = _classify(calendar, received_at)
    local = received_at.astimezone(HONG_KONG)
    if rule is None:
        moment = local.timetz().replace(tzinfo=None)
        if hours.lunch_starts < moment < hours.lunch_ends:
            return DeemedReceipt(received_at, local, Rule.LUNCH_HOUR, *_explain(Rule.LUNCH_HOUR, local, local, hours))
        return DeemedReceipt(received_at, local, Rule.OPEN_HOURS, *_explain(Rule.OPEN_HOURS, local, local, hours))
    deemed, facts = _walk_to_opening(calendar, received_at)
    if deemed is None:
        rule = Rule.CLOSURE_PENDING
    en, zh = _explain(rule, local, deemed, hours)
    return DeemedReceipt(received_at, deemed, rule, en, zh, tuple(facts))


def _explain(rule: Rule, received: datetime, deemed: datetime | None, hours: RegistryHours) -> tuple[str, str]:
    """The rule in plain words, in English and Chinese."""
    closes = f"{hours.closes:%H:%M}"
    opens = f"{hours.opens:%H:%M}"
    when = _fmt(deemed) if deemed is not None else ""
    if rule is Rule.OPEN_HOURS:
        return (
            "Received during the registry's open hours: deemed received at the time it was received.",
            "於登記處辦公時間內收到：以實際收到的時間為收到時間。",
        )
    if rule is Rule.LUNCH_HOUR:
        return (
            "Received during the lunch hour: deemed received at the time it was received.",
            "於午膳時間收到：以實際收到的時間為收到時間。",
        )
    if rule is Rule.LUNCH_HOUR_DEFERRED:
        return (
            f"Received during the lunch hour: deemed received when the registry reopens at {when}.",
            f"於午膳時間收到：視為於登記處重開時（{when}）收到。",
        )
    if rule is Rule.EARLY_MORNING:
        return (
            f"Received before the registry opens at {opens}: deemed received at {when}.",
            f"於登記處上午{opens}開放前收到：視為於{when}收到。",
        )
    if rule is Rule.AFTER_HOURS:
        return (
            f"Received after the registry closed at {closes}: deemed received at the next opening, {when}.",
            f"於登記處{closes}關閉後收到：視為於下一個開放時間（{when}）收到。",
        )
    if rule is Rule.NON_WORKING_DAY:
        return (
            f"Received on a Saturday, Sunday or general holiday: deemed received at the next opening, {when}.",
            f"於星期六、星期日或公眾假期收到：視為於下一個開放時間（{when}）收到。",
        )
    if rule is Rule.CLOSURE:
        return (
            f"Received while the registry was closed (typhoon, black rainstorm or extreme conditions): "
            f"deemed received when it reopened, {when}.",
            f"於登記處因颱風、黑色暴雨或極端情況關閉期間收到：視為於登記處重開時（{when}）收到。",
        )
    return (
        "Received while the registry is closed (typhoon, black rainstorm or extreme conditions): "
        "the deemed time is pending until the registry announces its reopening.",
        "於登記處因颱風、黑色暴雨或極端情況關閉期間收到：收到時間有待登記處公布重開時間後確定。",
    )
