"""A worker process's memory over many acknowledgements (issue 16, part 7).

    .venv/bin/python bench/worker_memory.py [--mode worker|in-process] [--acknowledgements 200]
        [--database icms_bench_worker_memory] [--broker-url redis://127.0.0.1:6379/0]
        [--cache-url URL] [--storage filesystem|s3] [--all-queues] [--app icms]

``--mode worker`` (the default) starts a real Celery worker of the portal's app as
``scripts/serve.sh`` starts its rendering worker: prefork, ``--concurrency 1``, on a
rendering queue of its own (``CELERY_RENDERING_QUEUE``), with the recycling that would
hide growth turned off (``CELERY_WORKER_MAX_MEMORY_KIB=0``, no ``--max-tasks-per-child``).
The bench then files submissions through ``submission_create`` (a one-page writ each),
whose ``filing.acknowledge`` outbox items are dispatched after commit exactly as in
production (``icms.core.outbox.dispatch._send``: ``outbox_run.apply_async`` to the
rendering queue). It files in batches up to 1, 5, 10, 20, 50, 100 and 200, waits until
the database says that many items are done, lets the child settle, and reads the
resident memory (``/proc/PID/status``) of the worker's one CHILD process, the one that
ran them. The child's pid is checked at each point: ``child_replaced`` says if it changed.

* ``--storage s3``: documents go to a local S3 server (moto's, as ``make serve``), so
  boto3 and django-storages run in the worker as in production.
* ``--all-queues``: the worker takes the e-mails too, as ``make run``'s one worker does.
* ``--app``: the worker's ``-A``, ``bench.worker_memory_app`` (the portal's app with the
  bench's default queue); a module that imports that app and connects signals
  (``tracemalloc`` snapshots after ``task_postrun``) diagnoses a growth.
* ``DJANGO_DEBUG=true`` in the environment: with the query log, as in development.
* ``--mode in-process`` runs the items in this one process through ``outbox_run.apply``
  (Celery's tracer, the task, WeasyPrint, storage, the message box), as before.

Prints JSON: VmRSS (and its anonymous and file-backed parts) before and after each
point, and the ratio of after 200 to after 20 (the target: at most 1.10). Settings are
production's (DEBUG off), e-mail goes nowhere (``dummymail://``), documents go to a
temporary ``MEDIA_ROOT``, and the default queue (the e-mails and other work) is one of
the bench's own, deleted at the end with the rendering queue. The database is made and
migrated on the first run, as bench/documents.py does.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# 1, 5 and 10 show the warm-up (the first renders load fonts and caches); the target compares 200 with 20.
CHECKPOINTS = (1, 5, 10, 20, 50, 100, 200)
RENDERING_QUEUE = "bench-worker-memory-rendering"
DEFAULT_QUEUE = "bench-worker-memory-default"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("worker", "in-process"), default="worker")
    parser.add_argument("--acknowledgements", type=int, default=200)
    parser.add_argument("--database", default="icms_bench_worker_memory")
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/0", help="the worker's Redis (queues)")
    parser.add_argument("--cache-url", default=None, help="the cache's Redis (default: the broker's)")
    parser.add_argument(
        "--storage", choices=("filesystem", "s3"), default="filesystem", help="s3: a local moto server, as make serve"
    )
    parser.add_argument(
        "--all-queues", action="store_true", help="the worker takes the e-mails too, as make run's one worker does"
    )
    parser.add_argument(
        "--app", default="bench.worker_memory_app", help="the worker's -A (a wrapper of it adds tracing, to diagnose)"
    )
    parser.add_argument("--settle-seconds", type=float, default=1.0, help="idle time before each reading")
    return parser.parse_args()


ARGS = arguments()
MEDIA = tempfile.mkdtemp(prefix="bench-worker-memory-")
# The same environment for this process (which files and dispatches) and the worker.
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "icms.settings.base",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "false"),
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "testserver",
        "EMAIL_URL": "dummymail://",
        "DATABASE_URL": f"postgres:///{ARGS.database}",
        "REDIS_URL": ARGS.cache_url or ARGS.broker_url,
        "CELERY_BROKER_URL": ARGS.broker_url,
        "CACHE_KEY_PREFIX": "icms-bench-worker-memory",
        "CELERY_RENDERING_QUEUE": RENDERING_QUEUE,
        "BENCH_WORKER_MEMORY_DEFAULT_QUEUE": DEFAULT_QUEUE,  # read by bench/worker_memory_app.py
        # Recycling off: a child replaced for its size would hide the growth measured here.
        "CELERY_WORKER_MAX_MEMORY_KIB": "0",
        "MEDIA_ROOT": MEDIA,
    }
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


S3_PORT = free_port()
if ARGS.storage == "s3":
    # Production keeps documents in S3: django-storages and boto3 in the worker, as `make serve` runs them.
    os.environ.update(
        {
            "AWS_STORAGE_BUCKET_NAME": "icms-bench-worker-memory",
            "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{S3_PORT}",
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
        }
    )

import django  # noqa: E402

django.setup()


def status_kib(pid: int | str = "self") -> dict[str, int]:
    """The memory lines of ``/proc/PID/status`` (KiB): VmRSS, RssAnon, RssFile, VmHWM."""
    figures = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
                figures[name] = int(value.split()[0])
    return figures


def mib(kib: int) -> float:
    return round(kib / 1024, 1)


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    # The parent pid is the second field after the parenthesised command.
                    if int(stat.read().rpartition(")")[2].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError):
                continue
    return sorted(found)


def database_ready() -> None:
    from django.conf import settings
    from django.core.management import call_command

    name = settings.DATABASES["default"]["NAME"]
    made = subprocess.run(["createdb", "-E", "UTF8", "--locale=C.UTF-8", "-T", "template0", name], capture_output=True)
    if made.returncode != 0 and b"already exists" not in made.stderr:
        raise SystemExit(f"createdb {name}: {made.stderr.decode()}")
    call_command("migrate", verbosity=0)


def filer() -> Callable[[int], int]:
    """A function that files submission ``number`` and returns its acknowledgement's outbox item."""
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from filing.models import CaseType, DocumentType
    from filing.services import DocumentUpload, NewCase, NewParty, submission_create
    from icms.core.models import OutboxItem
    from tests.filing.pdf_corpus import good_pdf

    email = "bench-worker-memory@example.hk"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, first_name="Tai Man", last_name="CHAN")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    case_type = CaseType.objects.get(prefix="DCCJ")
    writ = DocumentType.objects.get(case_type=case_type, code="writ")
    pdf = good_pdf(1)

    def file(number: int) -> int:
        submission = submission_create(
            user=user,
            uploads=[DocumentUpload(writ, f"Writ of summons {number}", BytesIO(pdf), filename="writ.pdf")],
            new_case=NewCase(
                case_type=case_type,
                nature_en="Money claim",
                amount_claimed=Decimal("250000.00"),
                applicants=[NewParty(name_en=f"CLAIMANT {number}", address_for_service="1 Queen's Road Central")],
                respondents=[NewParty(name_en="GOLDEN HARBOUR LIMITED", kind="company")],
            ),
        )
        item: int = OutboxItem.objects.get(kind="filing.acknowledge", target_id=str(submission.pk)).pk
        return item

    return file


