"""Migrations are a release step: a web process never migrates, and refuses an unmigrated schema.

A real gunicorn is started against a database with every migration pending: it exits,
naming the pending migrations and the release step, without touching the schema. After
``manage.py migrate`` (the release step) it starts and serves.
"""

from __future__ import annotations

import subprocess
import sys
import uuid

import psycopg
import pytest

from tests.faults.processes import ROOT, free_port, log_file, portal_env, start_web, stop, tail

pytestmark = pytest.mark.faults


@pytest.fixture
def empty_database():
    name = f"icms_release_{uuid.uuid4().hex[:8]}"
    with psycopg.connect("dbname=postgres", autocommit=True) as admin:
        admin.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING UTF8 LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8'"
        )
    yield name
    with psycopg.connect("dbname=postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _tables(name: str) -> int:
    with psycopg.connect(f"dbname={name}") as connection:
        row = connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        return int(row[0]) if row else 0


def test_the_web_process_refuses_pending_migrations_and_starts_after_the_release_step(empty_database):
    url = f"postgres:///{empty_database}"
    log = log_file("release-web")
    with pytest.raises(AssertionError) as refused:
        process = start_web(free_port(), log=log, workers=1, threads=1, DATABASE_URL=url)
        stop(process)  # not reached when it refuses, as it must
    output = tail(log, 20000)
    assert "unapplied migration(s)" in output, output
    assert "python manage.py migrate" in output and "contenttypes.0001_initial" in output
    assert "exited" in str(refused.value) or "Worker failed to boot" in output
    assert _tables(empty_database) == 0  # the web process migrated nothing

    release = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=portal_env(DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert release.returncode == 0, release.stdout + release.stderr
    served = start_web(free_port(), log=log_file("release-web-2"), workers=1, threads=1, DATABASE_URL=url)
    stop(served)
