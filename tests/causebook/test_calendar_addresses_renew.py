"""Calendar addresses can be renewed: an address shared by mistake stops working at once.

Each address carries a signed key that names the user and the generation of their
addresses. Renewing raises the generation: every older key of that user (their own feed,
each case's, the organisation's) answers 404, the new addresses work, and nobody else's
addresses change. Keys given before renewal existed are generation 0 and keep working
until their user renews.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from causebook.ical import feed_key, organisation_feed_key, user_feed_key
from causebook.models import CalendarKeys
from causebook.services import calendar_addresses_renew
from tests.causebook.hearing_world import MONDAY_HEARING
from tests.factories import HearingFactory

pytestmark = pytest.mark.django_db
RENEW = reverse("causebook:calendar_addresses_renew")


@pytest.fixture
def listed(hw):
    HearingFactory(case=hw.case, starts_at=MONDAY_HEARING)
    return hw


def status_of(address: str) -> int:
    parts = urlsplit(address.replace("&amp;", "&"))
    return Client().get(parts.path + "?" + parts.query).status_code


def addresses(user, case) -> dict[str, str]:
    """The calendar addresses the portal shows ``user`` now: on the dashboard and the case file."""
    client = Client()
    client.force_login(user)
    shown = {}
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    case_file = client.get(reverse("filing:case", args=[case.pk])).content.decode()
    for name, page in (("my", dashboard), ("organisation", dashboard), ("case", case_file)):
        marker = f'id="{name}-calendar-url" type="url" readonly value="'
        if marker in page:
            shown[name] = page.split(marker, 1)[1].split('"', 1)[0]
    return shown


def test_renewing_stops_every_old_address_of_the_user_and_only_theirs(listed):
    admin, colleague = listed.plaintiff_firm_admin, listed.in_person
    old = addresses(admin, listed.case)
    assert set(old) == {"my", "organisation", "case"}
    colleagues = addresses(colleague, listed.case)
    assert {status_of(address) for address in [*old.values(), *colleagues.values()]} == {200}

    client = Client()
    client.force_login(admin)
    response = client.post(RENEW)
    assert (response.status_code, response["Location"]) == (302, reverse("accounts:dashboard"))
    page = client.get(response["Location"]).content.decode()
    assert "You have new calendar addresses" in page

    assert {name: status_of(address) for name, address in old.items()} == dict.fromkeys(old, 404)
    new = addresses(admin, listed.case)
    assert set(new) == set(old) and not set(new.values()) & set(old.values())
    assert {status_of(address) for address in new.values()} == {200}
    assert {status_of(address) for address in colleagues.values()} == {200}, "nobody else's change"

    calendar_addresses_renew(user=admin)
    assert {status_of(address) for address in new.values()} == {404}
    assert CalendarKeys.objects.get(user=admin).generation == 2


def test_keys_from_before_renewal_existed_work_until_the_user_renews(listed):
    user = listed.plaintiff_firm_admin
    organisation = user.memberships.get().organisation
    old_keys = [
        reverse("causebook:my_hearings_feed") + "?key=" + user_feed_key(user_id=user.pk),
        reverse("causebook:case_hearings_feed", args=[listed.case.pk])
        + "?key="
        + feed_key(user_id=user.pk, case_id=listed.case.pk),
        reverse("causebook:organisation_hearings_feed", args=[organisation.pk])
        + "?key="
        + organisation_feed_key(user_id=user.pk, organisation_id=organisation.pk),
    ]
    assert [status_of(address) for address in old_keys] == [200, 200, 200]
    calendar_addresses_renew(user=user)
    assert [status_of(address) for address in old_keys] == [404, 404, 404]
    # A key of a generation still to come is no key either.
    ahead = reverse("causebook:my_hearings_feed") + "?key=" + user_feed_key(user_id=user.pk, generation=5)
    assert status_of(ahead) == 404


def test_the_dashboard_offers_it_and_only_a_signed_in_post_renews(listed):
    client = Client()
    assert client.post(RENEW).status_code == 302 and not CalendarKeys.objects.exists()  # sent to sign in
    client.force_login(listed.in_person)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert f'action="{RENEW}"' in page and "Get new calendar addresses" in page
    assert client.get(RENEW).status_code == 405
    assert not CalendarKeys.objects.exists()
