"""Redis down: the web tier keeps serving (issue 13).

A live web process has its cache, session cache and Celery broker on a private Redis,
which the test stops and starts again. While it is down, a signed-in user stays signed
in (sessions are kept in the database), pages that read the cache are served without it,
a new sign-in works (allauth's rate limits fail open), /healthz says Redis is down, and
nothing answers 500. The ignored errors are logged, but as a warning now and then rather
than a traceback per call.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to the sign-in page, say) is an answer to look at


@dataclass
class Browser:
    """One person's browser: its own cookies; every answer's status is tallied."""

    base: str
    statuses: Counter[int] = field(default_factory=Counter)
    cookies: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects)

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, Location, body) of a GET, or of a form POST with ``data``."""
        url = self.base + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Referer": url, "Content-Type": "application/x-www-form-urlencoded"} if body else {}
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 - a loopback URL
        try:
            with self.opener.open(request, timeout=30) as response:
                answer = (response.status, response.headers.get("Location", ""), response.read().decode())
        except urllib.error.HTTPError as error:
            with error:
                answer = (error.code, error.headers.get("Location", ""), error.read().decode(errors="replace"))
        self.statuses[answer[0]] += 1
        return answer

    def sign_in(self, email: str) -> None:
        path = "/accounts/login/"
        status, _, page = self.request(path)
        assert status == 200, f"sign-in page: {status}"
        token = CSRF_INPUT.search(page)
        assert token, "no CSRF token on the sign-in page"
        status, location, page = self.request(
            path, {"csrfmiddlewaretoken": token.group(1), "login": email, "password": PASSWORD}
        )
        assert (status, location) == (302, reverse("accounts:dashboard")), (
            f"sign-in: {status} {location}\n{page[:2000]}"
        )

    def session_key(self) -> str | None:
        return next((c.value for c in self.cookies if c.name == "sessionid"), None)


def _pages() -> dict[str, str]:
    """Pages that read the cache (the maintenance middleware, the closures banner) and the session."""
    return {
        "message box": reverse("filing:message_box"),
        "cause book search": reverse("causebook:search") + "?q=chan+tai+man",
        "registry hours": reverse("calendar:registry_hours"),
        "dashboard": reverse("accounts:dashboard"),
    }


def _assert_signed_in_pages(browser: Browser, email: str) -> None:
    for name, path in _pages().items():
        status, location, page = browser.request(path)
        assert status == 200, f"{name} for {email}: {status} {location}\n{page[:2000]}"
    # The message box and the dashboard are for signed-in users only: a lost session
    # would have been a redirect to the sign-in page.


def _healthz_redis(web_url: str) -> bool:
    """What /healthz says of Redis (its status is 503 here whatever Redis does: no worker runs)."""
    status, _, body = Browser(web_url).request("/healthz")
    assert status in (200, 503), status
    return bool(json.loads(body)["components"]["redis"]["ok"])


def test_signed_in_users_keep_working_and_new_ones_sign_in_while_redis_is_down(private_redis, web_process):
    alice, bob = UserFactory(), UserFactory()
    web = web_process(redis=private_redis)

    # Redis up: sign in and use the pages; the session and the banners are cached in it.
    before = Browser(web.url)
    before.sign_in(alice.email)
    _assert_signed_in_pages(before, alice.email)
    session_key = before.session_key()
    assert session_key and Session.objects.filter(session_key=session_key).exists()
    with private_redis.client() as client:
        cached = {key.decode() for key in client.keys("*")}
    assert any("sessions.cached_db" in key and key.endswith(session_key) for key in cached), cached
    assert any("calendar:maintenance" in key for key in cached), cached
    assert _healthz_redis(web.url) is True

    private_redis.stop()
    outage_started, answered_before = time.monotonic(), before.statuses.total()
    # Redis down: alice is still signed in, bob signs in afresh, and every page is served.
    _assert_signed_in_pages(before, alice.email)
    during = Browser(web.url)
    during.sign_in(bob.email)
    _assert_signed_in_pages(during, bob.email)
    # A wrong password is still refused as such (not a 500, and not "too many attempts").
    stranger = Browser(web.url)
    _, _, page = stranger.request("/accounts/login/")
    token = CSRF_INPUT.search(page)
    assert token
    status, _, _ = stranger.request(
        "/accounts/login/", {"csrfmiddlewaretoken": token.group(1), "login": bob.email, "password": "wrong-password"}
    )
    assert status == 200
    assert stranger.request(reverse("filing:message_box"))[0] == 302  # to the sign-in page: not signed in
    for _ in range(5):  # a few rounds, so that the log would show a traceback per call
        _assert_signed_in_pages(before, alice.email)
        _assert_signed_in_pages(during, bob.email)
    assert _healthz_redis(web.url) is False
    outage_seconds = time.monotonic() - outage_started
    served_during = before.statuses.total() - answered_before + during.statuses.total() + stranger.statuses.total()
    assert Session.objects.filter(session_key=during.session_key()).exists()

    log = web.log_text()
    warnings = [line for line in log.splitlines() if "Redis cache unavailable; served without it" in line]
    assert 1 <= len(warnings) <= 2, log[-4000:]  # one process, one warning per 30 s
    assert "WARNING django_redis.cache" in warnings[0]
    assert "Traceback" not in log, log[-4000:]
    # gunicorn's access log: no 5xx but /healthz's 503 (no worker runs, and Redis is down).
    errors = [line for line in log.splitlines() if re.search(r'" 5\d\d ', line) and "/healthz" not in line]
    assert not errors, errors

    # Redis back (empty): both users are still signed in, and the cache fills again.
    private_redis.start()
    _assert_signed_in_pages(before, alice.email)
    _assert_signed_in_pages(during, bob.email)
    with private_redis.client() as client:
        cached = {key.decode() for key in client.keys("*")}
    assert any(key.endswith(str(during.session_key())) for key in cached), cached
    assert _healthz_redis(web.url) is True

    statuses = before.statuses + during.statuses + stranger.statuses
    assert not [s for s in statuses if s >= 500], statuses
    print(
        f"FIGURE redis outage (web): {served_during} requests answered over {outage_seconds:.1f} s "
        f"of a stopped Redis (pages, a new sign-in, a wrong password), 0 server errors, both users signed in "
        f"throughout; {len(warnings)} log warning(s) for the ignored cache errors; statuses {dict(statuses)}"
    )
