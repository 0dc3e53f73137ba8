"""Worker killed: a worker is SIGKILLed in the middle of 100 rendering tasks.

All 100 complete, exactly once: one acknowledgement PDF per submission on record, one
message, one email owed. The killed worker's rows come back through the outbox sweep
(their leases have run out); messages it had taken are sent again by the sweep.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from filing.models import AcknowledgementVersion, MessageItem
from filing.services import DocumentUpload, submission_create
from icms.core.models import OutboxItem
from icms.core.outbox import outbox_sweep
from tests.filing.conftest import document_type, pdf_file

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
TASKS = 100
State = OutboxItem.State


def _start_worker(log: Path) -> subprocess.Popen[bytes]:
    """A prefork worker (two children) on this run's queue and test database, in its own
    process group so that it can be killed whole."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "icms.settings.test",
        "DATABASE_URL": f"postgres:///{connection.settings_dict['NAME']}",
        "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "icms", "worker", "--pool", "prefork", "--concurrency", "2",
             "--loglevel", "INFO", "--without-mingle", "--without-gossip", "--without-heartbeat",
             "--queues", settings.CELERY_TASK_DEFAULT_QUEUE, "--hostname", f"faults-{time.monotonic_ns()}@%h"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _done() -> int:
    return OutboxItem.objects.filter(kind="filing.acknowledge", state=State.DONE).count()


def _wait_for(condition, *, seconds: float, process: subprocess.Popen[bytes], log: Path) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        assert process.poll() is None, log.read_text()[-4000:]
        time.sleep(0.2)
    return condition()


@pytest.fixture
def broker_dispatch():
    """Dispatches go to the broker (for the worker), not into this test's process."""
    from icms.celery import app

    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    app.connection_for_write().default_channel.client.delete(settings.CELERY_TASK_DEFAULT_QUEUE)
    yield
    app.conf.task_always_eager = eager


def test_a_worker_killed_mid_rendering_loses_nothing_and_repeats_nothing(firm_filer, broker_dispatch):
    defence = document_type("DCCJ", "defence")
    submissions = [
        submission_create(
            user=firm_filer, case=firm_filer.case, uploads=[DocumentUpload(defence, f"Defence {i}", pdf_file())]
        )
        for i in range(TASKS)
    ]
    # Owed and sent to the broker at each commit; no worker is running yet.
    assert OutboxItem.objects.filter(kind="filing.acknowledge", state=State.PENDING).count() == TASKS
    media = Path(settings.MEDIA_ROOT)
    before = set(media.rglob("acknowledgements/**/*.pdf")) if media.exists() else set()
    log = Path(tempfile.mkstemp(prefix="faults-worker-", suffix=".log")[1])
    worker = _start_worker(log)
    started = time.monotonic()
    try:
        assert _wait_for(lambda: _done() >= 30, seconds=120, process=worker, log=log), "no progress"
        running_at_kill = OutboxItem.objects.filter(kind="filing.acknowledge", state=State.RUNNING).count()
        done_at_kill = _done()
        _kill(worker)
        killed_at = time.monotonic()

        # Let the time pass that a real deployment waits: the dead worker's leases run out
        # (its time limit plus a margin) and the messages it had taken grow stale.
        aged = timezone.now() - timedelta(seconds=settings.OUTBOX_REDISPATCH_AFTER + 1)
        OutboxItem.objects.filter(state=State.RUNNING).update(lease_expires_at=aged)
        OutboxItem.objects.filter(state=State.PENDING).update(dispatched_at=aged)
        swept = outbox_sweep()
        worker = _start_worker(log)
        finished = _wait_for(lambda: _done() == TASKS, seconds=150, process=worker, log=log)
        recovered_in = time.monotonic() - killed_at
    finally:
        _kill(worker)

    states = dict(OutboxItem.objects.filter(kind="filing.acknowledge").values_list("state").annotate(n=Count("pk")))
    assert finished, f"not all done: {states}\n{log.read_text()[-4000:]}"
    # Exactly once: one acknowledgement PDF on record, one message, one email owed, per submission.
    versions = AcknowledgementVersion.objects.filter(submission__in=submissions)
    assert versions.count() == TASKS and not versions.filter(storage_key="").exists()
    keys = set(versions.values_list("storage_key", flat=True))
    assert len(keys) == TASKS and all((media / key).is_file() for key in keys)
    messages = MessageItem.objects.filter(submission__in=submissions, kind="acknowledgement")
    assert messages.count() == TASKS
    assert messages.values("submission").distinct().count() == TASKS
    emails = OutboxItem.objects.filter(kind="core.email", payload__to=firm_filer.email)
    assert emails.count() == TASKS
    after = set(media.rglob("acknowledgements/**/*.pdf"))
    orphans = len(after - before - {media / key for key in keys})
    attempts = sum(OutboxItem.objects.filter(kind="filing.acknowledge").values_list("attempts", flat=True))
    print(
        f"FIGURE worker killed: {TASKS} acknowledgements; SIGKILL after {done_at_kill} done with "
        f"{running_at_kill} running; sweep took back {swept.taken_back} and re-sent {swept.sent}; "
        f"all {TASKS} done {recovered_in:.1f} s after the kill ({time.monotonic() - started:.1f} s in all); "
        f"{len(keys)} PDFs on record, {messages.count()} messages, {emails.count()} emails owed, "
        f"{attempts} tries; unreferenced files left by the killed process: {orphans}"
    )
