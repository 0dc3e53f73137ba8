"""The Celery wiring end to end: real Redis broker, real worker process, real database."""

import time
from pathlib import Path

import pytest
from django.conf import settings

from icms.core.models import WorkerHeartbeat
from icms.core.tasks import heartbeat

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_heartbeat_task_runs_in_a_real_worker(celery_worker_process):
    from icms.celery import app

    assert not app.conf.task_always_eager
    heartbeat.apply_async(queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    deadline = time.monotonic() + 45
    beat = None
    while time.monotonic() < deadline and beat is None:
        assert celery_worker_process.poll() is None, Path(celery_worker_process.log_path).read_text()
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
