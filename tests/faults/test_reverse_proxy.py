"""The sign-in throttle through a real reverse proxy: Debian's nginx, shipped configuration.

A live gunicorn runs as deployed behind one proxy (``TRUSTED_PROXY_COUNT=1``,
``BEHIND_TLS_PROXY=true``, and ``SECURE_SSL_REDIRECT=true``, so a request that nginx did
not mark as HTTPS would be redirected). nginx terminates TLS with the shipped
``deploy/nginx/icms.conf`` (tests/faults/nginx.py). Every connection to nginx comes from
loopback, so the browsers connect from distinct loopback addresses (127.0.0.2 for the
owner, 127.0.0.3 for a stranger): nginx's ``$remote_addr`` tells them apart, as it would
two people on the internet.
"""

from __future__ import annotations

import re
import time
import urllib.parse
from collections.abc import Callable, Iterator

import pytest

from icms.core.models import AuditEvent
from tests.factories import UserFactory
from tests.faults.browser import Answer, Browser
from tests.faults.conftest import WebProcess
from tests.faults.nginx import ReverseProxy, start_nginx
from tests.faults.processes import log_file

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

OWNER, STRANGER = "127.0.0.2", "127.0.0.3"
WRONG = "wrong-password-123"
PAIR_REFUSAL = "Too many failed sign-ins to this account from your address"
ADDRESS_REFUSAL = "Too many failed sign-ins from your address"
WAIT = re.compile(r"Try again in (\d+) seconds?\.")


@pytest.fixture
def proxied(web_process: Callable[..., WebProcess]) -> Iterator[Callable[..., tuple[WebProcess, ReverseProxy]]]:
    """A factory: a web process (with extra ``env``) behind nginx; both stopped at teardown."""
    proxies: list[ReverseProxy] = []

    def start(**env: str) -> tuple[WebProcess, ReverseProxy]:
        web = web_process(TRUSTED_PROXY_COUNT="1", BEHIND_TLS_PROXY="true", SECURE_SSL_REDIRECT="true", **env)
        proxy = start_nginx(upstream_port=web.port, log=log_file("nginx"))
        proxies.append(proxy)
        return web, proxy

    yield start
    for proxy in proxies:
        proxy.stop()


def _sign_in(browser: Browser, base: str, email: str, password: str, **headers: str) -> Answer:
    url = f"{base}/accounts/login/"
    token, _ = browser.form(url)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": email, "password": password})
    return browser.request(
        url,
        data=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": url, **headers},
    )


def test_through_nginx_a_strangers_failures_never_keep_the_owner_out(proxied):
    web, proxy = proxied()
    alice = UserFactory(email="alice@example.hk")
    # TLS is nginx's: plain HTTP to it is redirected, and gunicorn itself, asked directly
    # over plain HTTP, redirects too; through nginx (X-Forwarded-Proto) it serves the page.
    stranger = Browser(alice.email, source=STRANGER, tls=proxy.tls)
    redirect = stranger.request(f"{proxy.http}/accounts/login/")
    assert redirect.status == 301 and redirect.location == "https://127.0.0.1/accounts/login/"
    assert stranger.request(f"{web.url}/accounts/login/").status == 301
    assert stranger.request(f"{proxy.https}/accounts/login/").status == 200

    # Three free tries, then waits of 1 and 2 seconds (served in real time here), then 4.
    answers: list[int] = []
    wait = 0
    while wait < 4 and len(answers) < 12:
        answer = _sign_in(stranger, proxy.https, alice.email, WRONG)
        answers.append(answer.status)
        if answer.status == 429:
            assert PAIR_REFUSAL in answer.text
            wait = int(WAIT.search(answer.text).group(1))  # type: ignore[union-attr]
            time.sleep(wait if wait < 4 else 0)
    assert answers[:3] == [200, 200, 200] and wait >= 4, answers
    # Claiming the owner's address in the header changes nothing: nginx appends the real one.
    forged = _sign_in(stranger, proxy.https, alice.email, WRONG, **{"X-Forwarded-For": OWNER})
    assert forged.status == 429 and PAIR_REFUSAL in forged.text

    owner = Browser(alice.email, source=OWNER, tls=proxy.tls)
    owner.sign_in(proxy.https)  # at once, with the right password: 302

    failed = AuditEvent.objects.filter(event_type="account.login_failed")
    assert failed.count() == answers.count(200)
    assert set(failed.values_list("ip_address", flat=True)) == {STRANGER}
    assert AuditEvent.objects.get(event_type="account.logged_in", actor=alice).ip_address == OWNER


def test_through_nginx_the_per_address_limit_bites_only_that_address(proxied):
    _, proxy = proxied(LOGIN_ADDRESS_LIMIT="5")
    alice = UserFactory(email="alice@example.hk")
    stranger = Browser(alice.email, source=STRANGER, tls=proxy.tls)
    for n in range(5):  # one failure on each of five accounts: credential stuffing
        assert _sign_in(stranger, proxy.https, f"guess{n}@example.hk", WRONG).status == 200
    refused = _sign_in(stranger, proxy.https, alice.email, "correct-horse-battery-staple")
    assert refused.status == 429 and ADDRESS_REFUSAL in refused.text
    forged = _sign_in(stranger, proxy.https, "guess9@example.hk", WRONG, **{"X-Forwarded-For": "127.0.0.4"})
    assert forged.status == 429 and ADDRESS_REFUSAL in forged.text
    Browser(alice.email, source=OWNER, tls=proxy.tls).sign_in(proxy.https)
    assert not re.search(r"\[(warn|error|crit|alert|emerg)\]", proxy.error_log()), proxy.error_log()
