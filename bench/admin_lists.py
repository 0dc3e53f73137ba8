"""The staff site's lists of the tables that grow with the register, at the register's size.

    .venv/bin/python bench/admin_lists.py [--repeat 3] [--database icms_bench_admin_lists]
        [--audit-events 5000000] [--rows 2000000] [--hearings 2000000]

Measures the admin changelists of the audit log (``AuditEvent``), the review queue
(``Submission``), payment orders (``PaymentOrder``), the message boxes (``MessageItem``)
and the cause list's hearings (``Hearing``): for each list and each query in ``lists()``
(no search; a whole reference, part of one, an email address, a case number, a word of a
subject, a courtroom, a judge's surname, a word that matches nothing; a filter; a year, a
month and a day of the date hierarchy), one warm-up request and then ``--repeat``
requests, in-process through the whole middleware stack (``django.test.Client``) as a
signed-in superuser (made once, ``bench-admin@example.hk``, with a TOTP authenticator row
so the two-factor middleware lets it through). The terms are read from the database at run
time (the row in the middle of each table), so each one matches whatever the data is.

Prints JSON: per list and query, the median and the slowest server time (``perf_counter``
around ``client.get``), the statements sent, the slowest statement's time and the first
120 characters of its SQL (both from the request with the median time), how many rows the
list says it found (``cl.result_count``) and the status; a 302 (such as ``?e=1`` for a
parameter the list does not take) is recorded with its ``location``, a 500 with its error,
and the bench goes on (it exits with status 1 at the end if any list answered 500). Then
one line per list with its worst median, to stderr.

The database (``--database``, made with ``createdb`` if missing, always migrated to HEAD)
keeps its data: the first run makes it with set-based SQL (``INSERT ... SELECT ... FROM
generate_series``), and later runs skip each table that already holds the rows asked for
(its row count is the marker; a larger size adds the missing rows). 50,000 filers and
200,000 DCCJ cases; ``--rows`` submissions, payment orders and messages; ``--audit-events``
audit events; ``--hearings`` hearings (about ten a case, in DCCJ's court, on weekdays of
2019-2027 between 09:30 and 16:30 Hong Kong time). Each table's time goes to stderr. At the
default sizes the first run took 18 minutes on 2 busy cores, 16.5 of them making the data
(payment orders 6.5, audit events 4.5, messages 3, submissions 2.5; the tables' trigram
search indexes are kept up as rows go in); the hearings, added since, take 1.7 minutes more
(35 s before their three trigram indexes, causebook migration 0018). A later run takes about
as long as its requests (under 2 minutes at the default sizes, --repeat 3).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from django.test import Client

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from admin_client import signed_in
from admin_lists_data import _count, database_ready, log, make_data

NOTHING = "zzzzqqq"


# --- Measuring the lists ---------------------------------------------------------------


def middle(queryset: QuerySet[Any]) -> Any:
    """The row halfway between the first and the last id of ``queryset`` (each found by the primary key)."""
    first = queryset.order_by("pk").values_list("pk", flat=True).first()
    last = queryset.order_by("-pk").values_list("pk", flat=True).first()
    if first is None or last is None:
        raise SystemExit(f"no {queryset.model._meta.verbose_name} to take a search term from")
    return queryset.filter(pk__gte=(first + last) // 2).order_by("pk").first()


def changelist(model: type[Model]) -> tuple[str, str]:
    from django.urls import reverse

    meta = model._meta
    return f"{meta.app_label}.{meta.model_name}", reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")


def lists() -> dict[str, tuple[str, dict[str, dict[str, str]]]]:
    """Each list's URL and its queries, by label; the terms taken from the data."""
    from causebook.models import Hearing
    from filing.models import CaseType, MessageItem, Submission
    from filing.models.submissions import OPEN_STATUSES
    from icms.core.models import AuditEvent
    from payments.models import PaymentOrder

    found: dict[str, tuple[str, dict[str, dict[str, str]]]] = {}

    events = AuditEvent.objects.all()
    on_submission = middle(events.filter(target_label__startswith="ES-"))
    name, url = changelist(AuditEvent)
    found[name] = (
        url,
        {
            "(no search)": {},
            "whole submission reference": {"q": on_submission.target_label},
            "first 7 characters of a reference": {"q": on_submission.target_label[:7]},
            "an actor's email": {"q": middle(events.filter(actor__isnull=False)).actor.email},
            "a case number": {"q": middle(events.filter(target_label__startswith="DCCJ ")).target_label},
            "nothing matches": {"q": NOTHING},
            "event type filter": {"event_type__exact": on_submission.event_type},
        },
    )

    submissions = Submission.objects.all()
    queued = middle(submissions.filter(status__in=OPEN_STATUSES))
    decided = middle(submissions.exclude(status__in=OPEN_STATUSES))
    name, url = changelist(Submission)
    found[name] = (
        url,
        {
            "(no search: the open queue)": {},
            "whole reference": {"q": queued.reference},
            "whole reference, all statuses": {"q": decided.reference, "status": "all"},
            "partial reference": {"q": queued.reference[:7]},
            "nothing matches": {"q": NOTHING},
            "status filter": {"status": Submission.Status.ACCEPTED},
        },
    )

    orders = PaymentOrder.objects.all()
    order = middle(orders)
    name, url = changelist(PaymentOrder)
    found[name] = (
        url,
        {
            "(no search)": {},
            "whole reference": {"q": order.reference},
            "a payer's email": {"q": middle(orders.filter(payer__isnull=False)).payer.email},
            "purpose_ref": {"q": middle(orders.filter(purpose_ref__startswith="ES-")).purpose_ref},
            "nothing matches": {"q": NOTHING},
        },
    )

    messages = MessageItem.objects.all()
    name, url = changelist(MessageItem)
    found[name] = (
        url,
        {
            "(no search)": {},
            "a recipient's email": {"q": middle(messages).recipient.email},
            "a submission reference": {"q": middle(messages.filter(submission__isnull=False)).submission.reference},
            "a word of the subject": {"q": "writ"},
            "nothing matches": {"q": NOTHING},
        },
    )

    # Of three letters or more: a shorter word alone is matched only whole (icms.core.admin_scale).
    judge = middle(Hearing.objects.filter(judge_en__regex=r" [A-Z]{3,}$")).judge_en.rsplit(" ", 1)[-1]
    name, url = changelist(Hearing)
    found[name] = (
        url,
        {
            "(no search: all dates)": {},
            "year 2026": {"starts_at__year": "2026"},
            "March 2026": {"starts_at__year": "2026", "starts_at__month": "3"},
            "16 March 2026": {"starts_at__year": "2026", "starts_at__month": "3", "starts_at__day": "16"},
            "a courtroom": {"q": "Court No. 31"},
            "a judge's surname": {"q": judge},
            "status filter": {"status__exact": Hearing.Status.LISTED},
            "year 2026 in DCCJ's court": {
                "starts_at__year": "2026",
                "court__id__exact": str(CaseType.objects.get(prefix="DCCJ").court_id),
            },
        },
    )
    return found


