"""Cause book query timings over the synthetic corpus: server time beside raw SQL time.

    DATABASE_URL=postgres:///icms_corpus .venv/bin/python bench/causebook_search.py [--samples 40]
    .venv/bin/python bench/causebook_search.py --samples 40 \
        --compare postgres:///icms_corpus_200k postgres:///icms_corpus_2m   # and the growth

For each query kind (the 10 of issue 7, and issue 16's: department names in English and
Chinese, bracketed Chinese company names, names with titles, long lists of names of
4 to 12 words, single Chinese characters) it draws ``--samples`` different queries from
the corpus (seeded), runs each through the selector a staff user's results page calls
(:func:`causebook.selectors.cause_book_search`: parse, search SQL, corrections when
needed, and loading the page of cases with their parties), records the exact SQL it
ran, then replays that SQL on a bare psycopg client-side-binding cursor (as Django binds).
Prints JSON: p50/p95/p99/max of server time over ``--rounds`` runs of every query (the
percentiles are over all runs), p50/p95 of raw SQL, in milliseconds, the ratio, and the
three slowest queries of each kind. One warm-up pass precedes the measured runs; within
them the two runs of a query alternate in order. With ``--compare SMALL LARGE`` it runs
itself on both corpora in turn, a round at a time (so that other work on the machine
weighs on both alike), and prints, per kind, p95 at each and the growth p95(LARGE) /
p95(SMALL), against the targets of issue 16 (p99 < 50 ms and max < 100 ms at the large
one; growth <= 1.5). ``--kinds name_plus_filters,bracketed_company_zh`` runs only those
kinds (the queries drawn are the same as in a full run).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icms.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres:///icms_corpus")

if "--compare" not in sys.argv:
    import django

    django.setup()

import psycopg
from django.db import connection

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
    "department_en",
    "department_zh",
    "bracketed_company_zh",
    "titled_name",
    "long_name_list",
    "single_character",
]


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
    from causebook.management import corpus

    company_first_words = {word for word, _ in corpus.COMPANY_WORDS}
    department_names = {name for name, _ in corpus.DEPARTMENTS}
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
                and name_en not in department_names
                and name_en.split()[0] not in company_first_words
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
    bracketed = [
        zh
        for (zh,) in _rows(
            "SELECT name_zh FROM filing_party WHERE id = ANY(%s) AND (name_zh LIKE %s OR name_zh LIKE %s)",
            [[rng.randint(1, max_party) for _ in range(20_000)], "%（香港）%", "%(香港)%"],
        )
    ][:samples]
    swap = str.maketrans({"（": "(", "）": ")", "(": "（", ")": "）"})
    titles = [("Mr", "先生"), ("Ms", "女士"), ("Mrs", "太太"), ("Miss", "小姐"), ("Dr", "")]
    words = [s[0].title() for s in corpus.SURNAMES] + [g[0] for g in corpus.GIVEN]
    characters = sorted({ch for _, zh, _ in corpus.SURNAMES for ch in zh} | {zh for _, zh in corpus.GIVEN})
    departments = corpus.DEPARTMENTS
    return {
        "department_en": [
            {"q": [str.title, str.upper, str.lower][i % 3](departments[i % len(departments)][0])}
            for i in range(samples)
        ],
        "department_zh": [{"q": departments[i % len(departments)][1]} for i in range(samples)],
        "bracketed_company_zh": [{"q": zh.translate(swap) if i % 2 else zh} for i, zh in enumerate(bracketed)],
        "titled_name": [
            {"q": f"{titles[i % 5][0]} {en}" if i % 2 else zh + titles[i % 5][1]}
            for i, (en, zh) in enumerate(people_b)
        ],
        "long_name_list": [{"q": " ".join(rng.sample(words, rng.randint(4, 12)))} for _ in range(samples)],
        "single_character": [{"q": rng.choice(characters)} for _ in range(samples)],
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


def run_once(user: Any, params: dict[str, str]) -> tuple[float, list[tuple[str, Any]], int]:
    from causebook.query import SearchQuery
    from causebook.selectors import cause_book_search

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


def summarise(server: list[float]) -> dict[str, float]:
    return {
        "p50": percentile(server, 50),
        "p95": percentile(server, 95),
        "p99": percentile(server, 99),
        "max": round(max(server), 2),
    }


def compare(small: str, large: str, samples: int, seed: int, rounds: int, kinds: list[str]) -> None:
    """Run on both corpora and print the growth of each kind's p95.

    The corpora take turns, one round of every query at a time (small, large, small,
    large...), so that what else the machine is doing weighs on both alike.
    """
    merged: list[dict[str, list[float]]] = [{}, {}]
    reports: list[dict[str, Any]] = []
    for _ in range(rounds):
        for side, url in enumerate((small, large)):
            env = {**os.environ, "DATABASE_URL": url}
            argv = [sys.executable, __file__, "--samples", str(samples), "--seed", str(seed), "--rounds", "1"]
            argv += ["--kinds", ",".join(kinds)]
            output = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout
            report = json.loads(output)
            for kind in kinds:
                merged[side].setdefault(kind, []).extend(report["kinds"][kind]["server_samples_ms"])
            if len(reports) < 2:
                reports.append(report)
    rows: dict[str, Any] = {}
    for kind in kinds:
        a, b = summarise(merged[0][kind]), summarise(merged[1][kind])
        rows[kind] = {
            "small": a,
            "large": b,
            "growth_p95": round(b["p95"] / max(a["p95"], 1e-6), 2),
        }
    summary = {
        "small": {"url": small, "cases": reports[0]["cases"]},
        "large": {"url": large, "cases": reports[1]["cases"]},
        "runs_per_query": rounds,
        "kinds": rows,
        "worst_p99_ms_large": max(r["large"]["p99"] for r in rows.values()),
        "worst_max_ms_large": max(r["large"]["max"] for r in rows.values()),
        "worst_growth_p95": max(r["growth_p95"] for r in rows.values()),
    }
    summary["targets_met"] = {
        "p99_under_50ms": summary["worst_p99_ms_large"] < 50,
        "max_under_100ms": summary["worst_max_ms_large"] < 100,
        "growth_at_most_1.5": summary["worst_growth_p95"] <= 1.5,
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument(
        "--rounds", type=int, default=3, help="Measured runs of every query; the percentiles are over all runs."
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--compare", nargs=2, metavar=("SMALL_URL", "LARGE_URL"))
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help=f"Comma-separated kinds to run (default all): {', '.join(KINDS)}."
    )
    args = parser.parse_args()
    kinds = [kind for kind in args.kinds.split(",") if kind]
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        parser.error(f"unknown kinds: {', '.join(unknown)}")
    if args.compare:
        compare(
            args.compare[0], args.compare[1], samples=args.samples, seed=args.seed, rounds=args.rounds, kinds=kinds
        )
        return
    from accounts.models import User

    connection.ensure_connection()
    user = User.objects.filter(is_staff=True).first() or User.objects.create(
        email="bench-staff@example.hk", kind=User.Kind.STAFF, is_staff=True
    )
    cases = _rows("SELECT count(*) FROM filing_case")[0][0]
    parties = _rows("SELECT count(*) FROM filing_party")[0][0]
    queries = draw_queries(args.samples, args.seed)
    recorded: dict[str, list[list[tuple[str, Any]]]] = {}
    for kind in kinds:  # warm-up pass, which also records each query's SQL
        recorded[kind] = [run_once(user, params)[1] for params in queries[kind]]
    report: dict[str, Any] = {
        "cases": cases,
        "parties": parties,
        "samples_per_kind": args.samples,
        "runs_per_query": args.rounds,
        "kinds": {},
    }
    for kind in kinds:
        server, raw, totals = [], [], []
        for round_ in range(args.rounds):
            for i, params in enumerate(queries[kind]):
                # Alternate which of the two runs first, so that neither always finds the
                # other's pages in the cache.
                if (i + round_) % 2:
                    raw.append(replay(recorded[kind][i]))
                elapsed, statements, total = run_once(user, params)
                server.append(elapsed)
                if not (i + round_) % 2:
                    raw.append(replay(statements))
                if not round_:
                    totals.append(total)
        report["kinds"][kind] = {
            "example": queries[kind][0],
            "server_ms": summarise(server),
            "server_samples_ms": [round(ms, 3) for ms in server],
            "raw_sql_ms": {"p50": percentile(raw, 50), "p95": percentile(raw, 95)},
            "overhead_ratio_p50": round(statistics.median(server) / max(statistics.median(raw), 1e-6), 2),
            "matches_median": statistics.median(totals),
            # The three slowest queries of the kind (the worst of their runs), to look into.
            "slowest": [
                {"query": queries[kind][i]["q"], "ms": round(ms, 2)}
                for ms, i in sorted(
                    (
                        (max(server[r * len(queries[kind]) + i] for r in range(args.rounds)), i)
                        for i in range(len(queries[kind]))
                    ),
                    reverse=True,
                )[:3]
            ],
            "queries_with_no_match": sum(1 for t in totals if not t),
        }
    report["worst_p99_ms"] = max(v["server_ms"]["p99"] for v in report["kinds"].values())
    report["worst_max_ms"] = max(v["server_ms"]["max"] for v in report["kinds"].values())
    report["target_p99_under_50ms"] = report["worst_p99_ms"] < 50
    report["target_max_under_100ms"] = report["worst_max_ms"] < 100
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
