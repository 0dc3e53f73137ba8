"""The reminder email on the working day before a hearing: once, from 09:00 HKT, to those who take it."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from causebook.models import Hearing, HearingReminder
from causebook.tasks import send_hearing_reminders
from icms.calendar.data import current_calendar
from tests.causebook.hearing_world import HKT, MONDAY_HEARING
from tests.factories import HearingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(clock, celery_eager, django_capture_on_commit_callbacks):
    """Run the beat task at a Hong Kong time; returns the addresses emailed."""

    def at(moment: datetime) -> set[str]:
        clock.move_to(moment)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            send_hearing_reminders()
        return {address for message in mail.outbox for address in message.to}

    return at


def test_a_monday_hearing_is_reminded_once_on_the_friday_from_nine(hw, send):
    HearingFactory(case=hw.case, starts_at=MONDAY_HEARING)
    hw.in_person.hearing_reminders = False
    hw.in_person.save()
    takers = {u.email for u in hw.recipients} - {hw.in_person.email}

    assert send(datetime(2026, 12, 10, 10, 0, tzinfo=HKT)) == set()  # Thursday: not yet
    assert send(datetime(2026, 12, 11, 8, 59, tzinfo=HKT)) == set()  # Friday, before 09:00
    assert send(datetime(2026, 12, 11, 9, 0, tzinfo=HKT)) == takers
    message = mail.outbox[0]
    assert "DCCJ 1204/2026" in message.subject
    assert "Monday, 14 December 2026" in message.body and "09:30" in message.body
    assert "2026年12月14日（星期一）" in message.body  # the other language below
    assert "Court No. 31" in message.body

    assert send(datetime(2026, 12, 11, 9, 30, tzinfo=HKT)) == set()  # not twice
    assert send(datetime(2026, 12, 12, 10, 0, tzinfo=HKT)) == set()  # Saturday: the registry is closed
    assert send(datetime(2026, 12, 14, 9, 0, tzinfo=HKT)) == set()  # the day itself
    assert HearingReminder.objects.count() == len(takers)
    assert not HearingReminder.objects.filter(user=hw.in_person).exists()


def test_a_public_holiday_is_skipped_back_to_the_working_day_before(hw, send):
    # Good Friday (26 March 2027) and Easter Monday (29 March) are general holidays: a hearing
    # on Tuesday 30 March is reminded on Thursday 25 March.
    calendar = current_calendar()
    assert calendar.holiday_on(date(2027, 3, 26)) and calendar.holiday_on(date(2027, 3, 29))
    HearingFactory(case=hw.case, starts_at=datetime(2027, 3, 30, 14, 30, tzinfo=HKT))
    everyone = {u.email for u in hw.recipients}

    assert send(datetime(2027, 3, 24, 10, 0, tzinfo=HKT)) == set()
    assert send(datetime(2027, 3, 25, 9, 30, tzinfo=HKT)) == everyone
    assert send(datetime(2027, 3, 26, 10, 0, tzinfo=HKT)) == set()  # Good Friday
    assert send(datetime(2027, 3, 29, 10, 0, tzinfo=HKT)) == set()  # Easter Monday


def test_vacated_hearings_and_outsiders_get_no_reminder(hw, send):
    HearingFactory(case=hw.case, starts_at=MONDAY_HEARING, status=Hearing.Status.VACATED)
    assert send(datetime(2026, 12, 11, 9, 0, tzinfo=HKT)) == set()
    HearingFactory(case=hw.case, starts_at=MONDAY_HEARING)
    emailed = send(datetime(2026, 12, 11, 9, 30, tzinfo=HKT))
    assert hw.outsider.email not in emailed and hw.clerk.email not in emailed


def test_the_user_turns_reminders_off_in_their_personal_details(hw):
    client = Client()
    client.force_login(hw.in_person)
    page = client.get(reverse("accounts:profile"))
    assert 'name="hearing_reminders"' in page.text and "checked" in page.text
    response = client.post(reverse("accounts:profile"), {"preferred_language": "en"})
    assert response.status_code == 302
    hw.in_person.refresh_from_db()
    assert hw.in_person.hearing_reminders is False
    client.post(reverse("accounts:profile"), {"preferred_language": "en", "hearing_reminders": "on"})
    hw.in_person.refresh_from_db()
    assert hw.in_person.hearing_reminders is True