def measure(client: Client, url: str, params: dict[str, str], repeat: int) -> dict[str, Any]:
    """One warm-up request, then ``repeat``: the figures of one list and query."""
    from urllib.parse import urlencode

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def once() -> tuple[float, list[dict[str, Any]], Any]:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, params)
            took = (time.perf_counter() - started) * 1000
        return took, queries.captured_queries, response

    figures: dict[str, Any] = {"query": "?" + urlencode(params) if params else ""}
    try:
        once()
        runs = sorted((once() for _ in range(repeat)), key=lambda run: run[0])
    except Exception as error:  # the list answered 500: report it, measure the rest
        connection.close()  # a failed statement may have left the connection unusable
        return {**figures, "status": 500, "error": f"{type(error).__name__}: {error}"[:500]}
    _, queries, response = runs[(len(runs) - 1) // 2]
    slowest = max(queries, key=lambda query: float(query["time"]), default=None)
    figures.update(
        median_ms=round(statistics.median(run[0] for run in runs), 1),
        max_ms=round(runs[-1][0], 1),
        statements=len(queries),
        slowest_statement_ms=round(float(slowest["time"]) * 1000, 1) if slowest else None,
        slowest_sql=slowest["sql"][:120] if slowest else None,
        result_count=None,
        status=response.status_code,
    )
    context = response.context
    if context is not None:
        with contextlib.suppress(KeyError):
            figures["result_count"] = context["cl"].result_count
    if response.status_code in (301, 302):
        figures["location"] = response["Location"]
    if response.status_code >= 500:
        figures["error"] = response.content.decode(errors="replace")[:500]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", default="icms_bench_admin_lists", help="made and migrated if missing; kept")
    parser.add_argument("--audit-events", type=int, default=5_000_000)
    parser.add_argument("--rows", type=int, default=2_000_000, help="submissions, payment orders and messages")
    parser.add_argument("--hearings", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.causebook_settings"
    os.environ["DATABASE_URL"] = f"postgres:///{args.database}"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")
    import django

    django.setup()

    from django.db import connection
    from django.test.utils import setup_test_environment

    database_ready(args.database)
    started = time.perf_counter()
    making = make_data(args.audit_events, args.rows, args.hearings)
    if making:
        log(f"data made in {time.perf_counter() - started:.1f} s: {making}")

    setup_test_environment()  # so that a response carries its context: the list's own count
    client = signed_in()
    report: dict[str, dict[str, dict[str, Any]]] = {}
    for name, (url, queries) in lists().items():
        report[name] = {}
        for label, params in queries.items():
            report[name][label] = figures = measure(client, url, params, args.repeat)
            log(f"{name} {label}: {figures.get('median_ms')} ms, status {figures['status']}")

    tables = [
        "accounts_user",
        "filing_case",
        "accounts_auditevent",
        "filing_submission",
        "payments_paymentorder",
        "filing_messageitem",
        "causebook_hearing",
    ]
    sizes = {table: _count(f"SELECT count(*) FROM {table}") for table in tables}  # noqa: S608  (names above)
    print(
        json.dumps(
            {
                "database": connection.settings_dict["NAME"],
                "sizes": sizes,
                "lists": report,
                "load_average": [round(load, 2) for load in os.getloadavg()],
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    failed = False
    for name, queries in report.items():
        label, worst = max(queries.items(), key=lambda item: item[1].get("median_ms") or 0)
        errors = [label for label, figures in queries.items() if int(figures["status"]) >= 500]
        failed |= bool(errors)
        line = f"{name}: worst median {worst.get('median_ms')} ms ({label})"
        # To stderr, so that the JSON is the last thing printed (bench/run_all.py reads it).
        log(line + (f"; 500 for: {', '.join(errors)}" if errors else ""))
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
