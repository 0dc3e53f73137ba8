"""The cache when Redis is down: a miss, never an error (issue 13).

The cache backend is django-redis with ``IGNORE_EXCEPTIONS``: while Redis does not
answer, a read returns its default, and a write or delete is skipped (it returns None).
Sessions are ``cached_db``, so the database is their record and they survive an outage.

Two things are added here:

* :class:`RedisCache` makes ``add()`` *fail open*, and ``touch()`` ignore errors as the
  rest do. Callers use ``add()`` as a lock or a "first time?" check (allauth's rate-limit
  lock, its TOTP replay guard, our own :mod:`filing.ratelimit`); django-redis would
  return None, which reads as "someone else holds it", so every sign-in would be
  refused as rate-limited (429) while Redis is down. Rate limits and the TOTP replay
  guard are therefore off during an outage: counting needs Redis, and refusing everyone
  would be the outage we are avoiding.
* :class:`OutageLogFilter` turns django-redis's report of each ignored error (an ERROR
  with a traceback, several per request) into at most one WARNING per interval and
  process, with the count of those held back.

One limit fails *closed* instead: Enquire Summons (:mod:`causebook.summons_enquiry`), whose
second factor is four characters, answers no enquiry it cannot count. It reports its
refusals with an :class:`OutageWarning`, as rarely as the filter does.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.cache import omit_exception
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError


class RedisCache(DjangoRedisCache):  # type: ignore[misc]  # django-redis ships no type hints
    """django-redis's backend, whose ``add()`` says True when Redis did not answer."""

    def add(self, *args: Any, **kwargs: Any) -> bool:
        added = super().add(*args, **kwargs)
        # django-redis answers True or False; None only when it ignored a Redis error.
        return True if added is None else bool(added)

    @omit_exception(return_value=False)  # type: ignore[untyped-decorator]
    def touch(self, *args: Any, **kwargs: Any) -> bool:
        # django-redis (7.0) lets touch()'s connection errors through, unlike the rest of
        # Django's cache API; report them as it does its own, so that they are ignored too.
        try:
            return bool(super().touch(*args, **kwargs))
        except (RedisConnectionError, RedisTimeoutError) as error:
            raise ConnectionInterrupted(connection=None) from error


class _Interval:
    """Lets one report through per ``interval`` seconds (per process), counting those held back."""

    def __init__(self, interval: float, clock: Callable[[], float]) -> None:
        self.interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._last_report = float("-inf")
        self._held_back = 0

    def due(self) -> int | None:
        """How many were held back since the last report, if one is due now; else None (one more held back)."""
        now = self._clock()
        with self._lock:
            if now - self._last_report < self.interval:
                self._held_back += 1
                return None
            held_back, self._held_back, self._last_report = self._held_back, 0, now
        return held_back


class OutageLogFilter(logging.Filter):
    """For the ``django_redis.cache`` logger: one WARNING per ``interval`` seconds, no traceback."""

    def __init__(self, interval: float = 30.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.interval = interval
        self._reports = _Interval(interval, clock)

    def filter(self, record: logging.LogRecord) -> bool:
        held_back = self._reports.due()
        if held_back is None:
            return False
        error = record.exc_info[1] if record.exc_info else None
        # django-redis wraps the error of redis-py (ConnectionError, TimeoutError): name that one.
        cause = error.__cause__ if error is not None and error.__cause__ is not None else error
        detail = f"{type(cause).__name__}: {cause}" if cause is not None else record.getMessage()
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.msg = "Redis cache unavailable; served without it (sessions from the database): %s%s"
        record.args = (detail, f" ({held_back} more cache errors since the last report)" if held_back else "")
        record.exc_info, record.exc_text = None, None
        return True


class OutageWarning:
    """A WARNING that something was refused because Redis did not answer: at most one per
    ``interval`` seconds and process (as :class:`OutageLogFilter` reports the cache's own
    errors), with the count of those held back. Make one per kind of refusal, at import."""

    def __init__(
        self,
        logger: logging.Logger,
        message: str,
        interval: float = 30.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger = logger
        self.message = message
        self._reports = _Interval(interval, clock)

    def report(self) -> None:
        """One more refusal: logged now if none was logged in the last ``interval`` seconds."""
        held_back = self._reports.due()
        if held_back is not None:
            more = f" ({held_back} more since the last report)" if held_back else ""
            self.logger.warning("%s%s", self.message, more)
