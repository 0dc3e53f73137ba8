import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from icms.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def _fresh_heartbeat(age_seconds: float = 0) -> None:
    WorkerHeartbeat.objects.create(hostname="worker@test", beat_at=timezone.now() - timedelta(seconds=age_seconds))


def test_all_well_is_200_with_each_component(client):
    _fresh_heartbeat()
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: c["ok"] for name, c in body["components"].items()} == {
        "database": True,
        "redis": True,
        "worker": True,
        "outbox": True,
        "fixity": True,
    }
    assert body["last_worker_heartbeat"].endswith("+08:00")
    assert response["Cache-Control"].startswith("max-age=0")


def test_no_heartbeat_yet_is_503(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["components"]["worker"] == {
        "ok": False,
        "detail": "no heartbeat recorded yet",
    }


def test_stale_heartbeat_is_503(client, settings):
    _fresh_heartbeat(age_seconds=settings.WORKER_HEARTBEAT_MAX_AGE + 5)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["components"]["worker"]["ok"] is False


def test_redis_refusing_connections_is_503_within_a_second(client, settings):
    _fresh_heartbeat()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    assert time.monotonic() - started < 1.0
    assert response.status_code == 503
    body = response.json()
    assert body["components"]["redis"]["ok"] is False
    assert body["components"]["database"]["ok"] is True


def test_redis_that_hangs_is_503_within_a_second(client, settings):
    """A Redis that accepts the connection but never answers (a frozen server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    _fresh_heartbeat()
    settings.REDIS_URL = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    try:
        started = time.monotonic()
        response = client.get(reverse("healthz"))
        assert time.monotonic() - started < 1.0
    finally:
        listener.close()
    assert response.status_code == 503
    assert response.json()["components"]["redis"]["ok"] is False


def test_database_down_is_503():
    """A separate process whose DATABASE_URL points where no PostgreSQL listens."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "icms.settings.test",
        "DATABASE_URL": "postgres://127.0.0.1:1/nowhere",
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == 503
    assert result["body"]["components"]["database"]["ok"] is False
    assert result["body"]["components"]["worker"]["detail"] == "unknown: the database is down"


def test_only_get_is_allowed(client):
    assert client.post(reverse("healthz")).status_code == 405
