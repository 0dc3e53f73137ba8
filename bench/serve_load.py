"""Load test of the portal as deployed on one host (`make serve`): 200 concurrent filings and
their acceptance, through to every acknowledgement and sealed copy made by the workers.

    .venv/bin/python bench/serve_load.py [--filings 200] [--filers 25] [--port 8200]

Starts ``scripts/serve.sh`` (gunicorn with 4 workers x 4 threads, a Celery worker on the
default queue and one on the rendering queue, beat, whitenoise, S3 on a local S3 server,
DEBUG off) on a database and port of its own, then:

1. ``--filers`` parties in person sign in over HTTP and file ``--filings`` new DCCJ and
   DCPI cases with a writ, all at once (form, POST with the PDF, acknowledgement page);
2. registry clerks accept all of them at once (16 threads, through ``filing_accept``: the
   staff site needs a second factor, and the decision is the same service);
3. the workers render every acknowledgement and seal every writ, into S3.

Acceptance waits for a filing's deemed time (docs/calendar.md): outside registry hours
this process's clock is moved past the latest deemed time for the decisions (time-machine,
in this process only), as the registry would decide them at the next opening.

Prints throughput and latency percentiles for each phase, and checks that nothing is
lost: every filing has its submission, its document intact in S3, one distinct case
number, its acknowledgement and its sealed copy. Exits 1 if anything is missing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def start_portal(port: int, database: str) -> tuple[subprocess.Popen[bytes], Path]:
    env_file = ROOT / "var" / "run" / f"serve-{port}.env"
    env_file.unlink(missing_ok=True)
    log = ROOT / "var" / "log" / f"serve-load-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    environment = {
        **os.environ,
        "SERVE_PORT": str(port),
        "SERVE_DATABASE": database,
        "SERVE_S3_PORT": str(port + 1),
        "SERVE_DEMO_DATA": "0",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["bash", "scripts/serve.sh"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 300
    while not env_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"make serve did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)
    return process, env_file


def load_environment(env_file: Path) -> None:
    """The portal's own settings (written by serve.sh as `declare -x NAME="value"` lines)."""
    for line in env_file.read_text().splitlines():
        name, _, value = line.removeprefix("declare -x ").partition("=")
        os.environ[name] = shlex.split(value)[0] if value else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--filings", type=int, default=200)
    parser.add_argument("--filers", type=int, default=25)
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument("--database", default="icms_load")
    parser.add_argument("--drain-timeout", type=float, default=900)
    arguments = parser.parse_args()

    # Stopped from outside, still stop the portal (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    began_setup = time.monotonic()
    portal, env_file = start_portal(arguments.port, arguments.database)
    try:
        load_environment(env_file)
        return run(arguments, portal_start=time.monotonic() - began_setup)
    finally:
        os.killpg(portal.pid, signal.SIGTERM)
        portal.wait(timeout=60)


