"""Properties of the rule that must hold for any instant and any closures."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from icms.calendar.core import Closure, RegistryCalendar, RegistryHours, deemed_receipt, is_open

HKT = ZoneInfo("Asia/Hong_Kong")
START = datetime(2022, 1, 1)  # noqa: DTZ001  (hypothesis attaches the zone)
END = datetime(2028, 12, 31)  # noqa: DTZ001

instants = st.datetimes(min_value=START, max_value=END, timezones=st.just(HKT))


@st.composite
def closures(draw):
    starts = draw(instants)
    if draw(st.integers(0, 9)) == 0:
        return Closure(starts, None)
    return Closure(starts, starts + timedelta(minutes=draw(st.integers(1, 4 * 24 * 60))))


@st.composite
def calendars(draw):
    return RegistryCalendar(
        hours=RegistryHours(lunch_hour_defers=draw(st.booleans())),
        closures=draw(st.lists(closures(), max_size=4)),
    )


EXAMPLES = settings(max_examples=2000, deadline=None)


@EXAMPLES
@given(received=instants, calendar=calendars())
def test_deemed_time_is_never_before_the_received_time(received, calendar):
    result = deemed_receipt(received, calendar)
    assert result.pending or result.deemed_at >= received


@EXAMPLES
@given(received=instants, calendar=calendars())
def test_a_deemed_time_always_falls_when_the_registry_is_open(received, calendar):
    result = deemed_receipt(received, calendar)
    if not result.pending:
        assert is_open(result.deemed_at, calendar)
        local = result.deemed_at.astimezone(HKT)
        assert local.weekday() < 5
        assert calendar.hours.opens <= local.time() <= calendar.hours.closes


@EXAMPLES
@given(received=instants, calendar=calendars())
def test_applying_the_rule_to_a_deemed_time_returns_the_same_time(received, calendar):
    result = deemed_receipt(received, calendar)
    if not result.pending:
        assert deemed_receipt(result.deemed_at, calendar).deemed_at == result.deemed_at


@EXAMPLES
@given(first=instants, gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)), calendar=calendars())
def test_a_later_receipt_is_never_deemed_earlier(first, gap, calendar):
    earlier = deemed_receipt(first, calendar)
    later = deemed_receipt(first + gap, calendar)
    if earlier.pending:
        assert later.pending
    elif not later.pending:
        assert later.deemed_at >= earlier.deemed_at
