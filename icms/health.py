"""Liveness of the portal's dependencies, as reported by ``/healthz``."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone


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


def overall() -> tuple[bool, dict[str, object]]:
    database = check_database()
    redis_status = check_redis()
    worker, last_beat = check_worker(database)
    components = {"database": database, "redis": redis_status, "worker": worker}
    healthy = all(c.ok for c in components.values())
    body: dict[str, object] = {
        "status": "ok" if healthy else "unavailable",
        "checked_at": timezone.localtime().isoformat(),
        "components": {name: c.as_dict() for name, c in components.items()},
        "last_worker_heartbeat": timezone.localtime(last_beat).isoformat() if last_beat else None,
    }
    return healthy, body
