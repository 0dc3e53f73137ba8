"""Staying signed in: the timing every signed-in page gives the timeout warning, and the
endpoint its "Stay signed in" button posts to (WCAG 2.2.1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.checklist import View, ViewChecklist
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("session_extend")


class World:
    def __init__(self) -> None:
        self.filer = UserFactory()


@pytest.fixture
def world() -> World:
    return World()


class TestViewChecklist(ViewChecklist):
    VIEWS = [View("session_extend", lambda w: URL, methods=("POST",), user="filer", anonymous=401)]


def _stored_expiry(client: Client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_extending_restarts_the_idle_clock_and_says_when_the_session_ends(settings):
    settings.FILER_SESSION_IDLE_SECONDS = 30 * 60
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 120
    client = Client(enforce_csrf_checks=True)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(UserFactory())
        client.get(reverse("home"))
        token = client.cookies["csrftoken"].value
        first = _stored_expiry(client)
    with time_machine.travel(start + timedelta(minutes=25), tick=False):
        response = client.post(URL, HTTP_X_CSRFTOKEN=token)
        now = timezone.now()
    assert response.status_code == 200
    assert response.json()["expires_in"] == 30 * 60
    assert response.json()["warn_before"] == 120
    assert _stored_expiry(client) - first == timedelta(minutes=25)
    assert _stored_expiry(client) == now + timedelta(minutes=30)


def test_signed_in_pages_carry_the_timing_and_state_the_session_length(settings):
    settings.FILER_SESSION_IDLE_SECONDS = 30 * 60
    client = Client()
    client.force_login(UserFactory())
    text = client.get(reverse("home")).content.decode()
    assert 'name="icms-session" data-expires-in="1800" data-warn-before="120"' in text
    assert "signed out after 30 minutes without activity" in text
    assert 'src="/static/js/session-timeout.js"' in text


def test_a_short_session_is_warned_at_half_time(settings):
    settings.FILER_SESSION_IDLE_SECONDS = 60
    client = Client()
    client.force_login(UserFactory())
    assert 'data-expires-in="60" data-warn-before="30"' in client.get(reverse("home")).content.decode()


def test_the_public_get_no_timing():
    text = Client().get(reverse("home")).content.decode()
    assert "icms-session" not in text
    assert "session-timeout.js" not in text
