"""A clerk accepts a department's summonses of one magistracy together, allotting return days session by
session: at most so many a session, a full session spilling to the next working day of the registry
calendar (never a general holiday), each acceptance on its own so one refused stops nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from causebook.models import Hearing
from filing.models import DocumentView, ReturnReason, Submission, SummonsDetails
from filing.services import filing_return
from filing.services.summons_allotment import AllotmentRefused, SessionPlan, summonses_accept_allotting
from icms.calendar.data import current_calendar
from icms.core.models import AuditEvent
from tests.factories import StaffFactory
from tests.filing.summons_world import HKT, accept_summons, department_user, file_summons
from tests.filing.test_joining import new_writ
from tests.filing.test_review_admin import staff_client

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:filing_submission_changelist")
MAGISTRATE = ("Mr WONG Ka Ming", "黃家明先生")


@pytest.fixture
def department(db, document_storage):
    return department_user()


@pytest.fixture
def clerk(db):
    return StaffFactory(group="Registry clerk")


def summonses(user, count: int, *, prefix: str = "KCS", start: int = 1) -> list[Submission]:
    return [
        file_summons(user, prefix=prefix, reference=f"FEHD/{prefix}/2026/{n:04d}") for n in range(start, start + count)
    ]


def _database_now() -> datetime:
    with connection.cursor() as cursor:  # filings are received by the database's clock
        cursor.execute("SELECT clock_timestamp()")
        (now,) = cursor.fetchone()
    return max(now, timezone.now())


@contextmanager
def all_received_in_law(submissions: list[Submission], at: datetime | None = None) -> Iterator[datetime]:
    """Move the process's clock (ticking) past every deemed receipt, or to ``at`` if later."""
    deemed = [Submission.objects.get(pk=s.pk).deemed_received_at for s in submissions]
    moment = max([_database_now(), *(d + timedelta(seconds=1) for d in deemed if d)])
    moment = max(moment, at) if at else moment
    with time_machine.travel(moment, tick=True):
        yield moment


def a_holiday_after(day: date) -> date:
    """The first general holiday on a weekday after ``day`` whose eve is a working day."""
    calendar = current_calendar()
    for offset in range(2, 400):
        candidate = day + timedelta(days=offset)
        if (
            candidate.weekday() < 5
            and calendar.holiday_on(candidate) is not None
            and calendar.is_working_day(candidate - timedelta(days=1))
        ):
            return candidate
    raise AssertionError("No weekday general holiday within 400 days.")


def plan(first_day: date, *, per_session: int, courtroom: str = "Court No. 3") -> SessionPlan:
    return SessionPlan(
        first_day=first_day,
        at=time(9, 30),
        courtroom=courtroom,
        per_session=per_session,
        magistrate_en=MAGISTRATE[0],
        magistrate_zh=MAGISTRATE[1],
    )


def return_days(submissions: list[Submission]) -> list[datetime | None]:
    return [SummonsDetails.objects.get(case_id=s.case_id).return_at for s in submissions]


