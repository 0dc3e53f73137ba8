"""Failed sign-ins slow down per account and address, and never keep the owner out.

Through the sign-in page with the Django test client: each client is one address
(REMOTE_ADDR, or X-Forwarded-For behind a trusted proxy). The clock is frozen and moved
with time-machine, so waits of minutes take no time.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import login_throttle
from icms.core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# On the hour: the start of a 15-minute window of the per-address limit.
START = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Hong_Kong"))
OWNER_ADDRESS = "198.51.100.7"
STRANGER_ADDRESS = "203.0.113.9"
WRONG = "wrong-password-123"
# The defaults of icms/settings/base.py, which these tests are about.
FREE_ATTEMPTS, BACKOFF_CAP, ADDRESS_LIMIT, ACCOUNT_ALERT = 3, 15 * 60, 30, 20
PAIR_REFUSAL = "Too many failed sign-ins to this account from your address"
ADDRESS_REFUSAL = "Too many failed sign-ins from your address"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.hk")


def _sign_in(client: Client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_strangers_fifty_failures_do_not_stop_the_owner_signing_in_at_once(clock, alice):
    stranger = Client(REMOTE_ADDR=STRANGER_ADDRESS)
    answers = [_sign_in(stranger, alice.email, WRONG).status_code for _ in range(50)]
    assert answers[:FREE_ATTEMPTS] == [200] * FREE_ATTEMPTS
    assert set(answers[FREE_ATTEMPTS:]) == {429}  # ours, then allauth's 30 a minute per address
    owner = Client(REMOTE_ADDR=OWNER_ADDRESS)
    response = _sign_in(owner, alice.email, PASSWORD)
    assert response.status_code == 302 and _signed_in(owner)


def test_an_attack_from_many_addresses_only_delays_an_owner_who_mistypes(clock, alice):
    # Enough addresses, each using its free tries, to put the account under attack.
    addresses = [f"203.0.113.{10 + n // FREE_ATTEMPTS}" for n in range(ACCOUNT_ALERT)]
    for address in addresses:
        assert _sign_in(Client(REMOTE_ADDR=address), alice.email, WRONG).status_code == 200
    # Under attack, an address that has failed there has one free try, not three ...
    assert _sign_in(Client(REMOTE_ADDR=addresses[0]), alice.email, PASSWORD).status_code == 429
    # ... and the owner, whose address has not failed, signs in at once.
    owner = Client(REMOTE_ADDR=OWNER_ADDRESS)
    assert _sign_in(owner, alice.email, PASSWORD).status_code == 302
    owner.logout()
    # A typo now costs the owner one second, never more than the backoff.
    assert _sign_in(owner, alice.email, WRONG).status_code == 200
    response = _sign_in(owner, alice.email, PASSWORD)
    assert response.status_code == 429 and response["Retry-After"] == "1"
    clock.shift(1)
    assert _sign_in(owner, alice.email, PASSWORD).status_code == 302 and _signed_in(owner)


def test_a_refusal_is_429_with_retry_after_and_says_how_long_to_wait(clock, alice):
    client = Client(REMOTE_ADDR=STRANGER_ADDRESS)
    for _ in range(FREE_ATTEMPTS):
        assert _sign_in(client, alice.email, WRONG).status_code == 200
    response = _sign_in(client, alice.email, PASSWORD)  # even the right password waits its turn
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    assert f"{PAIR_REFUSAL}. Try again in 1 second." in response.text
    assert not _signed_in(client)
    assert 'name="login"' in response.text  # the form, with its error, so the person can retry


def test_the_wait_doubles_after_each_failure_up_to_the_cap(clock):
    waits = []
    for _ in range(16):
        try:
            attempt = login_throttle.login_attempt_start(login="bob@example.hk", address=STRANGER_ADDRESS)
        except login_throttle.LoginThrottled as refused:
            waits.append(refused.wait_seconds)
            clock.shift(refused.wait_seconds)
            attempt = login_throttle.login_attempt_start(login="bob@example.hk", address=STRANGER_ADDRESS)
        login_throttle.login_attempt_failed(attempt=attempt)
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, BACKOFF_CAP, BACKOFF_CAP, BACKOFF_CAP]


def test_a_long_wait_is_given_in_minutes(clock, alice):
    client = Client(REMOTE_ADDR=STRANGER_ADDRESS)
    for _ in range(FREE_ATTEMPTS + 7):  # the wait doubles after each failure beyond the free tries
        response = _sign_in(client, alice.email, WRONG)
        if response.status_code == 429:
            clock.shift(int(response["Retry-After"]))
            response = _sign_in(client, alice.email, WRONG)
        assert response.status_code == 200
    response = _sign_in(client, alice.email, WRONG)
    assert response["Retry-After"] == "128"
    assert "Try again in 3 minutes." in response.text


def test_a_successful_sign_in_clears_that_addresss_backoff(clock, alice):
    client = Client(REMOTE_ADDR=OWNER_ADDRESS)
    for _ in range(FREE_ATTEMPTS):
        _sign_in(client, alice.email, WRONG)
    clock.shift(1)
    assert _sign_in(client, alice.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(FREE_ATTEMPTS):
        assert _sign_in(client, alice.email, WRONG).status_code == 200


def test_one_address_failing_on_many_accounts_waits_for_the_next_window(clock, alice):
    stranger = Client(REMOTE_ADDR=STRANGER_ADDRESS)
    for n in range(ADDRESS_LIMIT):
        assert _sign_in(stranger, f"guess{n}@example.hk", WRONG).status_code == 200
        clock.shift(3)  # under allauth's 30 sign-in posts a minute per address
    response = _sign_in(stranger, alice.email, PASSWORD)
    assert response.status_code == 429
    assert f"{ADDRESS_REFUSAL}. Try again in" in response.text
    # Everyone else is unaffected.
    assert _sign_in(Client(REMOTE_ADDR=OWNER_ADDRESS), alice.email, PASSWORD).status_code == 302
    clock.shift(int(response["Retry-After"]))
    assert _sign_in(stranger, alice.email, PASSWORD).status_code == 302


def test_behind_a_proxy_a_forged_forwarded_address_is_not_believed(clock, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "172.18.0.5"
    # The stranger claims the owner's address; the proxy appends the stranger's real one.
    stranger = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{OWNER_ADDRESS}, {STRANGER_ADDRESS}")
    answers = [_sign_in(stranger, alice.email, WRONG).status_code for _ in range(10)]
    assert answers == [200] * FREE_ATTEMPTS + [429] * (10 - FREE_ATTEMPTS)
    failed = AuditEvent.objects.filter(event_type="account.login_failed")
    assert set(failed.values_list("ip_address", flat=True)) == {STRANGER_ADDRESS}
    owner = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=OWNER_ADDRESS)
    assert _sign_in(owner, alice.email, PASSWORD).status_code == 302
    signed_in = AuditEvent.objects.get(event_type="account.logged_in", actor=alice)
    assert signed_in.ip_address == OWNER_ADDRESS


def test_unknown_and_known_accounts_are_throttled_alike(clock, alice):
    pages = []
    for email in (alice.email, "nobody@example.hk"):
        client = Client(REMOTE_ADDR=STRANGER_ADDRESS)
        answers = [_sign_in(client, email, WRONG) for _ in range(FREE_ATTEMPTS + 1)]
        pages.append([(r.status_code, r.get("Retry-After")) for r in answers])
        clock.shift(60)
    assert pages[0] == pages[1]


def test_completing_a_password_reset_clears_that_addresss_backoff(clock, alice, django_capture_on_commit_callbacks):
    client = Client(REMOTE_ADDR=OWNER_ADDRESS)
    for _ in range(FREE_ATTEMPTS + 1):
        _sign_in(client, alice.email, WRONG)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": alice.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form = client.get(link, follow=True)
    new_password = "a-new-long-passphrase-2026"
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(form.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    assert _sign_in(client, alice.email, new_password).status_code == 302
