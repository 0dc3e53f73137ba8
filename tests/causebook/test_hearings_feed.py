"""A case's hearings as iCalendar: for those who may act for the case; 404 for everyone else."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from causebook.ical import feed_key
from filing.models import Party
from tests.factories import HearingFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db
HKT = ZoneInfo("Asia/Hong_Kong")


@pytest.fixture
def listed(register):
    case = register["target"]
    HearingFactory(case=case, starts_at=datetime(2026, 11, 26, 9, 30, tzinfo=HKT))
    HearingFactory(case=case, starts_at=datetime(2026, 12, 3, 14, 30, tzinfo=HKT), status="vacated")
    return case


@pytest.fixture
def party_user(listed):
    user = UserFactory()
    PartyFactory(case=listed, side=Party.Side.APPLICANT, ordinal=2, user=user, name_en="HO Mei Ling", name_zh="何美玲")
    return user


def feed_url(case):
    return reverse("causebook:case_hearings_feed", args=[case.pk])


def test_a_party_gets_the_feed_of_their_case(client, listed, party_user):
    client.force_login(party_user)
    response = client.get(feed_url(listed))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [
        datetime(2026, 11, 26, 9, 30, tzinfo=HKT),
        datetime(2026, 12, 3, 14, 30, tzinfo=HKT),
    ]
    assert [str(e["status"]) for e in events] == ["CONFIRMED", "CANCELLED"]
    assert "DCCJ 1204/2026" in str(events[0]["summary"])


def test_an_outsider_the_public_and_a_forged_key_get_a_404(client, listed, party_user):
    assert client.get(feed_url(listed)).status_code == 404
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(feed_url(listed)).status_code == 404
    assert client.get(feed_url(listed), {"key": feed_key(user_id=outsider.pk, case_id=listed.pk)}).status_code == 404
    assert client.get(feed_url(listed), {"key": "forged"}).status_code == 404


def test_a_signed_key_works_without_a_session_until_access_ends(client, listed, party_user):
    key = feed_key(user_id=party_user.pk, case_id=listed.pk)
    response = client.get(feed_url(listed), {"key": key})
    assert response.status_code == 200 and response.content.count(b"BEGIN:VEVENT") == 2
    # The key is for this case only.
    other = reverse("causebook:case_hearings_feed", args=[listed.pk + 1000])
    assert client.get(other, {"key": key}).status_code == 404
    # Taken off the case: the same key stops working at once.
    Party.objects.filter(user=party_user).delete()
    assert client.get(feed_url(listed), {"key": key}).status_code == 404


def test_the_case_page_offers_the_feed_to_its_party(client, listed, party_user):
    client.force_login(party_user)
    body = client.get(reverse("causebook:case", args=[listed.pk])).content.decode()
    assert "hearings.ics?key=" in body
