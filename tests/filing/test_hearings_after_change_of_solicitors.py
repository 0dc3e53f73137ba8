"""A firm taken off the record by a change of solicitors hears nothing more of the case's hearings.

The case of the authorisation matrix (``test_access_matrix.world``): firm C joined for the
1st defendant, then firm B took over by a notice of change of solicitors. When the clerk
then fixes a hearing, firm C gets no notice, no reminder, and nothing in any calendar feed,
even through the feed addresses it was given while it was on record; those on record get all.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from icalendar import Calendar

from accounts.models import Membership
from causebook.hearings import hearing_fix
from causebook.ical import feed_key, organisation_feed_key, user_feed_key
from causebook.reminders import hearing_reminders_send
from filing.models import MessageItem
from tests.causebook.hearing_world import HKT, MONDAY_HEARING
from tests.factories import MembershipFactory, StaffFactory
from tests.filing.test_access_matrix import World, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
#: The reminder run on Friday 11 December 2026, the working day before the Monday hearing.
FRIDAY_MORNING = datetime(2026, 12, 11, 9, 30, tzinfo=HKT)


@pytest.fixture(autouse=True)
def in_december_2026():
    """Tuesday 1 December 2026, 10:00 HKT (ticking): the case is built, then the hearing fixed after it."""
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=HKT), tick=True) as traveller:
        yield traveller


def hearing_starts(url: str, key: str) -> list[datetime] | int:
    response = Client().get(url, {"key": key})
    if response.status_code != 200:
        return response.status_code
    return [event.decoded("dtstart") for event in Calendar.from_ical(response.content).walk("VEVENT")]


def test_the_former_firm_gets_no_notice_reminder_or_feed_entry(world: World, in_december_2026):  # noqa: F811
    case = world.case
    former = world.users["former firm"]
    former_admin = MembershipFactory(
        organisation=former.memberships.get().organisation, role=Membership.Role.PRIMARY_ADMIN
    ).user
    on_record = [world.users[role] for role in ("filer firm", "other side's firm (joined)", "joined party in person")]
    # Feed addresses the former firm was given while it was on record, or could make now.
    organisation = former_admin.memberships.get().organisation
    former_feeds = {
        "own": (reverse("causebook:my_hearings_feed"), user_feed_key(user_id=former.pk)),
        "organisation's": (
            reverse("causebook:organisation_hearings_feed", args=[organisation.pk]),
            organisation_feed_key(user_id=former_admin.pk, organisation_id=organisation.pk),
        ),
    }
    case_feed = reverse("causebook:case_hearings_feed", args=[case.pk])

    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        hearing = hearing_fix(
            case=case,
            court=case.case_type.court,
            courtroom="Court No. 31",
            starts_at=MONDAY_HEARING,
            judge_en="His Honour Judge LAM",
            judge_zh="林法官",
            hearing_type="mention",
            actor=StaffFactory(group="Registry clerk"),
        )
    told = set(MessageItem.objects.filter(court_document=hearing.notice).values_list("recipient", flat=True))
    assert told == {user.pk for user in on_record}
    emailed = {address for message in mail.outbox for address in message.to}
    assert former.email not in emailed and former_admin.email not in emailed

    for user in on_record:
        assert hearing_starts(reverse("causebook:my_hearings_feed"), user_feed_key(user_id=user.pk)) == [
            MONDAY_HEARING
        ]
        assert hearing_starts(case_feed, feed_key(user_id=user.pk, case_id=case.pk)) == [MONDAY_HEARING]
    assert hearing_starts(*former_feeds["own"]) == []
    assert hearing_starts(*former_feeds["organisation's"]) == []
    assert hearing_starts(case_feed, feed_key(user_id=former.pk, case_id=case.pk)) == 404
    assert hearing_starts(case_feed, feed_key(user_id=former_admin.pk, case_id=case.pk)) == 404

    in_december_2026.move_to(FRIDAY_MORNING)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        hearing_reminders_send(now=FRIDAY_MORNING)
    reminded = {address for message in mail.outbox for address in message.to}
    assert reminded == {user.email for user in on_record}
