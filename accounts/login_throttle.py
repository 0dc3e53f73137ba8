"""Failed sign-ins slow down; they never lock the owner out (issue 18).

allauth's stock rule (``login_failed``: five failures on an account in five minutes)
refused even the right password afterwards, so anyone who knew an email address could
keep its owner out. Here every rule is about an *address* (``icms.core.http.client_ip``,
which sees through our own proxies), so a stranger's failures slow down the stranger:

* **Per account and address: backoff.** An address has ``LOGIN_FREE_ATTEMPTS`` (3)
  tries at an account; after its n-th failure it waits ``2 ** (n - 3)`` seconds (1, 2,
  4, ... capped at ``LOGIN_BACKOFF_CAP_SECONDS``, 15 minutes) before its next try. A successful
  sign-in (or a completed password reset) from that address clears it; otherwise it is
  forgotten ``PAIR_MEMORY`` seconds after the last failure.
* **Per address, across accounts** (credential stuffing): at most ``LOGIN_ADDRESS_LIMIT``
  (30) failed sign-ins in a fixed ``ADDRESS_WINDOW``; then that address waits for the next
  window, whichever account it tries.
* **Per account, across addresses** (many addresses against one account): once it has
  had ``LOGIN_ACCOUNT_ALERT`` (20) failures in an ``ACCOUNT_WINDOW``, each address has one free try
  at it instead of three. It only ever shortens the allowance of addresses that have
  failed there: an address that has not failed on the account is never held back.

Throttling happens before the password is checked, so a waiting address learns nothing.
The rules are keyed on what was typed (hashed), never on whether an account exists, so
unknown and known accounts behave alike (``ACCOUNT_PREVENT_ENUMERATION``).

Counting is atomic in Redis (``incr``, ``add``), and the clock is ``time.time()``, so that
tests move it with time-machine. Like every rate limit here it fails open while Redis is
down (``icms/core/redis_cache.py``): nothing can be counted, and refusing every sign-in
would be worse.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext, ngettext

from icms.core.counters import cache_counter_incr

# The limits are settings (icms/settings/base.py); the windows are fixed.
PAIR_MEMORY = 24 * 60 * 60
ADDRESS_WINDOW = 15 * 60
ACCOUNT_WINDOW = 60 * 60
# How long one try may hold an address's turn while its password is checked; a process
# that dies mid-check frees the turn after this.
CLAIM_SECONDS = 30
# IPv6 clients usually hold a whole /64: count the network, as allauth does.
IPV6_PREFIX = 64
# The request attribute that tells the response to say 429 (see throttled_response).
_RETRY_AFTER = "login_retry_after"

R = TypeVar("R", bound=HttpResponseBase)


class LoginThrottled(Exception):
    """This address must wait ``wait_seconds`` before it tries this account (or any) again."""

    def __init__(self, *, wait_seconds: int, per_address: bool) -> None:
        super().__init__(wait_seconds)
        self.wait_seconds = wait_seconds
        self.per_address = per_address

    @property
    def message(self) -> str:
        """What the sign-in form says, in the request's language."""
        if self.per_address:
            text = gettext("Too many failed sign-ins from your address. Try again in %(wait)s.")
        else:
            text = gettext("Too many failed sign-ins to this account from your address. Try again in %(wait)s.")
        return text % {"wait": _duration(self.wait_seconds)}


@dataclass(frozen=True)
class Attempt:
    """One sign-in try that the throttle let through; report how it ended."""

    account: str
    address: str
    ordinal: int  # this try's number from this address at this account since the last success
    address_key: str
    claimed: bool
    counted: bool  # False while Redis is down: nothing was counted, nothing to settle