def run(arguments: argparse.Namespace, *, portal_start: float) -> int:
    import django

    django.setup()
    import time_machine
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group
    from django.db import connections
    from django.utils import timezone

    from accounts.models import User
    from filing.models import Case, Document, Submission
    from filing.services import filing_accept
    from icms.core.models import OutboxItem
    from icms.core.storage import hash_stored_document
    from tests.factories import PASSWORD
    from tests.faults.browser import ACKNOWLEDGEMENT, Browser
    from tests.filing.conftest import document_type
    from tests.filing.pdf_corpus import good_pdf

    def person(email: str, kind: str) -> User:
        user = User.objects.create_user(
            email=email, password=PASSWORD, first_name="Tai Man", last_name="CHAN", kind=kind, is_staff=kind == "staff"
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    base = f"http://127.0.0.1:{arguments.port}"
    prefixes = ("DCCJ", "DCPI")
    writs = {pages: good_pdf(pages) for pages in (1, 2, 3)}
    writ_types = {prefix: document_type(prefix, "writ").pk for prefix in prefixes}
    filers = [person(f"filer{n}@load.example.hk", User.Kind.INDIVIDUAL) for n in range(arguments.filers)]
    clerks = [person(f"clerk{n}@load.example.hk", User.Kind.STAFF) for n in range(4)]
    for clerk in clerks:
        clerk.groups.add(Group.objects.get(name="Registry clerk"))
    browsers = [Browser(filer.email) for filer in filers]
    for browser in browsers:
        browser.sign_in(base)
    connections.close_all()

    # --- Filings, all at once --------------------------------------------------------------
    outcomes: dict[int, str] = {}
    latencies: list[float] = []
    barrier = threading.Barrier(arguments.filers)

    def file_all(index: int) -> None:
        barrier.wait(timeout=60)
        for number in range(index, arguments.filings, arguments.filers):
            prefix = prefixes[number % 2]
            began = time.monotonic()
            try:
                answer = browsers[index].file_new_case(
                    base, prefix=prefix, writ_type=writ_types[prefix], number=number, pdf=writs[1 + number % 3]
                )
                landed = ACKNOWLEDGEMENT.match(answer.location) if answer.status == 302 else None
                page = browsers[index].request(base + answer.location) if landed else None
                outcomes[number] = landed.group(1) if landed and page and page.status == 200 else f"{answer.status}"
            except Exception as error:  # counted below
                outcomes[number] = repr(error)
            finally:
                latencies.append(time.monotonic() - began)

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=arguments.filers) as pool:
        list(pool.map(file_all, range(arguments.filers)))
    filing_seconds = time.monotonic() - began
    submissions = list(Submission.objects.order_by("pk"))
    references = {s.reference for s in submissions}
    failed_filings = {n: o for n, o in outcomes.items() if o not in references}

    # --- Acceptance, all at once -------------------------------------------------------------
    accepted: dict[int, str] = {}
    refused: dict[int, str] = {}
    accept_latencies: list[float] = []

    def accept(index: int) -> None:
        began = time.monotonic()
        try:
            submission = Submission.objects.get(pk=submissions[index].pk)
            filing_accept(submission=submission, clerk=clerks[index % len(clerks)], accepted_without_opening=True)
            accepted[index] = Case.objects.select_related("case_type").get(pk=submission.case_id).case_number
        except Exception as error:
            refused[index] = repr(error)
        finally:
            accept_latencies.append(time.monotonic() - began)
            connections.close_all()

    latest = max((s.deemed_received_at for s in submissions if s.deemed_received_at), default=timezone.now())
    moment = max(timezone.now(), latest + timedelta(seconds=1))
    moved = moment > timezone.now()
    connections.close_all()
    began = time.monotonic()
    with time_machine.travel(moment, tick=True), ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(accept, range(len(submissions))))
    accepting_seconds = time.monotonic() - began
    if moved:
        # The sealings were owed at the moved clock, which the workers do not share: they
        # would wait for the real deemed time. Bring them forward to now; beat's sweep sends them.
        brought_forward = OutboxItem.objects.filter(
            state=OutboxItem.State.PENDING, next_attempt_at__gt=timezone.now()
        ).update(next_attempt_at=timezone.now(), dispatched_at=None)

    # --- The workers render and seal everything ----------------------------------------------
    began = time.monotonic()
    deadline = began + arguments.drain_timeout
    kinds = ("filing.acknowledge", "filing.seal")
    while time.monotonic() < deadline:
        owed = OutboxItem.objects.filter(kind__in=kinds).exclude(state=OutboxItem.State.DONE).count()
        if owed == 0:
            break
        time.sleep(1)
    drain_seconds = time.monotonic() - began
    outbox = Counter(OutboxItem.objects.filter(kind__in=kinds).values_list("kind", "state"))

    documents = list(Document.objects.select_related("submission"))
    intact = sum(
        1
        for d in documents
        if hash_stored_document(d.storage_key) == d.sha256
        and d.sha256 == hashlib.sha256(writs[1 + int(d.title.split()[-1]) % 3]).hexdigest()
    )
    sealed = sum(
        1 for d in documents if d.sealed_storage_key and hash_stored_document(d.sealed_storage_key) == d.sealed_sha256
    )
    numbers = list(accepted.values())
    duplicates = len(numbers) - len(set(numbers))
    lost = arguments.filings - len(submissions) + len(failed_filings)
    health = urllib.request.urlopen(f"http://127.0.0.1:{arguments.port}/healthz", timeout=5).read().decode()

    print(f"make serve: gunicorn 4x4, Celery default + rendering workers, beat, S3 (moto); up in {portal_start:.0f} s")
    print(
        f"filings:    {len(submissions)}/{arguments.filings} by {arguments.filers} filers in {filing_seconds:.1f} s "
        f"= {arguments.filings / filing_seconds:.1f}/s; latency (form, POST 1-3 page PDF, acknowledgement page) "
        f"p50 {percentile(latencies, 0.5):.2f} s, p95 {percentile(latencies, 0.95):.2f} s, max {max(latencies):.2f} s"
    )
    print(
        f"acceptance: {len(accepted)}/{len(submissions)} in {accepting_seconds:.1f} s = "
        f"{len(submissions) / accepting_seconds:.1f}/s; p50 {percentile(accept_latencies, 0.5):.3f} s, "
        f"p95 {percentile(accept_latencies, 0.95):.3f} s"
        + (
            f" (this process's clock moved to the deemed time {timezone.localtime(moment):%a %d %b %H:%M}; "
            f"{brought_forward} sealings owed then brought forward to now)"
            if moved
            else ""
        )
    )
    print(
        f"workers:    acknowledgements and seals done {drain_seconds:.1f} s after the last acceptance; "
        f"outbox {dict(sorted(outbox.items()))}"
    )
    print(
        f"record:     {intact}/{len(documents)} documents intact in S3, {sealed} sealed copies intact, "
        f"{len(set(numbers))} distinct case numbers, lost {lost}, duplicate case numbers {duplicates}"
    )
    print(f"health:     {health[:200]}")
    problems = []
    if lost or failed_filings:
        problems.append(f"lost filings: {list(failed_filings.items())[:3]}")
    if refused:
        problems.append(f"refused acceptances: {list(refused.items())[:3]}")
    if duplicates:
        problems.append(f"{duplicates} duplicate case numbers")
    if intact != arguments.filings or sealed != arguments.filings:
        problems.append(f"documents intact {intact}, sealed {sealed}, of {arguments.filings}")
    if any(state != OutboxItem.State.DONE for _, state in outbox):
        problems.append("outbox work not done")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
