"""Real processes for the fault-injection tests: web servers, an S3 server, a TCP forwarder.

Each process runs in its own session (so that it is stopped whole, with its children),
writes to a log file rather than a pipe (a chatty process must never block on a full
pipe), and is stopped by the test that started it, by its own process group id.

``python -m tests.faults.processes forward LISTEN_PORT TARGET_PORT`` is the forwarder:
a stand-in for the network between the portal and a service, which a test kills to make
that service unreachable (connections refused) while the service itself keeps its state.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


# Ports for the servers the tests start: each pytest-xdist worker takes them from a band of its
# own below the kernel's ephemeral range (32768-60999), so a port one worker found free is never
# handed to another worker's server, or to an outgoing connection, before its own server binds it.
_PORT_BAND = 1000
_PORT_BASE = 20000 + _PORT_BAND * (int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0) % 12)
# From a random place in the band: two runs side by side (two people's) seldom meet.
_start = random.randrange(_PORT_BAND)
_next_ports = itertools.cycle(
    [*range(_PORT_BASE + _start, _PORT_BASE + _PORT_BAND), *range(_PORT_BASE, _PORT_BASE + _start)]
)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on, from this worker's band; not the same one
    twice in a row (the band is walked round)."""
    for _ in range(_PORT_BAND):
        port = next(_next_ports)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port in {_PORT_BASE}-{_PORT_BASE + _PORT_BAND - 1}")


def log_file(prefix: str) -> Path:
    handle, name = tempfile.mkstemp(prefix=f"faults-{prefix}-", suffix=".log")
    os.close(handle)
    return Path(name)


def tail(log: Path, size: int = 4000) -> str:
    try:
        return log.read_text(errors="replace")[-size:]
    except OSError:
        return ""


def database_url() -> str:
    """The URL of pytest-django's test database, for a process that must share it."""
    from django.db import connection

    db = connection.settings_dict
    if not db.get("HOST"):
        return f"postgres:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db.get('PORT') or 5432}/{db['NAME']}"


def portal_env(**extra: str) -> dict[str, str]:
    """The environment of a portal process on this test's database and Redis database.

    Outbox work goes to the broker (CELERY_TASK_ALWAYS_EAGER=false); with no worker it
    stays pending in the outbox, owed.
    """
    from django.conf import settings

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "icms.settings.test",
        "DATABASE_URL": database_url(),
        "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **extra,
    }


def start(argv: list[str], *, log: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            argv,
            cwd=ROOT,
            env=dict(env if env is not None else os.environ),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes], *, timeout: float = 15, kill: bool = False) -> None:
    """SIGTERM (or SIGKILL) to the process's own group, then SIGKILL if it lingers."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_until(
    condition: Callable[[], bool], *, seconds: float, process: subprocess.Popen[bytes], log: Path, what: str
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what}: the process exited with {process.returncode}\n{tail(log)}")
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what}: not ready after {seconds:.0f} s\n{tail(log)}")


def answers_http(url: str) -> bool:
    """Any HTTP answer, an error status included, means the server is up."""
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - a loopback URL the test made
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, urllib.error.URLError):
        return False


def accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def start_web(port: int, *, log: Path, workers: int = 2, threads: int = 4, **env: str) -> subprocess.Popen[bytes]:
    """A gunicorn server of the portal on ``port``, answering ``/healthz`` when this returns.

    /healthz may answer 503 (no worker heartbeat); any answer means the server is up.
    """
    process = start(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "icms.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "120",
            "--graceful-timeout",
            "10",
            "--access-logfile",
            "-",
        ],
        log=log,
        env=portal_env(**env),
    )
    try:
        wait_until(
            lambda: answers_http(f"http://127.0.0.1:{port}/healthz"),
            seconds=60,
            process=process,
            log=log,
            what=f"web server on port {port}",
        )
    except BaseException:
        stop(process)
        raise
    return process


def start_s3_server(port: int, *, log: Path) -> subprocess.Popen[bytes]:
    """moto's S3 API server (in memory) on ``port``, accepting connections when this returns."""
    process = start([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], log=log)
    try:
        wait_until(
            lambda: answers_http(f"http://127.0.0.1:{port}/"),
            seconds=30,
            process=process,
            log=log,
            what=f"S3 server on port {port}",
        )
    except BaseException:
        stop(process)
        raise
    return process


def start_forwarder(listen: int, target: int, *, log: Path) -> subprocess.Popen[bytes]:
    """A TCP forwarder from ``listen`` to ``target``, accepting connections when this returns."""
    process = start(
        [sys.executable, "-m", "tests.faults.processes", "forward", str(listen), str(target)],
        log=log,
    )
    try:
        wait_until(
            lambda: accepts_connections(listen),
            seconds=15,
            process=process,
            log=log,
            what=f"forwarder {listen}->{target}",
        )
    except BaseException:
        stop(process)
        raise
    return process


# --- The forwarder's own process -------------------------------------------------------


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


def _serve_forwarding(listen: int, target: int) -> None:
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen))
    server.listen(64)
    while True:
        client, _ = server.accept()
        try:
            upstream = socket.create_connection(("127.0.0.1", target), timeout=10)
        except OSError:
            client.close()
            continue
        upstream.settimeout(None)
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "forward":
        _serve_forwarding(int(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit("usage: python -m tests.faults.processes forward LISTEN_PORT TARGET_PORT")
