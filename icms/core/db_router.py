"""Reads of the public pages from a read replica; everything else from the primary.

Installed only when ``DATABASE_REPLICA_URL`` is set (icms/settings/base.py); without it
every query goes to ``default``, as before. See docs/deployment.md, "Read replicas".

The decision is made once per request, by :class:`ReplicaReadsMiddleware`, and kept in
a context variable that :class:`ReplicaRouter` reads for every query. Reads go to the
replica only when all of these hold:

* the view is one of :data:`REPLICA_VIEWS`: the cause book search, the daily cause
  list, the verification page, the registry hours (public pages, no private state);
* the request is a GET or HEAD, and names no ``token`` (a result set or inspection paid
  for a moment ago must be read where its grant was written);
* the client wrote nothing in the last ``REPLICA_STICKY_SECONDS`` ("read your writes"):
  any POST, PUT, PATCH or DELETE, and any request that wrote to the primary, sets a
  cookie with the time of the write. A cookie, not the session, so that it holds
  across web hosts and for people who are not signed in;
* the replica answers and is at most ``REPLICA_MAX_LAG_SECONDS`` behind
  (:func:`replica_usable`); otherwise the page is read from the primary;
* the query is not inside ``transaction.atomic`` and is not of a model in
  :data:`PRIMARY_ONLY_APPS` (who someone is and what they may do is always current).

Celery tasks, management commands, the admin and every other page never set the
variable, so they read from the primary. Writes always go to the primary.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"

# The pages whose reads may come from the replica, by URL name: one list, here.
REPLICA_VIEWS = frozenset(
    {
        "causebook:search",
        "causebook:cause_list",
        "api:causebook_search",
        "api:hearings",
        "verify:verify",
        "calendar:registry_hours",
        "calendar:feed",
    }
)
# Identity, sessions and permissions are read from the primary even on those pages: a
# membership removed or a password changed a moment ago must count at once.
PRIMARY_ONLY_APPS = frozenset({"sessions", "accounts", "auth", "account", "mfa", "contenttypes"})
# Holds the time (Unix seconds) of the client's last write.
STICKY_COOKIE = "icms_wrote_at"
SAFE_METHODS = frozenset({"GET", "HEAD"})
_WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE")

_reads_from_replica: ContextVar[bool] = ContextVar("icms_reads_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads that the router allows go to the replica (the middleware's switch)."""
    token = _reads_from_replica.set(True)
    try:
        yield
    finally:
        _reads_from_replica.reset(token)


def read_alias(model: type[Model] | None = None) -> str:
    """The database alias a read of ``model`` (or raw SQL, when None) goes to now."""
    if not _reads_from_replica.get() or not replica_configured():
        return PRIMARY
    if model is not None and model._meta.app_label in PRIMARY_ONLY_APPS:
        return PRIMARY
    # Inside a transaction a read may depend on what that transaction wrote.
    if connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return REPLICA


class ReplicaRouter:
    """Django's database router (``DATABASE_ROUTERS``): see the module's docstring."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return read_alias(model)

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        # Both databases hold the same rows.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        # The replica is read-only; it gets the schema by replication.
        return db == PRIMARY


# --- Is the replica fit to read from? ------------------------------------------------------

# Seconds the replica is behind the primary: 0 when it has replayed all it received (an
# idle primary sends nothing, so the last replayed commit's age means nothing then);
# NULL when it has replayed nothing yet. A primary given as the replica is 0 behind.
LAG_SQL = """SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8
END"""


def replica_lag() -> float | None:
    """How many seconds the replica is behind (None: unknown). Raises DatabaseError when it is down."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL)
        row = cursor.fetchone()
    return None if row is None or row[0] is None else max(0.0, float(row[0]))


@dataclass
class _ReplicaState:
    """What this process last learnt of the replica (shared by its threads; races are harmless)."""

    failed_at: float = -math.inf
    lag_checked_at: float = -math.inf
    lag: float | None = None


_state = _ReplicaState()


def replica_usable() -> bool:
    """Whether this request may read from the replica: it answers and is not too far behind.

    Each call costs Django's own health check of the kept connection (one ``SELECT 1``,
    which the request's first query would otherwise run), and a lag query at most every
    ``REPLICA_LAG_CHECK_SECONDS`` per process. A replica that refuses is not tried again
    for ``REPLICA_RETRY_SECONDS``, so an unreachable host costs one connect timeout per
    process and period, not one per request. A replica that fails in the middle of a
    request fails that request (a 500); the next ones are read from the primary.
    """
    now = time.monotonic()
    if now - _state.failed_at < settings.REPLICA_RETRY_SECONDS:
        return False
    try:
        if now - _state.lag_checked_at >= settings.REPLICA_LAG_CHECK_SECONDS:
            _state.lag = replica_lag()
            _state.lag_checked_at = now
        else:
            connections[REPLICA].cursor().close()  # reconnects a connection the replica dropped
    except DatabaseError as error:
        _state.failed_at = now
        _state.lag_checked_at = -math.inf
        logger.warning("The read replica is unreachable; reading from the primary: %s", error)
        return False
    return _state.lag is not None and _state.lag <= settings.REPLICA_MAX_LAG_SECONDS


def forget_replica_state() -> None:
    """Forget what this process learnt of the replica (for tests)."""
    global _state
    _state = _ReplicaState()


# --- The per-request switch --------------------------------------------------------------


def wrote_recently(request: HttpRequest) -> bool:
    """Whether the client's cookie says it wrote within ``REPLICA_STICKY_SECONDS``.

    A client that forges it only sends its own reads to the primary.
    """
    try:
        wrote_at = float(request.COOKIES.get(STICKY_COOKIE, ""))
    except ValueError:
        return False
    sticky: float = settings.REPLICA_STICKY_SECONDS
    return timezone.now().timestamp() - wrote_at < sticky


def replica_allowed_for(request: HttpRequest) -> bool:
    """Whether the page and the client allow replica reads (the replica's own state aside)."""
    match = request.resolver_match
    return (
        request.method in SAFE_METHODS
        and match is not None
        and match.view_name in REPLICA_VIEWS
        and "token" not in request.GET
        and not wrote_recently(request)
    )


class _WriteWatcher:
    """Notes whether the request wrote to the primary, whatever its method (a GET may write)."""

    def __init__(self) -> None:
        self.wrote = False

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if not self.wrote and isinstance(sql, str) and sql.lstrip()[:6].upper().startswith(_WRITES):
            self.wrote = True
        return execute(sql, params, many, context)


class ReplicaReadsMiddleware:
    """Turns replica reads on for the view of a request that allows them, and marks writers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _reads_from_replica.set(False)
        watcher = _WriteWatcher()
        try:
            with connections[PRIMARY].execute_wrapper(watcher):
                response = self.get_response(request)
        finally:
            _reads_from_replica.reset(token)
        if request.method not in SAFE_METHODS or watcher.wrote:
            response.set_cookie(
                STICKY_COOKIE,
                str(int(timezone.now().timestamp())),
                max_age=settings.REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        # Decided here, not in __call__: the URL has been resolved, and the middleware
        # above (sessions, the signed-in user) has read from the primary.
        if replica_allowed_for(request) and replica_usable():
            _reads_from_replica.set(True)
