"""Per-process copies of data that rarely changes, each checked on every request against a version in the cache.

The busiest pages read the same things on almost every request: the courts and case types
their pickers offer, a day's cause list. Reading them from the database costs a query, and
from the shared cache a round trip and an unpickling, each more than the rest of the page
(issue 16, docs/causebook.md). Here every worker process keeps its own copy beside the
*version* it was read at. A version is a random token in the shared cache, replaced by
:func:`version_bump` whenever the data changes (the services' and signals' job: at once, and
again once the change commits, so that a copy read from the uncommitted rows meanwhile is
dropped too). Every worker checks the version on each request, so a change is seen on the
very next request whichever process serves it; nothing is trusted longer than ``max_age``
seconds even so (a bump lost to a Redis outage).

One round trip per request: the versions a request asks for, and every key registered with
:func:`prefetch` (the calendar's notices, the versions of the busy pages), are read together
in one ``get_many`` the first time any of them is asked for in that request (a request is
what Django's ``request_started`` and ``request_finished`` signals bound, in one thread);
outside a request (a task, a shell, a test without the client) each call reads the cache.

No version in the cache (evicted, flushed by a test, or Redis down: the cache then reads as
a miss and ``add`` succeeds, icms/core/redis_cache.py) gives a new token, which matches no
copy: nothing kept is trusted, and the data is read afresh.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

T = TypeVar("T")

_MISSING = object()
_PREFETCH: dict[str, None] = {}  # ordered, no duplicates
_request = threading.local()


def prefetch(*keys: str) -> None:
    """Read ``keys`` with the first read of the cache in every request (they are wanted by most requests)."""
    for key in keys:
        _PREFETCH[key] = None


def _request_start(**kwargs: object) -> None:
    _request.memo = {}


def _request_end(**kwargs: object) -> None:
    _request.memo = None


request_started.connect(_request_start, dispatch_uid="icms-kept-request-start")
request_finished.connect(_request_end, dispatch_uid="icms-kept-request-end")


def _memo() -> dict[str, Any] | None:
    memo: dict[str, Any] | None = getattr(_request, "memo", None)
    return memo


def get_many(keys: Iterable[str]) -> dict[str, Any]:
    """``cache.get_many(keys)``, read once per request together with the prefetched keys."""
    memo = _memo()
    if memo is None:
        return dict(cache.get_many(list(keys)))
    keys = list(keys)
    wanted = [key for key in keys if key not in memo]
    if wanted:
        fetch = list(dict.fromkeys([*wanted, *(key for key in _PREFETCH if key not in memo)]))
        found = cache.get_many(fetch)
        for key in fetch:
            memo[key] = found.get(key, _MISSING)
    return {key: memo[key] for key in keys if memo[key] is not _MISSING}


def remember(key: str, value: Any, timeout: float | None) -> None:
    """``cache.set``, and what this request reads of ``key`` from now on."""
    cache.set(key, value, timeout)
    memo = _memo()
    if memo is not None:
        memo[key] = value


def version(key: str) -> str:
    """The current version of what ``key`` names; a new one if the cache has none."""
    current: str | None = get_many([key]).get(key)
    if current is None:
        token = uuid.uuid4().hex
        # Another process may have made one meanwhile: theirs wins (else each would drop the other's copies).
        current = token if cache.add(key, token, None) else cache.get(key) or token
        memo = _memo()
        if memo is not None:
            memo[key] = current
    return current


def version_bump(key: str) -> None:
    """The data ``key`` names changed: every process drops its copy on its next request.

    At once, and again when the transaction commits (a copy read before the commit holds the old rows).
    """
    remember(key, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: remember(key, uuid.uuid4().hex, None))


class Kept(Generic[T]):
    """Values read by a loader, kept in this process per key while ``version_key``'s version holds.

    At most ``size`` keys (past that the copies start again) and ``max_age`` seconds each.
    """

    def __init__(self, version_key: str, *, max_age: float, size: int = 64) -> None:
        self.version_key = version_key
        self.max_age = max_age
        self.size = size
        self._entries: dict[Hashable, tuple[str, float, T]] = {}
        prefetch(version_key)

    def get(self, key: Hashable, load: Callable[[], T], *, fresh: bool = False) -> T:
        """The kept value for ``key``, or ``load()`` (kept); ``fresh``: load it whatever is kept."""
        current = version(self.version_key)
        now = time.monotonic()
        entry = None if fresh else self._entries.get(key)
        if entry is not None and entry[0] == current and now - entry[1] < self.max_age:
            return entry[2]
        value = load()
        if len(self._entries) >= self.size:
            self._entries = {}
        self._entries[key] = (current, now, value)
        return value

    def clear(self) -> None:
        self._entries = {}