def login_attempt_start(*, login: str, address: str | None) -> Attempt:
    """Let one try through, or raise :class:`LoginThrottled` (nothing is then counted)."""
    now = time.time()
    account, where = _account(login), _network(address)
    pair_key = _key("pair", account, where)
    ordinal = cache_counter_incr(pair_key, timeout=PAIR_MEMORY)
    window = int(now // ADDRESS_WINDOW)
    address_key = _key("address", where, str(window))
    if ordinal is None:  # Redis does not answer
        return Attempt(account, where, 0, address_key, claimed=False, counted=False)
    claimed = False
    if ordinal > _allowance(account, now):
        deadline = cache.get(_key("wait", account, where))
        if deadline is not None and deadline > now:
            _uncount(pair_key)
            raise LoginThrottled(wait_seconds=math.ceil(deadline - now), per_address=False)
        # Past its allowance an address has one try in flight at a time, so that a burst
        # of simultaneous tries cannot all pass before the first failure is recorded.
        if not cache.add(_key("claim", account, where), 1, timeout=CLAIM_SECONDS):
            _uncount(pair_key)
            raise LoginThrottled(wait_seconds=1, per_address=False)
        claimed = True
    used = cache_counter_incr(address_key, timeout=ADDRESS_WINDOW)
    if used is not None and used > settings.LOGIN_ADDRESS_LIMIT:
        _uncount(address_key)
        _uncount(pair_key)
        if claimed:
            cache.delete(_key("claim", account, where))
        raise LoginThrottled(wait_seconds=math.ceil((window + 1) * ADDRESS_WINDOW - now), per_address=True)
    return Attempt(account, where, ordinal, address_key, claimed=claimed, counted=True)


def login_attempt_failed(*, attempt: Attempt) -> None:
    """The password was wrong: the address waits before its next try if past its allowance."""
    if not attempt.counted:
        return
    now = time.time()
    account_key = _key("account", attempt.account, str(int(now // ACCOUNT_WINDOW)))
    cache_counter_incr(account_key, timeout=ACCOUNT_WINDOW)
    allowance = _allowance(attempt.account, now)
    if attempt.ordinal >= allowance:
        # The exponent is bounded first: 2 ** 20 is already past the cap.
        wait = min(2 ** min(attempt.ordinal - allowance, 20), settings.LOGIN_BACKOFF_CAP_SECONDS)
        cache.set(_key("wait", attempt.account, attempt.address), now + wait, timeout=wait + 60)
    cache.touch(_key("pair", attempt.account, attempt.address), PAIR_MEMORY)
    if attempt.claimed:
        cache.delete(_key("claim", attempt.account, attempt.address))


def login_attempt_succeeded(*, attempt: Attempt) -> None:
    """The password was right: this address starts afresh at this account.

    Only this try is taken back from the address's count, never the failures before it:
    a successful sign-in to an account of one's own must not buy more guesses elsewhere.
    """
    if not attempt.counted:
        return
    _forgive(account=attempt.account, address=attempt.address)
    _uncount(attempt.address_key)


def login_forgive(*, login: str, address: str | None) -> None:
    """Clear the backoff of ``address`` at the account ``login`` (after a password reset)."""
    _forgive(account=_account(login), address=_network(address))


def _forgive(*, account: str, address: str) -> None:
    cache.delete_many([_key(kind, account, address) for kind in ("pair", "wait", "claim")])


def mark_throttled(*, request: HttpRequest, error: LoginThrottled) -> None:
    """Remember on the request that the throttle refused it, for :func:`throttled_response`."""
    setattr(request, _RETRY_AFTER, error.wait_seconds)


def throttled_response(request: HttpRequest, response: R) -> R:
    """allauth shows a refused sign-in as a form error (200); say 429 and when to come back."""
    wait = getattr(request, _RETRY_AFTER, None)
    if wait is not None and response.status_code == 200:
        response.status_code = 429
        response["Retry-After"] = str(wait)
    return response


def _allowance(account: str, now: float) -> int:
    failures = cache.get(_key("account", account, str(int(now // ACCOUNT_WINDOW))))
    free: int = settings.LOGIN_FREE_ATTEMPTS
    return min(1, free) if failures is not None and failures >= settings.LOGIN_ACCOUNT_ALERT else free


def _uncount(key: str) -> None:
    # ValueError: it expired meanwhile, and there is nothing left to take back.
    with contextlib.suppress(ValueError):
        cache.decr(key)


def _account(login: str) -> str:
    # A digest, not the address typed: the cache holds no email addresses.
    return hashlib.sha256(login.strip().lower().encode()).hexdigest()[:32]


def _network(address: str | None) -> str:
    if not address:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return str(parsed)


def _key(kind: str, *parts: str) -> str:
    return ":".join(("login-throttle", kind, *parts))


def _duration(seconds: int) -> str:
    if seconds < 120:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
