"""The Celery wiring end to end: real Redis broker, real worker process, real database."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from icms.core.models import WorkerHeartbeat
from icms.core.tasks import heartbeat

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker_process():
    """A real ``celery worker`` process on this test run's own queue and test database."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "icms.settings.test",
        # The worker must write to the database this test reads: pytest-django's test database.
        "DATABASE_URL": f"postgres:///{connection.settings_dict['NAME']}"
        if not db.get("HOST")
        else f"postgres://{db['USER']}@{db['HOST']}:{db.get('PORT') or 5432}/{connection.settings_dict['NAME']}",
        "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "icms",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-mingle",
            "--without-gossip",
            "--queues",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "--hostname",
            "pytest-worker@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def test_heartbeat_task_runs_in_a_real_worker(celery_worker_process):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    heartbeat.apply_async(queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    deadline = time.monotonic() + 45
    beat = None
    while time.monotonic() < deadline and beat is None:
        assert celery_worker_process.poll() is None, celery_worker_process.stdout.read()
        beat = WorkerHeartbeat.objects.first()
        time.sleep(0.2)
    assert beat is not None, "the worker did not record a heartbeat within 45 s"
    assert beat.beats == 1

    heartbeat.apply_async(queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        beat.refresh_from_db()
        if beat.beats == 2:
            break
        time.sleep(0.2)
    assert beat.beats == 2
