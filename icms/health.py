"""Liveness of the portal's dependencies, as reported by ``/healthz``."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from icms.core import db_router


@dataclass(frozen=True)
class ComponentStatus:
    ok: bool
    detail: str
    latency_ms: float | None = None

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"ok": self.ok, "detail": self.detail}
        if self.latency_ms is not None:
            data["latency_ms"] = round(self.latency_ms, 2)
        return data


def check_database() -> ComponentStatus:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the detail says which
        return ComponentStatus(False, f"{type(exc).__name__}: {exc}".strip()[:200])
    return ComponentStatus(True, "ok", (time.perf_counter() - started) * 1000)


def check_replica() -> tuple[ComponentStatus, float | None] | None:
    """The read replica, when one is configured (``DATABASE_REPLICA_URL``): up, and how far behind.

    Not needed to serve: without it the public pages read from the primary
    (icms/core/db_router.py), so a replica that is down or behind only degrades.
    """
    if not db_router.replica_configured():
        return None
    started = time.perf_counter()
    try:
        lag = db_router.replica_lag()
    except Exception as exc:  # any failure means "down"; the detail says which
        return ComponentStatus(False, f"{type(exc).__name__}: {exc}".strip()[:200]), None
    latency = (time.perf_counter() - started) * 1000
    if lag is None:
        return ComponentStatus(False, "lag unknown: nothing replayed yet", latency), None
    if lag > settings.REPLICA_MAX_LAG_SECONDS:
        return ComponentStatus(False, f"{lag:.1f} s behind: reads go to the primary", latency), lag
    return ComponentStatus(True, f"{lag:.1f} s behind", latency), lag


def check_redis() -> ComponentStatus:
    started = time.perf_counter()
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        return ComponentStatus(False, f"{type(exc).__name__}: {exc}"[:200])
    finally:
        client.close()
    return ComponentStatus(True, "ok", (time.perf_counter() - started) * 1000)


def check_worker(database: ComponentStatus) -> tuple[ComponentStatus, datetime | None]:
    """The newest worker heartbeat, which beat schedules every 30 seconds."""
    if not database.ok:
        return ComponentStatus(False, "unknown: the database is down"), None
    from icms.core.models import WorkerHeartbeat

    last = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    if last is None:
        return ComponentStatus(False, "no heartbeat recorded yet"), None
    age = (timezone.now() - last).total_seconds()
    if age > settings.WORKER_HEARTBEAT_MAX_AGE:
        return ComponentStatus(False, f"last heartbeat {int(age)} s ago"), last
    return ComponentStatus(True, f"last heartbeat {int(age)} s ago"), last


def check_outbox(database: ComponentStatus) -> tuple[ComponentStatus, dict[str, int] | None]:
    """Failed work, and owed work more than ``OUTBOX_OVERDUE_AFTER`` seconds past due."""
    if not database.ok:
        return ComponentStatus(False, "unknown: the database is down"), None
    from icms.core.outbox import outbox_figures

    figures = outbox_figures()
    counts = {"failed": figures.failed, "overdue": figures.overdue}
    if figures.failed or figures.overdue:
        return ComponentStatus(False, f"{figures.failed} failed, {figures.overdue} overdue"), counts
    return ComponentStatus(True, "nothing failed or overdue"), counts


def check_fixity(database: ComponentStatus) -> ComponentStatus:
    """Stored documents found missing or altered by the fixity check and not yet resolved."""
    if not database.ok:
        return ComponentStatus(False, "unknown: the database is down")
    from icms.core.fixity import fixity_figures

    figures = fixity_figures()
    if figures.unresolved:
        return ComponentStatus(False, f"{figures.unresolved} stored documents missing or altered")
    if figures.last_cycle_completed_at is None:
        return ComponentStatus(True, "no finding; the first full cycle is not complete yet")
    completed = timezone.localtime(figures.last_cycle_completed_at).date().isoformat()
    return ComponentStatus(True, f"no finding; last full cycle completed {completed}")


def overall() -> tuple[bool, dict[str, object]]:
    """Whether the portal can serve (the HTTP status), and the report.

    The database, Redis and a live worker are needed to serve: without one the status is
    "unavailable" (503). Failed or overdue outbox work, and a stored document found
    missing or altered (fixity), need a person but do not stop the portal serving: the
    status is "degraded", still 200.
    """
    database = check_database()
    redis_status = check_redis()
    worker, last_beat = check_worker(database)
    outbox, outbox_counts = check_outbox(database)
    components = {"database": database, "redis": redis_status, "worker": worker, "outbox": outbox}
    # A missing or altered document needs a person, not a restart: degraded, never unavailable.
    components["fixity"] = check_fixity(database)
    replica = check_replica()
    if replica is not None:
        components["replica"] = replica[0]
    serving = database.ok and redis_status.ok and worker.ok
    status = ("ok" if all(c.ok for c in components.values()) else "degraded") if serving else "unavailable"
    body: dict[str, object] = {
        "status": status,
        "checked_at": timezone.localtime().isoformat(),
        "components": {name: c.as_dict() for name, c in components.items()},
        "last_worker_heartbeat": timezone.localtime(last_beat).isoformat() if last_beat else None,
        "outbox": outbox_counts,
    }
    if replica is not None:
        body["replica_lag_seconds"] = replica[1]
    return serving, body
