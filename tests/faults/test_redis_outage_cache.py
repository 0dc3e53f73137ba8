"""Redis down, in process: every use of the cache in the portal reads as a miss (issue 13).

The cache is pointed at a private Redis that the test stops: reads give their default,
writes and deletes are skipped, ``add()`` fails open, rate limits let requests through,
sessions come from the database, and the ignored errors are logged as one warning a
while, not a traceback per call. /healthz still says Redis is down.
"""

from __future__ import annotations

import logging
import time

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from filing.ratelimit import rate_limit_hit
from icms.calendar.selectors import closures_not_over_cached, maintenance_windows_cached
from icms.core.caching import cache_forget_after_commit
from icms.core.redis_cache import OutageLogFilter
from icms.health import check_redis
from tests.factories import UserFactory

pytestmark = [pytest.mark.faults]


@pytest.fixture
def cache_on_private_redis(private_redis):
    """The portal's cache settings, on the private Redis; yields the server."""
    caches = {"default": {**settings.CACHES["default"], "LOCATION": private_redis.url}}
    with override_settings(CACHES=caches, REDIS_URL=private_redis.url):
        yield private_redis


def test_the_cache_is_a_miss_and_writes_are_skipped_while_redis_is_down(cache_on_private_redis):
    cache.set("kept", "value", 60)
    assert cache.get("kept") == "value"
    assert cache.add("counter", 0, 60) is True and cache.add("counter", 0, 60) is False
    assert cache.incr("counter") == 1

    cache_on_private_redis.stop()
    started = time.monotonic()
    assert cache.get("kept") is None and cache.get("kept", "default") == "default"
    assert cache.get_many(["kept", "other"]) == {}
    assert "kept" not in cache
    assert cache.set("kept", "new", 60) is None  # skipped, not raised
    assert cache.delete("kept") is None
    assert cache.set_many({"a": 1}) is None and cache.delete_many(["a"]) is None
    assert cache.incr("counter") is None
    assert cache.touch("counter", 60) is False
    # add() is used as a lock and as a "first time?" check: during an outage it says yes.
    assert cache.add("lock", True, 10) is True
    # A refused connection fails at once: no waiting out the socket timeouts.
    assert time.monotonic() - started < 1.0

    cache_on_private_redis.start()  # back, and empty: nothing written during the outage
    assert cache.get("kept") is None and cache.get("lock") is None
    cache.set("kept", "again", 60)
    assert cache.get("kept") == "again"


def test_rate_limits_fail_open_while_redis_is_down(cache_on_private_redis):
    request = RequestFactory().get("/verify/", REMOTE_ADDR="192.0.2.7")
    assert [rate_limit_hit(scope="t", request=request, limit=2, window=60) for _ in range(3)] == [False, False, True]

    cache_on_private_redis.stop()
    assert not any(rate_limit_hit(scope="t", request=request, limit=2, window=60) for _ in range(10))

    cache_on_private_redis.start()  # counting again, from nothing
    assert [rate_limit_hit(scope="t", request=request, limit=2, window=60) for _ in range(3)] == [False, False, True]


@pytest.mark.django_db
def test_the_banners_and_the_maintenance_check_read_the_database_while_redis_is_down(cache_on_private_redis):
    assert maintenance_windows_cached() == [] and closures_not_over_cached() == []
    cache_on_private_redis.stop()
    assert maintenance_windows_cached() == [] and closures_not_over_cached() == []
    cache_forget_after_commit("calendar:closures:v1")  # outside a transaction: at once, quietly


@pytest.mark.django_db
def test_sessions_are_kept_in_the_database_and_survive_redis_going_away(cache_on_private_redis):
    user = UserFactory()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session.create()
    key = session.session_key
    assert key is not None
    with cache_on_private_redis.client() as client:
        assert any(name.endswith(key.encode()) for name in client.keys("*"))

    cache_on_private_redis.stop()
    assert SessionStore(key).load()[SESSION_KEY] == str(user.pk)
    during = SessionStore()
    during["note"] = "made while Redis was down"
    during.create()
    during.save()
    assert SessionStore(during.session_key).exists(during.session_key)

    cache_on_private_redis.start()  # an empty Redis: both are read from the database again
    assert SessionStore(key).load()[SESSION_KEY] == str(user.pk)
    assert SessionStore(during.session_key).load()["note"] == "made while Redis was down"


def test_healthz_still_reports_redis_down(cache_on_private_redis):
    assert check_redis().ok
    cache_on_private_redis.stop()
    status = check_redis()
    assert not status.ok and "ConnectionError" in status.detail


def test_ignored_errors_are_logged_as_a_warning_now_and_then_not_per_call(cache_on_private_redis, caplog):
    # The filter's clock stands still while the errors come, then moves past the interval: how
    # long a hundred refused connections take on a busy machine does not matter.
    clock = [1000.0]
    # The filter the settings attach to django-redis's logger, with its own state for this test.
    logger = logging.getLogger("django_redis.cache")
    installed = [f for f in logger.filters if isinstance(f, OutageLogFilter)]
    assert installed, "LOGGING attaches OutageLogFilter to django_redis.cache"
    fresh = OutageLogFilter(interval=30.0, clock=lambda: clock[0])
    for old in installed:
        logger.removeFilter(old)
    logger.addFilter(fresh)
    try:
        cache_on_private_redis.stop()
        with caplog.at_level(logging.WARNING, logger="django_redis.cache"):
            for _ in range(50):
                cache.get("x")
                cache.set("x", 1)
            first = [r for r in caplog.records if r.name == "django_redis.cache"]
            clock[0] += 30.5
            cache.get("x")
            records = [r for r in caplog.records if r.name == "django_redis.cache"]
    finally:
        logger.removeFilter(fresh)
        for old in installed:
            logger.addFilter(old)

    assert len(first) == 1 and len(records) == 2
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in records)
    assert "Redis cache unavailable" in records[0].getMessage()
    assert "ConnectionError" in records[0].getMessage()
    assert "(99 more cache errors since the last report)" in records[1].getMessage()
