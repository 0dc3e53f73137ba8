"""The registry accepts a summons only with its return day and courtroom, and acceptance lists it on that
day's cause list (issue 15, part 1): a future working day of the registry calendar, before a magistrate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from causebook.models import Hearing
from filing.models import Case, Submission, SummonsDetails
from filing.services import filing_accept
from filing.services.review import ReviewRefused
from filing.services.summonses import SummonsListing
from icms.calendar.data import current_calendar
from icms.core.models import AuditEvent
from tests.clock import once_received_in_law
from tests.factories import StaffFactory
from tests.filing.summons_world import (
    HKT,
    OFFENCE_EN,
    accept_summons,
    department_user,
    file_summons,
    return_day,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def department(db, document_storage):
    return department_user()


def _still_open(submission: Submission) -> None:
    submission.refresh_from_db()
    case = Case.objects.get(pk=submission.case_id)
    assert submission.is_open and case.number is None
    assert SummonsDetails.objects.get(case=case).return_at is None
    assert not Hearing.objects.filter(case=case).exists()


def test_acceptance_lists_the_summons_on_its_return_days_cause_list(department):
    when = return_day()
    submission = accept_summons(file_summons(department), return_at=when)
    case = Case.objects.get(pk=submission.case_id)
    details = SummonsDetails.objects.get(case=case)
    assert (details.return_at, details.courtroom) == (when, "Court No. 3")
    hearing = Hearing.objects.get(case=case)
    assert (hearing.starts_at, hearing.courtroom, hearing.hearing_type) == (when, "Court No. 3", "plea")
    assert (hearing.court.code, hearing.judge_en, hearing.status) == ("KCMAG", "Mr WONG Ka Ming", "listed")
    assert AuditEvent.objects.filter(event_type="causebook.hearing_listed", target_id=str(hearing.pk)).exists()

    day = when.astimezone(HKT).date().isoformat()
    page = Client().get(reverse("causebook:cause_list"), {"court": "KCMAG", "date": day}).content.decode()
    assert case.case_number in page and OFFENCE_EN in page and "LAU Chi Wai" in page


def test_a_summons_is_not_accepted_without_its_return_day(department):
    submission = file_summons(department)
    with once_received_in_law(submission), pytest.raises(ReviewRefused, match="return day"):
        filing_accept(submission=submission, clerk=StaffFactory(), accepted_without_opening=True)
    _still_open(submission)


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (lambda: return_day() - timedelta(days=60), "must be in the future"),
        (lambda: _weekend_day(), "must be a working day"),
        (lambda: return_day().replace(hour=20, minute=0), "The court sits between"),
    ],
    ids=["past", "weekend", "evening"],
)
def test_a_return_day_in_the_past_on_a_weekend_or_out_of_hours_is_refused(department, moment, message):
    submission = file_summons(department)
    with pytest.raises(ReviewRefused, match=message):
        accept_summons(submission, return_at=moment())
    _still_open(submission)


def _weekend_day():
    day = return_day()
    while day.weekday() != 5:
        day += timedelta(days=1)
    assert not current_calendar().is_working_day(day.date())
    return day


def test_without_a_named_magistrate_the_one_sitting_in_that_courtroom_that_day_is_used(department):
    when = return_day()
    accept_summons(file_summons(department, reference="FEHD/1"), return_at=when)
    second = accept_summons(
        file_summons(department, reference="FEHD/2"), return_at=when + timedelta(minutes=30), magistrate_en=""
    )
    assert Hearing.objects.get(case_id=second.case_id).judge_en == "Mr WONG Ka Ming"

    nobody_sits = file_summons(department, reference="FEHD/3")
    with pytest.raises(ReviewRefused, match="Name the magistrate"):
        accept_summons(nobody_sits, return_at=when, courtroom="Court No. 7", magistrate_en="")
    _still_open(nobody_sits)


def test_a_return_day_for_a_case_that_is_not_a_summons_is_refused(party_in_person, document_storage):
    from tests.filing.test_review_admin import new_dcpi_case

    submission = new_dcpi_case(party_in_person)
    with once_received_in_law(submission), pytest.raises(ReviewRefused, match="Only a summons"):
        filing_accept(
            submission=submission,
            clerk=StaffFactory(),
            accepted_without_opening=True,
            summons_listing=SummonsListing(return_at=return_day(), courtroom="Court No. 3"),
        )


def _clerk_client():
    from tests.filing.test_review_admin import staff_client

    return staff_client(StaffFactory(group="Registry clerk"))


def test_the_clerk_allots_the_return_day_on_the_review_page(department):
    submission = file_summons(department)
    client = _clerk_client()
    page = client.get(reverse("admin:filing_submission_change", args=[submission.pk])).content.decode()
    assert "Return day" in page and 'name="courtroom"' in page and OFFENCE_EN in page
    when = return_day()
    accept = reverse("admin:filing_submission_accept", args=[submission.pk])
    with once_received_in_law(submission):
        refused = client.post(accept, {"accepted_without_opening": "on"})
        _still_open(submission)
        assert refused["Location"] == reverse("admin:filing_submission_change", args=[submission.pk])
        accepted = client.post(
            accept,
            {
                "accepted_without_opening": "on",
                "return_date": when.date().isoformat(),
                "return_time": "09:30",
                "courtroom": "Court No. 3",
                "magistrate_en": "Ms CHAN Mei Ling",
            },
        )
    assert accepted["Location"] == reverse("admin:filing_submission_changelist")
    hearing = Hearing.objects.get(case_id=submission.case_id)
    assert (hearing.starts_at, hearing.judge_en) == (when, "Ms CHAN Mei Ling")
