"""Cause book query timings over the synthetic corpus: server time beside raw SQL time.

    DATABASE_URL=postgres:///icms_corpus .venv/bin/python bench/causebook_search.py [--samples 40]

For each of the 10 query kinds of issue 7 it draws ``--samples`` different queries from
the corpus (seeded), runs each through the selector a staff user's results page calls
(:func:`causebook.selectors.cause_book_search`: parse, search SQL, corrections when
needed, and loading the page of cases with their parties), records the exact SQL it
ran, then replays that SQL on a bare psycopg client-side-binding cursor (as Django binds).
Prints JSON: p50/p95 of both, in milliseconds, and the ratio. One warm-up pass
precedes the measured pass; within it the two runs of a query alternate in order.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icms.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres:///icms_corpus")

import django
import psycopg

django.setup()

from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from causebook.management import corpus  # noqa: E402
from causebook.query import SearchQuery  # noqa: E402
from causebook.selectors import cause_book_search  # noqa: E402

KINDS = [
    "exact_name",
    "partial_name",
    "misspelt_name",
    "chinese_full_name",
    "chinese_2_char",
    "case_number",
    "name_plus_filters",
    "common_surname",
    "rare_company",
    "no_match",
]
COMPANY_FIRST_WORDS = {word for word, _ in corpus.COMPANY_WORDS}
DEPARTMENT_NAMES = {name for name, _ in corpus.DEPARTMENTS}


def _rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _misspell(name: str, rng: random.Random) -> str:
    words = name.replace("-", " ").split()
    i = rng.randrange(len(words))
    word = words[i]
    if len(word) >= 4 and rng.random() < 0.5:
        j = rng.randrange(1, len(word) - 1)
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]  # swap two letters
    else:
        j = rng.randrange(len(word))
        word = word[: j + 1] + word[j] + word[j + 1 :]  # double a letter
    words[i] = word
    return " ".join(words)


def draw_queries(samples: int, seed: int) -> dict[str, list[dict[str, str]]]:
    """Queries drawn from the corpus itself, so they match what is there."""
    rng = random.Random(seed)
    max_party = _rows("SELECT max(id) FROM filing_party")[0][0]
    max_case = _rows("SELECT max(id) FROM filing_case")[0][0]
    people: list[tuple[str, str]] = []
    companies: list[str] = []
    while len(people) < samples * 3 or len(companies) < samples:
        ids = [rng.randint(1, max_party) for _ in range(2000)]
        for name_en, name_zh, kind in _rows(
            "SELECT name_en, name_zh, kind FROM filing_party WHERE id = ANY(%s)", [ids]
        ):
            if kind == "person" and len(people) < samples * 3:
                people.append((name_en, name_zh))
            elif (
                kind == "company"
                and name_en not in DEPARTMENT_NAMES
                and name_en.split()[0] not in COMPANY_FIRST_WORDS
                and len(companies) < samples
            ):
                companies.append(" ".join(name_en.split()[:2]))
    case_ids = [rng.randint(1, max_case) for _ in range(samples)]
    numbers = [
        f"{prefix} {number}/{year}"
        for prefix, number, year in _rows(
            "SELECT t.prefix, c.number, c.year FROM filing_case c JOIN filing_casetype t ON t.id = c.case_type_id "
            "WHERE c.id = ANY(%s)",
            [case_ids],
        )
    ]
    variants = [lambda n: n, lambda n: n.replace(" ", "").lower(), lambda n: n.replace("/", " / ")]
    surnames = ["Chan", "Wong", "Lee", "Cheung", "Lau", "Leung", "Ng", "Ho", "Lam", "Tsang"]
    people_a, people_b, people_c = people[:samples], people[samples : 2 * samples], people[2 * samples :]
    return {
        "exact_name": [{"q": en} for en, _ in people_a],
        "partial_name": [{"q": " ".join(en.replace("-", " ").split()[:2])} for en, _ in people_b],
        "misspelt_name": [{"q": _misspell(en, rng)} for en, _ in people_c],
        "chinese_full_name": [{"q": zh} for _, zh in people_a],
        "chinese_2_char": [{"q": zh[-2:]} for _, zh in people_b],
        "case_number": [{"q": variants[i % 3](n)} for i, n in enumerate(numbers)],
        "name_plus_filters": [
            {"q": en, "court": "DC", "year_from": "2018", "year_to": "2024", "status": "active"} for en, _ in people_c
        ],
        "common_surname": [{"q": surnames[i % len(surnames)]} for i in range(samples)],
        "rare_company": [{"q": name} for name in companies],
        "no_match": [{"q": f"Qx{rng.randrange(10**6)} Zvprk{rng.randrange(10**6)}"} for _ in range(samples)],
    }


class Recorder:
    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def run_once(user: User, params: dict[str, str]) -> tuple[float, list[tuple[str, Any]], int]:
    recorder = Recorder()
    query = SearchQuery.from_params(params)
    with connection.execute_wrapper(recorder):
        started = time.perf_counter()
        results = cause_book_search(user=user, query=query, page=1)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, recorder.statements, results.total


def replay(statements: list[tuple[str, Any]]) -> float:
    raw = connection.connection  # the psycopg 3 connection, without Django
    started = time.perf_counter()
    # Client-side binding, as Django's backend does, so that PostgreSQL plans exactly
    # the same statement text (a server-side parameter can change the plan).
    with psycopg.ClientCursor(raw) as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))], 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    connection.ensure_connection()
    user = User.objects.filter(is_staff=True).first() or User.objects.create(
        email="bench-staff@example.hk", kind=User.Kind.STAFF, is_staff=True
    )
    cases = _rows("SELECT count(*) FROM filing_case")[0][0]
    parties = _rows("SELECT count(*) FROM filing_party")[0][0]
    queries = draw_queries(args.samples, args.seed)
    recorded: dict[str, list[list[tuple[str, Any]]]] = {}
    for kind in KINDS:  # warm-up pass, which also records each query's SQL
        recorded[kind] = [run_once(user, params)[1] for params in queries[kind]]
    report: dict[str, Any] = {"cases": cases, "parties": parties, "samples_per_kind": args.samples, "kinds": {}}
    for kind in KINDS:
        server, raw, totals = [], [], []
        for i, params in enumerate(queries[kind]):
            # Alternate which of the two runs first, so that neither always finds the
            # other's pages in the cache.
            if i % 2:
                raw.append(replay(recorded[kind][i]))
            elapsed, statements, total = run_once(user, params)
            server.append(elapsed)
            if not i % 2:
                raw.append(replay(statements))
            totals.append(total)
        report["kinds"][kind] = {
            "example": queries[kind][0],
            "server_ms": {"p50": percentile(server, 50), "p95": percentile(server, 95)},
            "raw_sql_ms": {"p50": percentile(raw, 50), "p95": percentile(raw, 95)},
            "overhead_ratio_p50": round(statistics.median(server) / max(statistics.median(raw), 1e-6), 2),
            "matches_median": statistics.median(totals),
            "queries_with_no_match": sum(1 for t in totals if not t),
        }
    worst = max(v["server_ms"]["p95"] for v in report["kinds"].values())
    report["worst_p95_ms"] = worst
    report["target_p95_under_50ms"] = worst < 50
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
