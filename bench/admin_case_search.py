"""The registry's case list in the staff site, searched by a party's name, over the synthetic corpus.

    DATABASE_URL=postgres:///icms_corpus_2m .venv/bin/python bench/admin_case_search.py [--repeat 5]

Signs in a superuser (made once, ``bench-admin@example.hk``) and asks for
``/admin/filing/case/`` with each query of ``QUERIES`` (names in English and Chinese, a
misspelling, a common surname, a department, a case number) and with none. Prints JSON:
per query, the median server time over ``--repeat`` requests after one warm-up, the
statements sent and how many cases the list says it found. Searched with ``icontains``
the list read every party of the register: 5-8 s for "chan tai man" at 2,000,000 cases;
it now asks the cause book's search (causebook/case_names.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.causebook_settings"
os.environ.setdefault("DATABASE_URL", "postgres:///icms_corpus")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")

import django

django.setup()

from admin_client import signed_in  # noqa: E402  (bench/ is the script's own directory)
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

QUERIES = ["", "chan tai man", "陳大文", "cahn tai man", "chan", "hong kong police force", "有限公司", "DCCJ 123/2025"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()  # so that a response carries its context: the list's own count
    client = signed_in()
    report: dict[str, dict[str, object]] = {}
    for q in QUERIES:
        params = {"q": q} if q else {}
        client.get("/admin/filing/case/", params)  # warm-up
        took = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/admin/filing/case/", params)
                took.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (q, response.status_code)
        report[q or "(no search)"] = {
            "median_ms": round(statistics.median(took), 1),
            "statements": len(queries.captured_queries),
            "cases_found": response.context["cl"].result_count,
        }
    print(json.dumps({"database": connection.settings_dict["NAME"], "queries": report}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