def test_full_sessions_spill_to_the_next_working_day_skipping_a_general_holiday(department, clerk):
    filed = summonses(department, 5)
    holiday = a_holiday_after(_database_now().astimezone(HKT).date())
    eve = holiday - timedelta(days=1)
    calendar = current_calendar()
    after = [d for d in (holiday + timedelta(days=n) for n in range(1, 15)) if calendar.is_working_day(d)][:2]
    # The clock stands on a morning before the holiday's eve, as a clerk's would.
    with all_received_in_law(filed, at=datetime.combine(eve - timedelta(days=1), time(10), tzinfo=HKT)):
        outcome = summonses_accept_allotting(
            submissions=filed, plan=plan(eve, per_session=2), clerk=clerk, accepted_without_opening=True
        )

    assert outcome.refused == []
    days = [moment.astimezone(HKT).date() for moment in return_days(filed)]
    assert days == [eve, eve, after[0], after[0], after[1]], calendar.holiday_on(holiday)
    assert holiday not in days and all(calendar.is_working_day(day) for day in days)
    assert {moment.astimezone(HKT).time() for moment in return_days(filed)} == {time(9, 30)}
    # Each is accepted, numbered and listed as a single acceptance is, and audited as one.
    assert set(Submission.objects.filter(pk__in=[s.pk for s in filed]).values_list("status", flat=True)) == {
        Submission.Status.ACCEPTED
    }
    hearings = Hearing.objects.filter(case_id__in=[s.case_id for s in filed])
    assert Counter(h.starts_at.astimezone(HKT).date() for h in hearings) == {eve: 2, after[0]: 2, after[1]: 1}
    assert {(h.courtroom, h.judge_en) for h in hearings} == {("Court No. 3", MAGISTRATE[0])}
    accepted = AuditEvent.objects.filter(event_type="filing.submission_accepted", actor=clerk)
    assert accepted.count() == 5
    assert [count for _moment, count in outcome.per_session()] == [2, 2, 1]


def test_a_session_counts_the_summonses_already_listed_in_it(department, clerk):
    earlier, *filed = summonses(department, 4)
    first = _database_now().astimezone(HKT).date() + timedelta(days=21)
    calendar = current_calendar()
    while not calendar.is_working_day(first):
        first += timedelta(days=1)
    session = datetime.combine(first, time(9, 30), tzinfo=HKT)
    accept_summons(earlier, return_at=session, courtroom="court no. 3")  # one already in the session, any case
    with all_received_in_law(filed):
        outcome = summonses_accept_allotting(
            submissions=filed, plan=plan(first, per_session=2), clerk=clerk, accepted_without_opening=True
        )

    assert outcome.refused == []
    moments = return_days(filed)
    assert moments[0] == session and moments[1] != session and moments[2] != session
    assert SummonsDetails.objects.filter(return_at=session).count() == 2


def test_one_refused_takes_no_place_and_does_not_stop_the_others(department, clerk):
    ready, unopened, decided, last = summonses(department, 4)
    for submission in (ready, last):  # the clerk opened these two; not the second
        for document in submission.documents.all():
            DocumentView.objects.create(user=clerk, document=document)
    first = _database_now().astimezone(HKT).date() + timedelta(days=21)
    while not current_calendar().is_working_day(first):
        first += timedelta(days=1)
    with all_received_in_law([ready, unopened, decided, last]):
        # Another clerk returns the third while this one works through the selection.
        filing_return(submission=decided, clerk=StaffFactory(), reason=ReturnReason.objects.get(code="unsigned"))
        outcome = summonses_accept_allotting(
            submissions=[ready, unopened, decided, last], plan=plan(first, per_session=2), clerk=clerk
        )

    assert [s.pk for s, _moment in outcome.accepted] == [ready.pk, last.pk]
    reasons = {s.pk: reason for s, reason in outcome.refused}
    assert "Open each document before you accept" in reasons[unopened.pk]
    assert "already been decided" in reasons[decided.pk]
    session = datetime.combine(first, time(9, 30), tzinfo=HKT)
    assert return_days([ready, last]) == [session, session]  # the refused left no gap
    unopened.refresh_from_db()
    assert unopened.is_open and SummonsDetails.objects.get(case_id=unopened.case_id).return_at is None
    assert not Hearing.objects.filter(case_id=unopened.case_id).exists()


def test_a_selection_with_a_case_that_is_not_a_summons_is_refused_whole(department, clerk, firm_filer):
    filed = summonses(department, 2)
    writ = new_writ(firm_filer)
    with pytest.raises(AllotmentRefused, match="Only new summonses") as refused:
        summonses_accept_allotting(
            submissions=[*filed, writ], plan=plan(date(2099, 1, 5), per_session=30), clerk=clerk
        )
    assert writ.reference in refused.value.messages[0]
    assert not Submission.objects.filter(status=Submission.Status.ACCEPTED).exists()


