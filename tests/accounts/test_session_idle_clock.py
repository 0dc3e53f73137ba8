"""The idle timeout restarts without writing the session on every request, and never ends late.

A request writes the session (an UPDATE and a COMMIT, and Redis) only when the stored end
would move later by more than a minute, or earlier at all: a session may end up to 60 s
before the idle timeout after its last request, never after it (docs/security.md).
The "no two-factor set-up needed" answer rides in the session for the same minute.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from icms.core.session_timeout import IDLE_RESTART_SLACK_SECONDS
from tests.factories import totp_for

pytestmark = pytest.mark.django_db

HELP = reverse("help")
DASHBOARD = reverse("accounts:dashboard")


def _stored_expiry(client: Client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _signed_in(client: Client) -> bool:
    return client.get(DASHBOARD).status_code == 200


def _forget_cached_session(client: Client) -> None:
    # Redis ends a cached session by its TTL in real time, which time_machine cannot move;
    # dropping the entry makes the request read the database row, as after that TTL.
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX

    cache.delete(KEY_PREFIX + client.cookies["sessionid"].value)


@pytest.fixture
def staff_client(clerk, settings) -> Client:
    settings.STAFF_SESSION_IDLE_SECONDS = 15 * 60
    totp_for(clerk)
    client = Client()
    client.force_login(clerk)
    return client


def test_requests_within_a_minute_do_not_write_the_session_and_a_later_one_restarts_the_clock(staff_client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        staff_client.get(HELP)
        assert _stored_expiry(staff_client) == start + timedelta(minutes=15)
    with time_machine.travel(start + timedelta(seconds=IDLE_RESTART_SLACK_SECONDS), tick=False):
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(HELP).status_code == 200
        sql = " ".join(query["sql"] for query in queries.captured_queries)
        assert "django_session" not in sql and "mfa_authenticator" not in sql and "accounts_membership" not in sql
        assert _stored_expiry(staff_client) == start + timedelta(minutes=15)
    later = start + timedelta(seconds=IDLE_RESTART_SLACK_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        staff_client.get(HELP)
        assert _stored_expiry(staff_client) == later + timedelta(minutes=15)


def test_a_session_idle_past_the_timeout_is_refused_counting_from_its_last_write(staff_client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        staff_client.get(HELP)
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        assert _signed_in(staff_client)  # not written: the session still ends at start + 15 min
    # 15 minutes after the write, 14 min 10 s after the last request: up to 60 s early, never late.
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        _forget_cached_session(staff_client)
        assert not _signed_in(staff_client)


def test_a_session_active_within_the_timeout_is_kept(staff_client):
    start = timezone.now()
    for step in range(0, 40 * 60, 14 * 60):  # a request every 14 minutes for 40 minutes
        with time_machine.travel(start + timedelta(seconds=step), tick=False):
            if step:
                _forget_cached_session(staff_client)
            assert _signed_in(staff_client)


def test_the_idle_timeout_holds_in_redis_too_in_real_time(clerk, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 2
    totp_for(clerk)
    client = Client()
    client.force_login(clerk)
    assert _signed_in(client)
    written = time.monotonic()
    time.sleep(1)
    assert _signed_in(client)  # within the timeout: kept (and not written again)
    time.sleep(max(0.0, written + 2.3 - time.monotonic()))
    assert not _signed_in(client)


def test_a_shorter_timeout_applies_at_once(individual, settings):
    settings.FILER_SESSION_IDLE_SECONDS = 30 * 60
    client = Client()
    client.force_login(individual)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(HELP)
    settings.FILER_SESSION_IDLE_SECONDS = 10 * 60
    with time_machine.travel(start + timedelta(seconds=5), tick=False):
        client.get(HELP)
        assert _stored_expiry(client) == start + timedelta(minutes=10, seconds=5)


def test_removing_the_authenticator_in_this_session_applies_at_once(staff_client, clerk, rf):
    from allauth.mfa import signals
    from django.contrib.sessions.backends.cached_db import SessionStore

    assert staff_client.get(HELP).status_code == 200
    # What allauth's "deactivate" does, once the user has given their password again.
    request = rf.post("/")
    request.user = clerk
    request.session = SessionStore(staff_client.cookies["sessionid"].value)
    authenticator = Authenticator.objects.get(user=clerk, type=Authenticator.Type.TOTP)
    authenticator.delete()
    signals.authenticator_removed.send(sender=Authenticator, request=request, user=clerk, authenticator=authenticator)
    request.session.save()
    response = staff_client.get(HELP)
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_an_authenticator_removed_elsewhere_applies_within_a_minute(staff_client, clerk):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert staff_client.get(HELP).status_code == 200
    Authenticator.objects.filter(user=clerk).delete()  # in the admin, or another session
    with time_machine.travel(start + timedelta(seconds=IDLE_RESTART_SLACK_SECONDS), tick=False):
        assert staff_client.get(HELP).status_code == 200
    with time_machine.travel(start + timedelta(seconds=IDLE_RESTART_SLACK_SECONDS + 1), tick=False):
        response = staff_client.get(HELP)
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    # Once there is one again, however it was added, the next request goes through.
    totp_for(clerk)
    with time_machine.travel(start + timedelta(seconds=IDLE_RESTART_SLACK_SECONDS + 2), tick=False):
        assert staff_client.get(HELP).status_code == 200


def test_the_navigation_asks_no_membership_for_staff(staff_client):
    staff_client.get(HELP)
    with CaptureQueriesContext(connection) as queries:
        assert staff_client.get(HELP).status_code == 200
    assert not any("accounts_membership" in query["sql"] for query in queries.captured_queries)
