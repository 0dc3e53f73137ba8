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
from typing import Any

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


def tls_certificate(directory: Path, host: str = "localhost") -> tuple[Path, Path]:
    """A self-signed certificate for ``host`` (and 127.0.0.1), valid for a day: ``(cert.pem, key.pem)``
    in ``directory``. The certificate is its own CA, so a client given it as its CA file
    verifies the server as it would a real one.

    ``host`` is a name, not an address: pgBackRest (2.45) matches only the DNS names of a
    certificate, never its IP addresses.
    """
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(host), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert, private = directory / "cert.pem", directory / "key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    private.chmod(0o600)
    return cert, private


def _ipv6_loopback_free(port: int) -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", port))
    except OSError:
        return False
    return True


def s3_app() -> Any:
    """moto's S3 API as a WSGI application (what ``moto_server`` serves), for gunicorn."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


def start_s3_server(port: int, *, log: Path, tls: tuple[Path, Path] | None = None) -> subprocess.Popen[bytes]:
    """moto's S3 API server (in memory) on ``port``, accepting connections when this returns.

    With ``tls`` (a certificate and its key, as :func:`tls_certificate` makes) it speaks
    HTTPS only, as pgBackRest requires of S3, and is served by gunicorn's threaded worker
    rather than ``moto_server --ssl``: werkzeug's server closes every connection after one
    response (``Connection: close``) without a TLS close_notify, which pgBackRest (on
    OpenSSL 3) takes for "unexpected eof while reading" and retries until it gives up.
    gunicorn keeps connections alive, as S3 does.
    """
    argv = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    if tls is not None:
        argv = [sys.executable, "-m", "gunicorn", "tests.faults.processes:s3_app()", "--bind", f"127.0.0.1:{port}",
                "--worker-class", "gthread", "--workers", "1", "--threads", "8", "--keep-alive", "60",
                "--certfile", str(tls[0]), "--keyfile", str(tls[1]), "--no-control-socket"]  # fmt: skip
        # The certificate's name is localhost, which may resolve to ::1 first; pgBackRest 2.45 tries
        # only the first address, so listen there too where the machine has it.
        if _ipv6_loopback_free(port):
            argv += ["--bind", f"[::1]:{port}"]
    process = start(argv, log=log)
    try:
        wait_until(
            # Over TLS, a connection accepted is enough: urllib would need the certificate too.
            (lambda: accepts_connections(port)) if tls else (lambda: answers_http(f"http://127.0.0.1:{port}/")),
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
