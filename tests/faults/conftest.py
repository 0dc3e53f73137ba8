"""Fixtures for the fault-injection tests: servers of their own to stop and start.

The shared PostgreSQL and Redis on 127.0.0.1 (ports 5432 and 6379) are never stopped or
reconfigured here. A test that takes a service away starts its own copy on a free port:

* ``private_redis``: a ``redis-server`` without persistence, for one test. ``.stop()``
  takes it away (connections are then refused), ``.start()`` brings it back, empty, on
  the same port.
* ``private_postgres``: a PostgreSQL 15 cluster for the test module, with ``.stop()``,
  ``.start()`` and ``.restart()``, ``.create_database()`` for a database in it and
  ``.copy_test_database()`` for a copy of pytest's test database.
* ``private_replica``: a streaming replica of ``private_postgres`` (``pg_basebackup -R``),
  another such cluster, for the read replica's tests.
* ``web_process``: a factory of real web processes of the portal (gunicorn) on this
  test's database; ``web_process(redis=private_redis)`` points its cache, its session
  cache and its Celery broker at the private Redis.

Every process started here writes to a log file (never a pipe, which a chatty process
could fill and block on) and is stopped at teardown, whatever the test did to it.
Tests that use a live process share its database, so they need
``@pytest.mark.django_db(transaction=True)``: rows must be committed to be seen.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.faults.processes import free_port, log_file, start_web, stop, tail

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait(condition: Callable[[], bool], *, seconds: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not so after {seconds:.0f} s\n{tail(log) if log else ''}")
        time.sleep(0.05)


# --- Redis -------------------------------------------------------------------------------


class PrivateRedis:
    """A ``redis-server`` of a test's own: no persistence, loopback only, a free port.

    ``url`` is its database 0. Stopping it refuses connections on its port (what a
    crashed Redis looks like to the portal); starting it again gives an empty server.
    """

    def __init__(self, directory: Path, port: int) -> None:
        self.directory = directory
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.log = directory / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def client(self) -> redis.Redis:
        """A client for the test's own look at the server (close it, or use it in ``with``)."""
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)

    def ping(self) -> bool:
        try:
            with self.client() as client:
                return bool(client.ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        """Start the server (again) on the same port; returns once it answers PING."""
        assert not self.running, "the private Redis is already running"
        redis_server = shutil.which("redis-server")
        if redis_server is None:
            pytest.skip("redis-server is not installed")
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [redis_server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--daemonize", "no", "--dir", str(self.directory)],
                cwd=self.directory, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        process = self.process
        _wait(
            lambda: self.ping() or process.poll() is not None, seconds=10, what="private Redis answers", log=self.log
        )
        assert process.poll() is None, f"redis-server exited with {process.returncode}\n{tail(self.log)}"

    def stop(self) -> None:
        """Shut the server down (SIGTERM: no save, it has none); returns once its port is closed."""
        if self.process is not None:
            stop(self.process, timeout=10)
            self.process = None
        _wait(lambda: not _port_open(self.port), seconds=10, what="private Redis port closed", log=self.log)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A running private Redis (see :class:`PrivateRedis`); stopped at teardown."""
    directory = tmp_path / "redis"
    directory.mkdir()
    server = PrivateRedis(directory, free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- PostgreSQL --------------------------------------------------------------------------


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and the server refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    """A PostgreSQL 15 cluster of a test module's own: trust authentication, superuser
    ``postgres``, fsync off, listening on 127.0.0.1 at a free port (and a socket in its
    directory, never in /var/run/postgresql)."""

    host = "127.0.0.1"
    user = "postgres"

    def __init__(self, directory: Path, port: int) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.port = port
        self.log = directory / "postgres.log"

    def url(self, dbname: str = "postgres") -> str:
        """A DATABASE_URL for ``dbname`` in this cluster."""
        return f"postgres://{self.user}@{self.host}:{self.port}/{dbname}"

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses={self.host} -c fsync=off"
        result = subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                          "-t", "60", *args]),
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise AssertionError(f"pg_ctl {' '.join(args)}: {result.stdout}{result.stderr}\n{tail(self.log)}")

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def start(self) -> None:
        """Start the cluster; returns once it accepts connections."""
        self._ctl("start")

    def stop(self, mode: str = "fast") -> None:
        """Stop it (``fast``: disconnect clients; ``immediate``: as if it crashed)."""
        self._ctl("stop", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        """Restart it: every client's connection is cut, and new ones succeed once this returns."""
        self._ctl("restart", "-m", mode)

    def execute(self, sql: str, dbname: str = "postgres") -> None:
        """Run one statement outside a transaction (CREATE DATABASE must be)."""
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user=self.user, dbname=dbname, autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str, *, template: str = "template0") -> str:
        """A new UTF-8 database in this cluster; returns its URL."""
        self.execute(f"CREATE DATABASE \"{name}\" TEMPLATE {template} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' "
                     f"LC_CTYPE 'C.UTF-8'")  # fmt: skip
        return self.url(name)

    def query(self, sql: str, dbname: str = "postgres") -> list[tuple[Any, ...]]:
        """The rows of one query (a new connection each time: the cluster may have restarted)."""
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user=self.user, dbname=dbname, autocommit=True) as conn:
            return conn.execute(sql).fetchall()

    def copy_test_database(self, name: str) -> str:
        """A copy of pytest's test database (its schema and committed rows) in this cluster; returns its URL."""
        from django.db import connection

        self.create_database(name)
        dump = subprocess.run(
            ["pg_dump", "--no-owner", "--no-privileges", "-d", connection.settings_dict["NAME"]],
            check=True, capture_output=True,
        ).stdout  # fmt: skip
        restore = subprocess.run(
            ["psql", "-h", self.host, "-p", str(self.port), "-U", self.user, "-q", "-v", "ON_ERROR_STOP=1", name],
            input=dump, capture_output=True,
        )  # fmt: skip
        # psql's own words, not only its exit status, when the copy fails.
        assert restore.returncode == 0, restore.stderr.decode(errors="replace")[-2000:]
        return self.url(name)

    def log_statements(self) -> None:
        """Log every statement from now on (``log_statement = all``): which server ran a query shows in its log."""
        self.execute("ALTER SYSTEM SET log_statement = 'all'")
        self.execute("SELECT pg_reload_conf()")