def checkpoints(total: int) -> list[int]:
    return [c for c in CHECKPOINTS if c <= total] or [total]


def summary(figures: dict[str, float], total: int) -> dict[str, Any]:
    last = checkpoints(total)[-1]
    if last <= 20:
        return {}
    ratio = figures[f"after_{last}"] / figures["after_20"]
    return {f"ratio_{last}_to_20": round(ratio, 3), "target_within_10_percent": ratio <= 1.10}


def in_process(total: int) -> dict[str, Any]:
    """Every item run in this process by ``outbox_run.apply``, one after another."""
    from icms.core.outbox.dispatch import outbox_run

    file = filer()
    began = time.monotonic()
    items = [file(number) for number in range(total)]
    filed_seconds = time.monotonic() - began
    figures = {"before": mib(status_kib()["VmRSS"])}
    outcomes: dict[str, int] = {}
    began = time.monotonic()
    for done, item_id in enumerate(items, start=1):
        outcome = outbox_run.apply((item_id,)).get()
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if done in checkpoints(total):
            figures[f"after_{done}"] = mib(status_kib()["VmRSS"])
    return {
        "mode": "in-process",
        "acknowledgements": total,
        "outcomes": outcomes,
        "rss_mib": figures,
        **summary(figures, total),
        "filed_seconds": round(filed_seconds, 1),
        "rendered_seconds": round(time.monotonic() - began, 1),
    }


def queues_clear() -> None:
    import redis

    queues = (RENDERING_QUEUE, DEFAULT_QUEUE)
    bindings = [f"_kombu.{kind}.{queue}" for queue in queues for kind in ("binding", "binding_permanent")]
    redis.Redis.from_url(ARGS.broker_url).delete(*queues, *bindings)


