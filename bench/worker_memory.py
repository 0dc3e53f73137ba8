"""A worker process's memory over many acknowledgements (issue 16, part 7).

    .venv/bin/python bench/worker_memory.py [--acknowledgements 200] [--database icms_bench_documents]

Files ``--acknowledgements`` submissions through ``submission_create`` (a one-page writ
each), then, in this one process, runs each one's ``filing.acknowledge`` outbox item
through the Celery task the worker runs (``outbox_run.apply``: Celery's tracer, the
task, the PDF rendered by WeasyPrint, stored, the message posted, the e-mail rendered),
as one worker process would take them one after another. Prints the process's resident
memory (VmRSS) after 20, 50, 100 and 200, and the ratio of the last to the one after 20
(the target: at most 1.10). Settings are production's (DEBUG off), with e-mail going
nowhere, so that nothing the bench itself keeps is counted.

The database is made and migrated on the first run, as bench/documents.py does.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icms.settings.base")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
if "--database" in sys.argv:
    os.environ["DATABASE_URL"] = f"postgres:///{sys.argv[sys.argv.index('--database') + 1]}"
else:
    os.environ.setdefault("DATABASE_URL", "postgres:///icms_bench_documents")

import django  # noqa: E402

django.setup()

CHECKPOINTS = (20, 50, 100, 200)


def rss_mib() -> float:
    """The process's resident set now (not its peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmRSS")


def database_ready() -> None:
    from django.conf import settings
    from django.core.management import call_command

    name = settings.DATABASES["default"]["NAME"]
    made = subprocess.run(["createdb", "-E", "UTF8", "--locale=C.UTF-8", "-T", "template0", name], capture_output=True)
    if made.returncode != 0 and b"already exists" not in made.stderr:
        raise SystemExit(f"createdb {name}: {made.stderr.decode()}")
    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--acknowledgements", type=int, default=200)
    parser.add_argument("--database", default="icms_bench_documents")
    args = parser.parse_args()
    database_ready()

    from allauth.account.models import EmailAddress

    from accounts.models import User
    from filing.models import CaseType, DocumentType
    from filing.services import DocumentUpload, NewCase, NewParty, submission_create
    from icms.core.models import OutboxItem
    from icms.core.outbox.dispatch import outbox_run
    from tests.filing.pdf_corpus import good_pdf

    email = "bench-worker-memory@example.hk"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, first_name="Tai Man", last_name="CHAN")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    case_type = CaseType.objects.get(prefix="DCCJ")
    writ = DocumentType.objects.get(case_type=case_type, code="writ")
    pdf = good_pdf(1)
    items = []
    began = time.monotonic()
    for number in range(args.acknowledgements):
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
        items.append(
            OutboxItem.objects.filter(kind="filing.acknowledge", target_id=submission.pk).values_list("pk", flat=True)[
                0
            ]
        )
    filed_seconds = time.monotonic() - began

    figures: dict[str, float] = {"before": rss_mib()}
    began = time.monotonic()
    outcomes: dict[str, int] = {}
    for done, item_id in enumerate(items, start=1):
        outcome = outbox_run.apply((item_id,)).get()
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if done in CHECKPOINTS:
            figures[f"after_{done}"] = rss_mib()
    ran_seconds = time.monotonic() - began
    last = max(c for c in CHECKPOINTS if c <= len(items)) if len(items) >= CHECKPOINTS[0] else None
    report: dict[str, object] = {
        "acknowledgements": len(items),
        "outcomes": outcomes,
        "rss_mib": figures,
        "filed_seconds": round(filed_seconds, 1),
        "rendered_seconds": round(ran_seconds, 1),
    }
    if last is not None and last != CHECKPOINTS[0]:
        ratio = figures[f"after_{last}"] / figures[f"after_{CHECKPOINTS[0]}"]
        report[f"ratio_{last}_to_20"] = round(ratio, 3)
        report["target_within_10_percent"] = ratio <= 1.10
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
