"""A user's own hearings calendar, an organisation's for its administrators, and where the parties see them."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from accounts.models import Membership
from causebook.ical import feed_key, organisation_feed_key, user_feed_key
from filing.models import Party
from tests.causebook.hearing_world import HKT, MONDAY_HEARING
from tests.factories import CaseFactory, HearingFactory, PartyFactory

pytestmark = pytest.mark.django_db
OTHER_DAY = datetime(2026, 12, 15, 14, 30, tzinfo=HKT)
STRANGERS_DAY = datetime(2026, 12, 16, 10, 0, tzinfo=HKT)


@pytest.fixture
def listed(hw):
    """A hearing in the world's case, one in another case of the party in person, one in a stranger's case."""
    HearingFactory(case=hw.case, starts_at=MONDAY_HEARING)
    other = CaseFactory()
    PartyFactory(case=other, side=Party.Side.APPLICANT, user=hw.in_person)
    HearingFactory(case=other, starts_at=OTHER_DAY)
    stranger = CaseFactory()
    PartyFactory(case=stranger)
    HearingFactory(case=stranger, starts_at=STRANGERS_DAY)
    return hw


def starts(response) -> list[datetime]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return [e.decoded("dtstart") for e in Calendar.from_ical(response.content).walk("VEVENT")]


MINE = reverse("causebook:my_hearings_feed")


def organisation_url(organisation_id: int) -> str:
    return reverse("causebook:organisation_hearings_feed", args=[organisation_id])


def test_a_users_feed_lists_the_hearings_of_all_their_cases_and_none_of_others(listed):
    client = Client()
    assert starts(client.get(MINE, {"key": user_feed_key(user_id=listed.in_person.pk)})) == [MONDAY_HEARING, OTHER_DAY]
    assert starts(client.get(MINE, {"key": user_feed_key(user_id=listed.defendant_firm_user.pk)})) == [MONDAY_HEARING]
    client.force_login(listed.in_person)
    assert starts(client.get(MINE)) == [MONDAY_HEARING, OTHER_DAY]


def test_a_users_feed_refuses_forged_keys_other_feeds_keys_and_those_no_longer_acting(listed):
    client = Client()
    assert client.get(MINE).status_code == 404
    assert client.get(MINE, {"key": "forged"}).status_code == 404
    case_key = feed_key(user_id=listed.in_person.pk, case_id=listed.case.pk)
    assert client.get(MINE, {"key": case_key}).status_code == 404  # another salt
    key = user_feed_key(user_id=listed.in_person.pk)
    Party.objects.filter(user=listed.in_person).update(user=None)
    assert starts(client.get(MINE, {"key": key})) == []
    assert (
        client.get(MINE, {"key": user_feed_key(user_id=listed.clerk.pk)}).status_code == 404
    )  # staff: the cause list


def test_the_organisation_feed_is_for_its_administrators_only(listed):
    admin = listed.plaintiff_firm_admin
    organisation = admin.memberships.get().organisation
    url = organisation_url(organisation.pk)
    client = Client()
    key = organisation_feed_key(user_id=admin.pk, organisation_id=organisation.pk)
    assert starts(client.get(url, {"key": key})) == [MONDAY_HEARING]
    # A member, even with a key made out for them; a key for another organisation; no key.
    member = listed.plaintiff_firm_user
    member_key = organisation_feed_key(user_id=member.pk, organisation_id=organisation.pk)
    assert client.get(url, {"key": member_key}).status_code == 404
    assert client.get(organisation_url(organisation.pk + 1), {"key": key}).status_code == 404
    assert client.get(url).status_code == 404
    assert client.get(url, {"key": user_feed_key(user_id=admin.pk)}).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 404
    client.force_login(admin)
    assert starts(client.get(url)) == [MONDAY_HEARING]
    # No longer an administrator: the key stops working at once.
    Membership.objects.filter(user=admin).update(role=Membership.Role.MEMBER)
    assert Client().get(url, {"key": key}).status_code == 404


def test_the_case_file_shows_the_hearings_and_the_case_calendar(listed):
    client = Client()
    client.force_login(listed.in_person)
    page = client.get(reverse("filing:case", args=[listed.case.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Court No. 31" in text and "Mention" in text and "Listed" in text
    assert "14 December 2026" in text
    feed = reverse("causebook:case_hearings_feed", args=[listed.case.pk]) + "?key="
    assert feed in text
    address = text.split('id="case-calendar-url" type="url" readonly value="', 1)[1].split('"', 1)[0]
    parts = urlsplit(address.replace("&amp;", "&"))
    assert starts(Client().get(parts.path + "?" + parts.query)) == [MONDAY_HEARING]


def test_the_dashboard_offers_the_users_calendar_and_the_organisations_to_its_administrators(listed):
    client = Client()
    client.force_login(listed.plaintiff_firm_admin)
    text = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'id="my-calendar-url"' in text and 'id="organisation-calendar-url"' in text
    client.force_login(listed.plaintiff_firm_user)
    text = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'id="my-calendar-url"' in text and 'id="organisation-calendar-url"' not in text
