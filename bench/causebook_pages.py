"""Pages per second under gunicorn (2 workers, 127.0.0.1 only) with 16 concurrent clients (wrk).

    DATABASE_URL=postgres:///icms_corpus .venv/bin/python bench/causebook_pages.py [--seconds 15]
        [--workers 2 --threads 1]

``--workers 4 --threads 4`` is the server as ``make serve`` runs it (docs/deployment.md); the
default, two sync workers, is what every earlier figure in docs/causebook.md was measured with.

Measures, on the same server and run:

* the search results page: a paid result set's page (``/cause-book/purchases/<token>/``,
  20 cases with their parties) for a common name, read from the result set kept at
  payment (one query for the purchase, one for the page of cases);
* the same search as a signed-in registry clerk sees it (``/cause-book/?q=...``), which
  runs the search on every request;
* the daily cause list of the District Court for a day with 60 hearings;
* the search page with the free count, as the public sees it (this and the clerk's
  search over twelve varied queries in turn, ``VARIED_QUERIES``: departments, Chinese,
  a company, a case number, a title, a misspelling; not one);
* a minimal Django view (``bench/minimal/``), and the same results template rendered from
  an in-memory list with no query (``bench/ceiling/``, the rendering ceiling), and the
  search page's own ceiling, signed in as the clerk (``bench/ceiling-search/``).

Beside each page's rate, the CPU time each side spent per request while wrk ran (the gunicorn
workers, the PostgreSQL backends, Redis and wrk itself, from /proc and Redis's ``INFO cpu``) and
the machine's idle share (:class:`CpuMeter`): where a page's time goes when it is served, not
only in one process.

Needs ``wrk`` (``apt-get install wrk``). Prints JSON. wrk runs on the same two cores as
gunicorn, so every figure pays for the load generator alike.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.causebook_settings"
os.environ.setdefault("DATABASE_URL", "postgres:///icms_corpus")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from causebook.models import Hearing, SearchPurchase  # noqa: E402
from causebook.query import SearchQuery  # noqa: E402
from causebook.services import search_purchase_create, search_purchase_grant  # noqa: E402
from filing.models import Case, Court  # noqa: E402
from icms.core.time import HONG_KONG  # noqa: E402

# Another bench may hold 8765: BENCH_PORT picks a free one.
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
SEARCH_Q = "Chan Tai Man"
# The count page and the clerk's search are measured over these, in turn (wrk's Lua script below):
# common and rare names, departments, Chinese, a company, a case number, a title, a misspelling.
VARIED_QUERIES = (
    "chan tai man",
    "hong kong police force",
    "food and environmental hygiene department",
    "wong",
    "有限公司",
    "陳大文",
    "香港警務處",
    "golden harbour decoration",
    "DCCJ 123/2025",
    "mr leung chi keung",
    "cheung kong holdings",
    "cahn tai man",
)
LIST_DAY = datetime(2026, 12, 1, tzinfo=HONG_KONG)


def prepare() -> dict[str, str]:
    """A paid purchase and a day of hearings to load; made once, reused on later runs."""
    from django.contrib.auth.models import AnonymousUser

    query = SearchQuery.from_params({"q": SEARCH_Q})
    purchase = (
        SearchPurchase.objects.filter(query=query.normal_form(), paid_at__isnull=False, case_ids__isnull=False)
        .order_by("pk")
        .first()
    )
    if purchase is None:
        purchase = search_purchase_create(user=AnonymousUser(), query=query)
        purchase = search_purchase_grant(purchase=purchase, paid_at=timezone.now() + timedelta(days=3650))
    elif purchase.expires_at is None or purchase.expires_at < timezone.now() + timedelta(hours=1):
        SearchPurchase.objects.filter(pk=purchase.pk).update(expires_at=timezone.now() + timedelta(days=3650))
    court = Court.objects.get(code="DC")
    if Hearing.objects.filter(court=court, starts_at__date=LIST_DAY.date()).count() < 60:
        cases = list(Case.objects.filter(case_type__court=court, status="active").order_by("pk")[:60])
        Hearing.objects.bulk_create(
            Hearing(
                case=case,
                court=court,
                courtroom=f"Court No. {20 + i % 12}",
                judge_en=f"His Honour Judge {['LAM', 'CHEUNG', 'HO', 'WONG'][i % 4]}",
                judge_zh=["林法官", "張法官", "何法官", "王法官"][i % 4],
                starts_at=LIST_DAY.replace(hour=9 + (i % 2) * 5, minute=30),
                hearing_type="mention",
                representation_en="Wong & Partners / In person",
                representation_zh="王律師行；親自應訊",
            )
            for i, case in enumerate(cases)
        )
    connection.close()
    return {
        "results_page": f"/cause-book/purchases/{purchase.token}/",
        "staff_live_results_page": "/cause-book/?q=chan+tai+man",  # and VARIED_QUERIES
        "cause_list_page": f"/cause-book/cause-list/?court=DC&date={LIST_DAY.date().isoformat()}",
        "search_count_page": "/cause-book/?q=chan+tai+man",  # and VARIED_QUERIES
        "minimal_django_view": "/bench/minimal/",
        "rendering_ceiling": "/bench/ceiling/",
        "staff_search_page_rendering_ceiling": "/bench/ceiling-search/?q=chan+tai+man",
    }


def staff_session_cookie() -> str:
    """A signed-in registry clerk's session (with the authenticator staff must have), as a Cookie header.

    The staff page searches on every request (no bought result set), so it shows what a
    live search costs beside the bought results page.
    """
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    from accounts.models import User

    staff, _ = User.objects.get_or_create(
        email="bench-clerk@example.hk", defaults={"kind": User.Kind.STAFF, "is_staff": True}
    )
    Authenticator.objects.get_or_create(user=staff, type=Authenticator.Type.TOTP, defaults={"data": {}})
    session = SessionStore()
    session[SESSION_KEY] = str(staff.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    session.create()
    connection.close()
    return f"Cookie: {settings.SESSION_COOKIE_NAME}={session.session_key}"


VARIED = {"staff_live_results_page", "search_count_page"}


def varied_script() -> str:
    """A wrk Lua script that asks for each of VARIED_QUERIES in turn on every connection."""
    from urllib.parse import urlencode

    paths = ", ".join(f'"/cause-book/?{urlencode({"q": q})}"' for q in VARIED_QUERIES)
    script = ROOT / "var" / "run" / "causebook-varied.lua"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(
        f"local paths = {{{paths}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n"
    )
    return str(script)


class CpuMeter:
    """Where the CPU went while wrk ran: each side's CPU time per request, and how idle the machine was.

    Read from /proc (Linux): the gunicorn workers (the server's children), the PostgreSQL
    backends connected to the corpus, Redis (its ``INFO cpu``) and wrk itself (this process's
    waited-for children). A page whose sides add up to far less than the cores' time per
    request while the machine is not idle is losing time to waiting, not to work.
    """

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid

    @staticmethod
    def _ticks(pid: int) -> int:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0
        return int(fields[11]) + int(fields[12])  # utime, stime

    def _workers(self) -> list[int]:
        children = Path(f"/proc/{self.server_pid}/task/{self.server_pid}/children")
        return [self.server_pid, *(int(pid) for pid in children.read_text().split())]

    @staticmethod
    def _backends() -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            pids = [int(row[0]) for row in cursor.fetchall()]
        connection.close()
        return pids

    @staticmethod
    def _redis_seconds() -> float:
        from django_redis import get_redis_connection

        info = get_redis_connection("default").info("cpu")
        return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])

    @staticmethod
    def _machine() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(values[:8]), values[3] + values[4]  # all, idle + iowait

    def snapshot(self) -> dict[str, float]:
        workers, backends = self._workers(), self._backends()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        machine_all, machine_idle = self._machine()
        return {
            "gunicorn": sum(self._ticks(pid) for pid in workers) / self.TICK,
            "postgres": sum(self._ticks(pid) for pid in backends) / self.TICK,
            "redis": self._redis_seconds(),
            "wrk": children.ru_utime + children.ru_stime,
            "machine_all": machine_all,
            "machine_idle": machine_idle,
        }

    @staticmethod
    def per_request(before: dict[str, float], after: dict[str, float], requests: float) -> dict[str, float]:
        spent = {
            f"{side}_cpu_ms_per_request": round((after[side] - before[side]) * 1000 / max(requests, 1), 3)
            for side in ("gunicorn", "postgres", "redis", "wrk")
        }
        idle = (after["machine_idle"] - before["machine_idle"]) / max(after["machine_all"] - before["machine_all"], 1)
        return {**spent, "machine_idle_share": round(idle, 3)}


def wrk(
    path: str,
    seconds: int,
    headers: list[str] | None = None,
    script: str | None = None,
    meter: CpuMeter | None = None,
) -> dict[str, float]:
    extra = [arg for header in headers or [] for arg in ("-H", header)]
    if script:
        extra += ["-s", script]
    subprocess.run(["wrk", "-t2", "-c16", "-d3s", *extra, BASE + path], check=True, capture_output=True)  # warm up
    before = meter.snapshot() if meter else None
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", *extra, BASE + path],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    after = meter.snapshot() if meter else None
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    requests = float(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    cpu = CpuMeter.per_request(before, after, requests) if before and after else {}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)

    def ms(match: re.Match[str] | None) -> float:
        if match is None:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 2)

    return {
        "pages_per_second": rps,
        "latency_p50_ms": ms(p50),
        "latency_p99_ms": ms(p99),
        "non_2xx": int(errors.group(1)) if errors else 0,
        **cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    # 2 sync workers by default, as every earlier run (the figures in docs/causebook.md);
    # `make serve`, the deployment as docs/deployment.md describes it, runs 4 workers x 4 threads.
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    paths = prepare()
    cookie = staff_session_cookie()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "icms.wsgi:application",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    meter = CpuMeter(server.pid)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/bench/minimal/", timeout=1)  # noqa: S310 (our own local server)
                break
            except OSError:
                time.sleep(0.2)
        headers = {name: [cookie] if name.startswith("staff_") else [] for name in paths}  # both staff pages signed in
        for name, path in paths.items():
            request = urllib.request.Request(BASE + path, headers=dict(h.split(": ", 1) for h in headers[name]))  # noqa: S310
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                body = response.read().decode()
                assert response.status == 200, path
                if name == "staff_live_results_page":
                    assert "DCCJ " in body, "the staff page shows no cases: not signed in?"
        script = varied_script()
        for query in VARIED_QUERIES:  # every query answers (and warms up) before it is measured
            request = urllib.request.Request(BASE + "/cause-book/?" + urllib.parse.urlencode({"q": query}))  # noqa: S310
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                assert response.status == 200, query
        measured = {
            name: wrk(path, args.seconds, headers[name], script if name in VARIED else None, meter)
            for name, path in paths.items()
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    rates = {name: figures["pages_per_second"] for name, figures in measured.items()}
    ceiling = rates["rendering_ceiling"]
    minimal = rates["minimal_django_view"]
    targets = ("search_count_page", "results_page", "staff_live_results_page", "cause_list_page")
    report = {
        "varied_queries": list(VARIED_QUERIES),
        # Issue 16: each at least 0.25 of the minimal view, in the same run.
        "share_of_minimal_view": {name: round(rates[name] / minimal, 3) for name in targets},
        "target_each_at_least_quarter_of_minimal_view": all(rates[name] >= minimal / 4 for name in targets),
        "server": (
            f"gunicorn, {args.workers} workers x {args.threads} threads, 127.0.0.1; wrk -t2 -c16 on the same 2 cores"
        ),
        "pages": {name: {"path": path, **measured[name]} for name, path in paths.items()},
        "results_page_share_of_rendering_ceiling": round(rates["results_page"] / ceiling, 3),
        "target_results_page_at_least_half_of_ceiling": rates["results_page"] >= ceiling / 2,
        "staff_live_results_share_of_its_rendering_ceiling": round(
            rates["staff_live_results_page"] / rates["staff_search_page_rendering_ceiling"], 3
        ),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