def worker_start(log: Path) -> subprocess.Popen[bytes]:
    command = [
        str(ROOT / ".venv" / "bin" / "celery"),
        "-A",
        ARGS.app,
        "worker",
        "--queues",
        f"{RENDERING_QUEUE},{DEFAULT_QUEUE}" if ARGS.all_queues else RENDERING_QUEUE,
        "--hostname",
        f"bench-worker-memory-{os.getpid()}@%h",
        "--concurrency",
        "1",
        "--pool",
        "prefork",
        "--loglevel",
        "INFO",
    ]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def worker_child(worker: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> int:
    """The pool's one child, once the worker says it is ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit(f"The worker exited ({worker.returncode}):\n{log.read_text()[-3000:]}")
        pool = children(worker.pid)
        if len(pool) == 1 and b" ready." in log.read_bytes():
            return pool[0]
        time.sleep(0.2)
    raise SystemExit(f"The worker was not ready in {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def worker_stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)  # a warm shutdown: it is idle by now
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def done_wait(items: list[int], worker: subprocess.Popen[bytes], log: Path, timeout: float = 900) -> None:
    from icms.core.models import OutboxItem

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = dict(
            OutboxItem.objects.filter(pk__in=items)
            .values("state")
            .annotate(n=django.db.models.Count("pk"))
            .values_list("state", "n")
        )
        if states.get(OutboxItem.State.DONE, 0) == len(items):
            return
        if states.get(OutboxItem.State.FAILED) or worker.poll() is not None:
            raise SystemExit(f"Work failed or the worker exited: {states}\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    raise SystemExit(f"The acknowledgements were not done in {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def real_worker(total: int) -> dict[str, Any]:
    """A real prefork worker's child, read after 20, 50, 100 and 200 acknowledgements."""
    file = filer()
    log = Path(MEDIA) / "worker.log"
    worker = worker_start(log)
    try:
        child = worker_child(worker, log)
        time.sleep(ARGS.settle_seconds)
        memory = {"before": status_kib(child)}
        pids = {"before": child}
        items: list[int] = []
        began = time.monotonic()
        for point in checkpoints(total):
            items += [file(number) for number in range(len(items), point)]
            done_wait(items, worker, log)
            time.sleep(ARGS.settle_seconds)  # the child has acknowledged the message and is idle
            pids[f"after_{point}"] = (children(worker.pid) or [0])[0]
            memory[f"after_{point}"] = status_kib(child)
        seconds = time.monotonic() - began
    finally:
        worker_stop(worker)
    figures = {name: mib(kib["VmRSS"]) for name, kib in memory.items()}
    return {
        "mode": "worker",
        "acknowledgements": total,
        "child_pid": child,
        "child_replaced": any(pid != child for pid in pids.values()),
        "rss_mib": figures,
        **summary(figures, total),
        "rss_anon_mib": {name: mib(kib["RssAnon"]) for name, kib in memory.items()},
        "rss_file_mib": {name: mib(kib["RssFile"]) for name, kib in memory.items()},
        "peak_rss_mib": mib(memory[f"after_{checkpoints(total)[-1]}"]["VmHWM"]),
        "seconds": round(seconds, 1),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def s3_start() -> subprocess.Popen[bytes] | None:
    """A local S3 server (moto's, as `make serve` uses) with the bucket made by ``storage_setup``."""
    if ARGS.storage != "s3":
        return None
    from icms.core.storage_setup import storage_setup

    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(S3_PORT)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", S3_PORT), 1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                raise SystemExit("The local S3 server did not start.") from None
            time.sleep(0.2)
    report = storage_setup()
    if not report.ok:
        server.kill()
        raise SystemExit(f"storage_setup: {report.problems}")
    return server


def main() -> None:
    from icms.core.outbox.dispatch import outbox_run

    # Other work the filings owe (the e-mails) goes to a queue that nobody here consumes.
    outbox_run.app.conf.task_default_queue = DEFAULT_QUEUE
    queues_clear()
    s3 = s3_start()
    try:
        database_ready()
        run = real_worker if ARGS.mode == "worker" else in_process
        figures = run(ARGS.acknowledgements)
        print(json.dumps({"storage": ARGS.storage, "all_queues": ARGS.all_queues, **figures}, indent=2))
    finally:
        if s3 is not None:
            s3.terminate()
            s3.wait()
        queues_clear()
        shutil.rmtree(MEDIA, ignore_errors=True)


if __name__ == "__main__":
    main()