def _cluster_directory() -> Path:
    # Not pytest's tmp_path: its parents are private to root, and the server runs as postgres.
    directory = Path(tempfile.mkdtemp(prefix="icms-faults-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    return directory


@contextlib.contextmanager
def _cluster(directory: Path, create: list[str]) -> Iterator[PrivatePostgres]:
    """A cluster in ``directory`` made by the command ``create`` (run as postgres), started; removed after."""
    cluster = PrivatePostgres(directory, free_port())
    try:
        subprocess.run(_as_postgres(create), check=True, capture_output=True)
        cluster.start()
        yield cluster
    finally:
        if cluster.running:
            with contextlib.suppress(AssertionError):
                cluster.stop(mode="immediate")
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running private PostgreSQL cluster for the test module (see :class:`PrivatePostgres`).

    Tests may stop or restart it; whoever stops it should start it again. At the module's
    end it is stopped (immediately) and its directory removed.
    """
    if not (PG_BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15 server binaries are not installed")
    directory = _cluster_directory()
    with _cluster(directory, initdb_command(directory)) as cluster:
        yield cluster


def initdb_command(directory: Path) -> list[str]:
    """The command that makes a new cluster in ``directory / "data"`` (for ``_cluster``)."""
    return [str(PG_BIN / "initdb"), "-D", str(directory / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8"]  # fmt: skip


@pytest.fixture(scope="module")
def private_replica(private_postgres: PrivatePostgres) -> Iterator[PrivatePostgres]:
    """A streaming replica of ``private_postgres``: hot standby, read-only, on its own port.

    ``pg_basebackup -R`` copies the primary and writes its connection settings, so the
    copy starts as a standby that streams from it. initdb's defaults allow this as they
    are: ``wal_level = replica``, ten WAL senders, and pg_hba trusts replication from
    127.0.0.1. (Debian's ``pg_createcluster`` would do the same, but writes under /etc
    and /var/lib; the test's clusters live in a temporary directory only.)
    """
    directory = _cluster_directory()
    basebackup = [str(PG_BIN / "pg_basebackup"), "-h", private_postgres.host, "-p", str(private_postgres.port),
                  "-U", private_postgres.user, "-D", str(directory / "data"), "-R", "-X", "stream",
                  "--checkpoint=fast"]  # fmt: skip
    with _cluster(directory, basebackup) as replica:
        yield replica


# --- Web processes -----------------------------------------------------------------------


@dataclass
class WebProcess:
    """A live gunicorn server of the portal. ``url`` has no trailing slash."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    url: str = field(init=False)

    def __post_init__(self) -> None:
        self.url = f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        stop(self.process)


@pytest.fixture
def web_process(transactional_db: None) -> Iterator[Callable[..., WebProcess]]:
    """A factory of live web processes on pytest-django's test database; all stopped at teardown.

    ``web_process(redis=private_redis, workers=1, threads=4, **env)``: with ``redis``, the
    process's cache, session cache and Celery broker are that server (icms.settings.test
    reads TEST_REDIS_URL); without it, this run's test Redis database. ``env`` adds or
    overrides environment variables. It returns once the server answers ``/healthz``
    (which may be 503: the test runs no Celery worker). The log is ``.log``.
    """
    started: list[WebProcess] = []

    def start(*, redis: PrivateRedis | None = None, workers: int = 1, threads: int = 4, **env: str) -> WebProcess:
        if redis is not None:
            env = {"TEST_REDIS_URL": redis.url, "REDIS_URL": redis.url, "CELERY_BROKER_URL": redis.url, **env}
        port, log = free_port(), log_file("web")
        web = WebProcess(start_web(port, log=log, workers=workers, threads=threads, **env), port, log)
        started.append(web)
        return web

    yield start
    for web in started:
        web.stop()
