"""Postgres restarted: PostgreSQL restarts while workers run. They reconnect, and nothing is lost.

The test runs its own PostgreSQL cluster on a spare port (a copy of the test database),
so that it can restart it without touching the shared one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.faults.conftest import PrivatePostgres

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
FILINGS = 40
DB = "icms_faults"


def _query(cluster: PrivatePostgres, sql: str) -> list[tuple[Any, ...]]:
    return cluster.query(sql, DB)


def _env(cluster: PrivatePostgres) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "icms.settings.test",
        "DATABASE_URL": cluster.url(DB),
        "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_CONNECT_TIMEOUT": "2",
    }


FILE_THEM = f"""
from filing.services import DocumentUpload, NewCase, NewParty, submission_create
from tests.factories import UserFactory
from tests.filing.conftest import document_type, pdf_file
writ = document_type("DCCJ", "writ")
filer = UserFactory(email="pg-restart@example.hk")
for i in range({FILINGS}):
    submission_create(
        user=filer,
        new_case=NewCase(case_type=writ.case_type, applicants=[NewParty(name_en=f"CHAN Tai Man {{i}}")],
                         respondents=[NewParty(name_en="GOLDEN HARBOUR LIMITED", kind="company")]),
        uploads=[DocumentUpload(writ, "Writ of summons", pdf_file())],
    )
"""

SWEEP_AS_IF_LATER = """
from datetime import timedelta
from django.conf import settings
from django.utils import timezone
from icms.core.models import OutboxItem
from icms.core.outbox import outbox_sweep
aged = timezone.now() - timedelta(seconds=settings.OUTBOX_REDISPATCH_AFTER + 1)
OutboxItem.objects.filter(state="running").update(lease_expires_at=aged)
OutboxItem.objects.filter(state="pending").update(dispatched_at=aged)
print(outbox_sweep())
"""
# Beat's later sweeps, for work still pending after the first: retried after a transient
# error while a worker reconnected (its backoff has passed), or sent to a worker whose task
# failed before it could claim the row (resent after OUTBOX_REDISPATCH_AFTER). Leases of
# running work are left alone, so nothing running is taken back; a row sent twice is run
# once (the claim is a conditional update).
SWEEP_RETRIES_AS_IF_LATER = """
from datetime import timedelta
from django.conf import settings
from django.utils import timezone
from icms.core.models import OutboxItem
from icms.core.outbox import outbox_sweep
now = timezone.now()
aged = now - timedelta(seconds=settings.OUTBOX_REDISPATCH_AFTER + 1)
OutboxItem.objects.filter(state="pending").update(next_attempt_at=now, dispatched_at=aged)
print(outbox_sweep())
"""


def _manage_shell(cluster: PrivatePostgres, code: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=_env(cluster),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


def _acknowledged(cluster: PrivatePostgres) -> int:
    rows = _query(cluster, "SELECT count(*) FROM core_outboxitem WHERE kind = 'filing.acknowledge' AND state = 'done'")
    return int(rows[0][0])


def test_workers_reconnect_after_postgres_restarts_and_nothing_is_lost(private_postgres):
    from icms.celery import app

    private_postgres.copy_test_database(DB)
    app.connection_for_write().default_channel.client.delete(settings.CELERY_TASK_DEFAULT_QUEUE)
    _manage_shell(private_postgres, FILE_THEM)  # each commit sends its acknowledgement to the broker
    log = Path(tempfile.mkstemp(prefix="faults-pg-worker-", suffix=".log")[1])
    with log.open("ab") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "icms", "worker", "--pool", "prefork", "--concurrency", "2",
             "--loglevel", "INFO", "--without-mingle", "--without-gossip", "--without-heartbeat",
             "--queues", settings.CELERY_TASK_DEFAULT_QUEUE, "--hostname", f"faults-pg-{time.monotonic_ns()}@%h"],
            cwd=ROOT, env=_env(private_postgres), stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while _acknowledged(private_postgres) < 10 and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()[-4000:]
            time.sleep(0.2)
        done_at_restart = _acknowledged(private_postgres)
        restarted = time.monotonic()
        private_postgres.restart(mode="immediate")  # every connection is cut mid-work
        outage = time.monotonic() - restarted
        # Beat's sweep, once the leases of work cut off by the restart have run out.
        sweep = _manage_shell(private_postgres, SWEEP_AS_IF_LATER).strip()
        deadline = time.monotonic() + 120
        next_sweep = time.monotonic() + 10
        while _acknowledged(private_postgres) < FILINGS and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()[-4000:]
            if time.monotonic() > next_sweep:  # beat sweeps every 30 s; the test, every 10
                _manage_shell(private_postgres, SWEEP_RETRIES_AS_IF_LATER)
                next_sweep = time.monotonic() + 10
            time.sleep(0.3)
        recovered_in = time.monotonic() - restarted
        assert worker.poll() is None, "the worker died with the database"
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)

    states = _query(
        private_postgres,
        "SELECT state, count(*) FROM core_outboxitem WHERE kind = 'filing.acknowledge' GROUP BY state",
    )
    assert dict(states) == {"done": FILINGS}, log.read_text()[-4000:]  # type: ignore[arg-type]
    (versions, unsent, distinct), *_ = _query(
        private_postgres,
        "SELECT count(*), count(*) FILTER (WHERE storage_key = ''), count(DISTINCT submission_id)"
        " FROM filing_acknowledgementversion",
    )
    (messages,), *_ = _query(
        private_postgres, "SELECT count(*) FROM filing_messageitem WHERE kind = 'acknowledgement'"
    )
    (tries,), *_ = _query(
        private_postgres, "SELECT sum(attempts) FROM core_outboxitem WHERE kind = 'filing.acknowledge'"
    )
    assert (versions, unsent, distinct, messages) == (FILINGS, 0, FILINGS, FILINGS)
    print(
        f"FIGURE postgres restarted: {FILINGS} acknowledgements; immediate restart after {done_at_restart} done "
        f"(down {outage:.1f} s); sweep {sweep}; all {FILINGS} done {recovered_in:.1f} s after the restart, "
        f"{tries} tries; {versions} PDFs on record, {messages} messages; the worker never restarted"
    )