def test_a_selection_of_two_magistracies_is_refused_whole(department, clerk):
    selection = [*summonses(department, 1), *summonses(department, 1, prefix="ESS", start=2)]
    with pytest.raises(AllotmentRefused, match="one magistracy at a time") as refused:
        summonses_accept_allotting(submissions=selection, plan=plan(date(2099, 1, 5), per_session=30), clerk=clerk)
    assert "Kowloon City Magistrates' Courts" in refused.value.messages[0]
    assert "Eastern Magistrates' Courts" in refused.value.messages[0]
    assert not Submission.objects.filter(status=Submission.Status.ACCEPTED).exists()


def test_a_first_session_in_the_past_or_out_of_hours_is_refused_before_any_is_accepted(department, clerk):
    filed = summonses(department, 2)
    with all_received_in_law(filed):
        with pytest.raises(AllotmentRefused, match="must be in the future"):
            summonses_accept_allotting(submissions=filed, plan=plan(date(2020, 1, 6), per_session=30), clerk=clerk)
        evening = SessionPlan(first_day=date(2099, 1, 5), at=time(20), courtroom="Court No. 3", per_session=30)
        with pytest.raises(AllotmentRefused, match="The court sits between"):
            summonses_accept_allotting(submissions=filed, plan=evening, clerk=clerk)
    assert not Submission.objects.filter(status=Submission.Status.ACCEPTED).exists()


# --- The admin action ------------------------------------------------------------------


def _texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_admin_action_asks_the_sessions_then_accepts_and_reports(department, clerk):
    filed = summonses(department, 3)
    client = staff_client(clerk)
    selection = {"action": "accept_summonses_allotting", "_selected_action": [s.pk for s in filed]}

    asked = client.post(CHANGELIST, selection)
    assert asked.status_code == 200
    assert "First return day" in asked.text and all(s.reference in asked.text for s in filed)
    assert not Submission.objects.filter(status=Submission.Status.ACCEPTED).exists()

    first = _database_now().astimezone(HKT).date() + timedelta(days=21)
    while not current_calendar().is_working_day(first):
        first += timedelta(days=1)
    form = {
        "first_day": first.isoformat(),
        "at": "09:30",
        "courtroom": "Court No. 5",
        "per_session": "2",
        "magistrate_en": MAGISTRATE[0],
        "magistrate_zh": MAGISTRATE[1],
        "accepted_without_opening": "on",
    }
    with all_received_in_law(filed):
        done = client.post(CHANGELIST, {**selection, **form})
    assert done.status_code == 302
    reports = _texts(done)
    assert any("Summonses accepted: 3" in text for text in reports), reports
    assert set(Submission.objects.filter(pk__in=[s.pk for s in filed]).values_list("status", flat=True)) == {
        Submission.Status.ACCEPTED
    }
    assert Counter(SummonsDetails.objects.values_list("courtroom", flat=True)) == {"Court No. 5": 3}


def test_the_admin_action_refuses_a_mixed_selection_with_a_message(department, clerk, firm_filer):
    filed = summonses(department, 1)
    writ = new_writ(firm_filer)
    client = staff_client(clerk)
    response = client.post(
        CHANGELIST, {"action": "accept_summonses_allotting", "_selected_action": [filed[0].pk, writ.pk]}
    )
    assert response.status_code == 302
    assert any("Only new summonses" in text and writ.reference in text for text in _texts(response))


def test_a_run_takes_at_most_so_many_summonses(department, clerk, monkeypatch):
    from filing.services import summons_allotment

    monkeypatch.setattr(summons_allotment, "MAX_PER_RUN", 2)  # 100 in service: a web request's worth
    filed = summonses(department, 3)
    with pytest.raises(AllotmentRefused, match="at most 2 summonses at a time"):
        summonses_accept_allotting(submissions=filed, plan=plan(date(2099, 1, 5), per_session=30), clerk=clerk)
    assert not Submission.objects.filter(status=Submission.Status.ACCEPTED).exists()
