"""Every rule of icms-reference §2, at its boundaries (times in Hong Kong)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from icms.calendar.core import (
    Closure,
    ClosureReason,
    Holiday,
    NaiveDatetimeError,
    RegistryCalendar,
    RegistryHours,
    Rule,
    deemed_receipt,
    is_open,
    next_opening,
)

HKT = ZoneInfo("Asia/Hong_Kong")
UTC = ZoneInfo("UTC")
PLAIN = RegistryCalendar()


def hkt(*args: int) -> datetime:
    return datetime(*args, tzinfo=HKT)


@pytest.mark.parametrize(
    ("received", "deemed", "rule"),
    [
        # Wednesday 25 November 2026, an ordinary working day.
        (hkt(2026, 11, 25, 8, 44, 59), hkt(2026, 11, 25, 8, 45), Rule.EARLY_MORNING),
        (hkt(2026, 11, 25, 8, 45, 0), hkt(2026, 11, 25, 8, 45), Rule.OPEN_HOURS),
        (hkt(2026, 11, 25, 0, 0, 0), hkt(2026, 11, 25, 8, 45), Rule.EARLY_MORNING),
        (hkt(2026, 11, 25, 13, 0, 0), hkt(2026, 11, 25, 13, 0), Rule.OPEN_HOURS),
        (hkt(2026, 11, 25, 13, 30), hkt(2026, 11, 25, 13, 30), Rule.LUNCH_HOUR),
        (hkt(2026, 11, 25, 14, 0), hkt(2026, 11, 25, 14, 0), Rule.OPEN_HOURS),
        (hkt(2026, 11, 25, 17, 30, 0), hkt(2026, 11, 25, 17, 30), Rule.OPEN_HOURS),
        (hkt(2026, 11, 25, 17, 30, 0, 1), hkt(2026, 11, 26, 8, 45), Rule.AFTER_HOURS),
        (hkt(2026, 11, 25, 23, 59, 59, 999999), hkt(2026, 11, 26, 8, 45), Rule.AFTER_HOURS),
        # Saturday and Sunday.
        (hkt(2026, 11, 28, 10, 0), hkt(2026, 11, 30, 8, 45), Rule.NON_WORKING_DAY),
        (hkt(2026, 11, 29, 23, 0), hkt(2026, 11, 30, 8, 45), Rule.NON_WORKING_DAY),
        # Friday evening before a Monday holiday: Chung Yeung (Sun 18 Oct 2026) is observed on Mon 19 Oct.
        (hkt(2026, 10, 16, 18, 0), hkt(2026, 10, 20, 8, 45), Rule.AFTER_HOURS),
        # Christmas Day on a Friday, the first weekday after it on the Saturday (2026).
        (hkt(2026, 12, 24, 17, 45), hkt(2026, 12, 28, 8, 45), Rule.AFTER_HOURS),
        (hkt(2026, 12, 25, 9, 0), hkt(2026, 12, 28, 8, 45), Rule.NON_WORKING_DAY),
        # Christmas Day on a Sunday (2022): Mon 26 and Tue 27 December are holidays.
        (hkt(2022, 12, 23, 18, 0), hkt(2022, 12, 28, 8, 45), Rule.AFTER_HOURS),
        # Lunar New Year 2023 fell on a Sunday: the fourth day (Wed 25 Jan) substitutes.
        (hkt(2023, 1, 20, 17, 31), hkt(2023, 1, 26, 8, 45), Rule.AFTER_HOURS),
        (hkt(2023, 1, 25, 10, 0), hkt(2023, 1, 26, 8, 45), Rule.NON_WORKING_DAY),
        # Lunar New Year 2026: Tue 17 to Thu 19 February.
        (hkt(2026, 2, 16, 18, 0), hkt(2026, 2, 20, 8, 45), Rule.AFTER_HOURS),
        # Easter 2026: Good Friday 3 Apr, the day after, Ching Ming (Sun 5), Easter Monday,
        # and Ching Ming observed (Tue 7).
        (hkt(2026, 4, 2, 17, 30, 1), hkt(2026, 4, 8, 8, 45), Rule.AFTER_HOURS),
        (hkt(2026, 4, 3, 11, 0), hkt(2026, 4, 8, 8, 45), Rule.NON_WORKING_DAY),
        # New Year's Eve into New Year: 1 Jan 2027 is a Friday.
        (hkt(2026, 12, 31, 20, 0), hkt(2027, 1, 4, 8, 45), Rule.AFTER_HOURS),
        (hkt(2026, 12, 31, 17, 0), hkt(2026, 12, 31, 17, 0), Rule.OPEN_HOURS),
    ],
)
def test_rule_at_boundary(received, deemed, rule):
    result = deemed_receipt(received, PLAIN)
    assert result.deemed_at == deemed
    assert result.rule is rule
    assert result.pending is False


def test_facts_name_the_days_skipped():
    result = deemed_receipt(hkt(2026, 10, 16, 18, 0), PLAIN)
    assert [f.code for f in result.facts] == ["after_hours", "weekend", "general_holiday", "general_holiday"]
    assert result.facts[1].en == "2026-10-17 is a Saturday"
    assert result.facts[2].en == "2026-10-18 is a general holiday: Chung Yeung Festival"
    assert result.facts[2].zh == "2026-10-18是公眾假期：重陽節"
    assert "2026-10-20 08:45:00" in result.explanation_en


def test_input_in_utc_gives_the_same_answer_shown_in_hong_kong_time():
    result = deemed_receipt(datetime(2026, 11, 25, 9, 30, 0, 1, tzinfo=UTC), PLAIN)  # 17:30:00.000001 HKT
    assert result.deemed_at == hkt(2026, 11, 26, 8, 45)
    assert result.deemed_at.utcoffset().total_seconds() == 8 * 3600


def test_naive_datetimes_are_rejected_with_a_clear_error():
    with pytest.raises(NaiveDatetimeError, match="has no time zone"):
        deemed_receipt(datetime(2026, 11, 25, 10, 0), PLAIN)  # noqa: DTZ001
    with pytest.raises(NaiveDatetimeError):
        is_open(datetime(2026, 11, 25, 10, 0), PLAIN)  # noqa: DTZ001
    with pytest.raises(NaiveDatetimeError):
        next_opening(datetime(2026, 11, 25, 10, 0), PLAIN)  # noqa: DTZ001


class TestLunchHourSetting:
    calendar = RegistryCalendar(hours=RegistryHours(lunch_hour_defers=True))

    def test_a_filing_in_the_lunch_hour_waits_until_14_00(self):
        result = deemed_receipt(hkt(2026, 11, 25, 13, 30), self.calendar)
        assert result.deemed_at == hkt(2026, 11, 25, 14, 0)
        assert result.rule is Rule.LUNCH_HOUR_DEFERRED

    def test_13_00_itself_and_14_00_itself_are_open(self):
        assert deemed_receipt(hkt(2026, 11, 25, 13, 0), self.calendar).deemed_at == hkt(2026, 11, 25, 13, 0)
        assert deemed_receipt(hkt(2026, 11, 25, 14, 0), self.calendar).deemed_at == hkt(2026, 11, 25, 14, 0)
        assert deemed_receipt(hkt(2026, 11, 25, 13, 0, 0, 1), self.calendar).deemed_at == hkt(2026, 11, 25, 14, 0)


def test_an_appointed_extra_holiday_is_not_a_working_day():
    calendar = RegistryCalendar(extra_holidays=[Holiday(date(2026, 11, 26), "Appointed holiday", "特別假日")])
    result = deemed_receipt(hkt(2026, 11, 25, 18, 0), calendar)
    assert result.deemed_at == hkt(2026, 11, 27, 8, 45)
    assert result.facts[-1].en == "2026-11-26 is a general holiday: Appointed holiday"


class TestClosures:
    def test_reopening_at_15_10_the_same_day(self):
        calendar = RegistryCalendar(closures=[Closure(hkt(2026, 11, 25, 6, 0), hkt(2026, 11, 25, 15, 10))])
        result = deemed_receipt(hkt(2026, 11, 25, 9, 30), calendar)
        assert result.deemed_at == hkt(2026, 11, 25, 15, 10)
        assert result.rule is Rule.CLOSURE
        assert result.facts[0].en == (
            "closure: tropical cyclone signal No. 8 or above from 2026-11-25 06:00:00, reopened 2026-11-25 15:10:00"
        )

    def test_an_early_morning_filing_waits_for_the_reopening_too(self):
        calendar = RegistryCalendar(closures=[Closure(hkt(2026, 11, 25, 6, 0), hkt(2026, 11, 25, 15, 10))])
        result = deemed_receipt(hkt(2026, 11, 25, 5, 0), calendar)
        assert result.deemed_at == hkt(2026, 11, 25, 15, 10)
        assert result.rule is Rule.EARLY_MORNING
        assert result.facts[0].code == "closure"

    def test_the_reopening_instant_itself_is_open(self):
        calendar = RegistryCalendar(closures=[Closure(hkt(2026, 11, 25, 6, 0), hkt(2026, 11, 25, 15, 10))])
        assert is_open(hkt(2026, 11, 25, 15, 10), calendar)
        assert not is_open(hkt(2026, 11, 25, 15, 9, 59, 999999), calendar)

    def test_reopening_after_17_30_moves_to_the_next_working_morning(self):
        calendar = RegistryCalendar(closures=[Closure(hkt(2026, 11, 25, 10, 0), hkt(2026, 11, 25, 18, 0))])
        result = deemed_receipt(hkt(2026, 11, 25, 11, 0), calendar)
        assert result.deemed_at == hkt(2026, 11, 26, 8, 45)
        assert result.rule is Rule.CLOSURE
        assert [f.code for f in result.facts] == ["closure", "after_hours"]

    def test_unknown_reopening_is_pending(self):
        calendar = RegistryCalendar(closures=[Closure(hkt(2026, 11, 25, 10, 0), None, ClosureReason.BLACK_RAINSTORM)])
        result = deemed_receipt(hkt(2026, 11, 25, 11, 0), calendar)
        assert result.pending is True
        assert result.deemed_at is None
        assert result.rule is Rule.CLOSURE_PENDING
        assert "pending" in result.explanation_en
        assert "reopening not yet announced" in result.facts[0].en
        assert next_opening(hkt(2026, 11, 25, 11, 0), calendar) is None

    def test_a_filing_the_evening_before_a_closure_that_starts_after_opening_is_not_pending(self):
        calendar = RegistryCalendar(closures=[Closure(hkt(2026, 11, 25, 10, 0), None)])
        result = deemed_receipt(hkt(2026, 11, 24, 18, 0), calendar)
        assert result.deemed_at == hkt(2026, 11, 25, 8, 45)

    def test_a_closure_spanning_a_weekend_reopening_on_monday(self):
        calendar = RegistryCalendar(closures=[Closure(hkt(2026, 11, 27, 16, 0), hkt(2026, 11, 30, 10, 30))])
        assert deemed_receipt(hkt(2026, 11, 27, 16, 30), calendar).deemed_at == hkt(2026, 11, 30, 10, 30)
        saturday = deemed_receipt(hkt(2026, 11, 28, 12, 0), calendar)
        assert saturday.deemed_at == hkt(2026, 11, 30, 10, 30)
        assert saturday.rule is Rule.CLOSURE

    def test_a_closure_reopening_on_a_sunday_waits_for_monday_morning(self):
        calendar = RegistryCalendar(closures=[Closure(hkt(2026, 11, 27, 16, 0), hkt(2026, 11, 29, 12, 0))])
        result = deemed_receipt(hkt(2026, 11, 27, 17, 0), calendar)
        assert result.deemed_at == hkt(2026, 11, 30, 8, 45)
        assert [f.code for f in result.facts] == ["closure", "weekend"]

    def test_a_closure_must_reopen_after_it_starts(self):
        with pytest.raises(ValueError, match="reopen after it starts"):
            Closure(hkt(2026, 11, 25, 10, 0), hkt(2026, 11, 25, 9, 0))


class TestNextOpening:
    def test_during_open_hours_it_is_the_next_morning(self):
        assert next_opening(hkt(2026, 11, 25, 10, 0), PLAIN) == hkt(2026, 11, 26, 8, 45)

    def test_friday_afternoon_gives_monday(self):
        assert next_opening(hkt(2026, 11, 27, 16, 0), PLAIN) == hkt(2026, 11, 30, 8, 45)

    def test_before_opening_it_is_this_morning(self):
        assert next_opening(hkt(2026, 11, 25, 7, 0), PLAIN) == hkt(2026, 11, 25, 8, 45)

    def test_a_closure_later_today_makes_its_reopening_the_next_opening(self):
        calendar = RegistryCalendar(closures=[Closure(hkt(2026, 11, 25, 11, 0), hkt(2026, 11, 25, 15, 10))])
        assert next_opening(hkt(2026, 11, 25, 10, 0), calendar) == hkt(2026, 11, 25, 15, 10)

    def test_with_the_lunch_setting_the_afternoon_is_an_opening(self):
        calendar = RegistryCalendar(hours=RegistryHours(lunch_hour_defers=True))
        assert next_opening(hkt(2026, 11, 25, 10, 0), calendar) == hkt(2026, 11, 25, 14, 0)


def test_registry_hours_must_be_in_order():
    from datetime import time

    with pytest.raises(ValueError, match="opens < lunch"):
        RegistryHours(opens=time(14, 0))
