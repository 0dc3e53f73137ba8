"""``manage.py generate_corpus --cases N``: bulk-load a synthetic register for benchmarks.

Loads with PostgreSQL COPY (psycopg 3 ``cursor.copy``), with the cause book's search
indexes dropped during the load and built afterwards, then rebuilds the name vocabulary
and runs ANALYZE. The cause book's entries are filled in one statement after the load
(the per-row triggers are off during COPY). Use a database of its own::

    createdb -E UTF8 --locale=C.UTF-8 -T template0 icms_corpus
    DATABASE_URL=postgres:///icms_corpus .venv/bin/python manage.py migrate
    DATABASE_URL=postgres:///icms_corpus .venv/bin/python manage.py generate_corpus --cases 2000000
"""

from __future__ import annotations

import importlib
import time
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from causebook.management import corpus
from causebook.terms import BUCKETS_VERSION_KEY
from icms.core.kept import version_bump

CASE_COLUMNS = "id, case_type_id, number, year, status, nature_en, nature_zh, issued_at, created_at, updated_at"
PARTY_COLUMNS = (
    "id, case_id, side, ordinal, kind, name_en, name_zh, address_for_service, id_kind, id_number, "
    "created_at, updated_at"
)
BATCH = 20_000
# The SQL lives in the migration that made the tables and indexes; one source of truth.
_entries = importlib.import_module("causebook.migrations.0006_cause_book_entries")
ENTRY_INDEXES: str = _entries.ENTRY_INDEXES
VOCABULARY: str = _entries.VOCABULARY
_pairs = importlib.import_module("causebook.migrations.0008_name_word_pairs")
PAIRS_INDEX: str = _pairs.PAIRS_INDEX
_scale = importlib.import_module("causebook.migrations.0011_search_at_scale")
FILL_ENTRIES: str = _scale.FILL_ENTRIES
SCALE_INDEXES: str = _scale.INDEXES
COUNT_ALL: str = _scale.COUNT_ALL
_tagged = importlib.import_module("causebook.migrations.0014_filtered_name_pairs")
TAGGED_INDEX: str = _tagged.TAGGED_INDEX
COUNT_PAIRS: str = importlib.import_module("causebook.migrations.0016_tagged_pair_counts").COUNT_PAIRS
INDEX_NAMES: list[str] = [
    *_entries.ENTRY_INDEX_NAMES,
    _pairs.PAIRS_INDEX_NAME,
    *_scale.INDEX_NAMES,
    _tagged.TAGGED_INDEX_NAME,
    "causebook_case_type_number",
]
CASE_NUMBER_INDEX = "CREATE INDEX IF NOT EXISTS causebook_case_type_number ON filing_case (case_type_id, number)"


class Command(BaseCommand):
    help = "Bulk-load N synthetic cases with bilingual parties (benchmarks only; never in tests)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, required=True)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--keep-indexes", action="store_true", help="Load with the search indexes in place.")

    def handle(self, *args: Any, **options: Any) -> None:
        n = options["cases"]
        if n <= 0:
            raise CommandError("--cases must be positive.")
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SELECT prefix, id FROM filing_casetype")
            type_ids = dict(cursor.fetchall())
            missing = {t[0] for t in corpus.CASE_TYPES} - set(type_ids)
            if missing:
                raise CommandError(f"Case types missing (run migrate first): {', '.join(sorted(missing))}")
            cursor.execute("SELECT coalesce(max(id), 0) FROM filing_case")
            next_case = cursor.fetchone()[0] + 1
            cursor.execute("SELECT coalesce(max(id), 0) FROM filing_party")
            next_party = cursor.fetchone()[0] + 1
            first_party = next_party
            cursor.execute(
                "SELECT t.prefix, c.year, max(c.number) FROM filing_case c JOIN filing_casetype t "
                "ON t.id = c.case_type_id WHERE c.number IS NOT NULL GROUP BY 1, 2"
            )
            numbers = {(prefix, year): last for prefix, year, last in cursor.fetchall()}
        if not options["keep_indexes"]:
            with connection.cursor() as cursor:
                for name in INDEX_NAMES:
                    cursor.execute(f"DROP INDEX IF EXISTS {name}")
        now = datetime.now(UTC).isoformat()
        loaded_cases = loaded_parties = 0
        with transaction.atomic(), connection.cursor() as cursor:
            # Skip per-row triggers (foreign-key checks, the vocabulary trigger) during the
            # load: every id is made here, consistently. The vocabulary is rebuilt below.
            cursor.execute("SET LOCAL session_replication_role = replica")
            raw = cursor.cursor  # psycopg 3
            rows = corpus.cases(n, seed=options["seed"])
            while loaded_cases < n:
                case_lines: list[str] = []
                party_lines: list[str] = []
                for row in _take(rows, min(BATCH, n - loaded_cases)):
                    key = (row.prefix, row.year)
                    numbers[key] = numbers.get(key, 0) + 1
                    issued = row.issued_at
                    case_lines.append(
                        f"{next_case}\t{type_ids[row.prefix]}\t{numbers[key]}\t{row.year}\t{row.status}\t"
                        f"{row.nature_en}\t{row.nature_zh}\t{issued}\t{now}\t{now}\n"
                    )
                    for party in row.parties:
                        party_lines.append(
                            f"{next_party}\t{next_case}\t{party.side}\t{party.ordinal}\t{party.kind}\t"
                            f"{party.name_en}\t{party.name_zh}\t\t\t\t{now}\t{now}\n"
                        )
                        next_party += 1
                    next_case += 1
                with raw.copy(f"COPY filing_case ({CASE_COLUMNS}) FROM STDIN") as copy:
                    copy.write("".join(case_lines))
                with raw.copy(f"COPY filing_party ({PARTY_COLUMNS}) FROM STDIN") as copy:
                    copy.write("".join(party_lines))
                loaded_cases += len(case_lines)
                loaded_parties += len(party_lines)
                if loaded_cases % 200_000 < BATCH:
                    self.stdout.write(
                        f"  {loaded_cases:,} cases, {loaded_parties:,} parties, {time.monotonic() - started:.0f} s"
                    )
            cursor.execute("SELECT setval(pg_get_serial_sequence('filing_case', 'id'), %s)", [next_case - 1])
            cursor.execute("SELECT setval(pg_get_serial_sequence('filing_party', 'id'), %s)", [next_party - 1])
        loaded_at = time.monotonic()
        self.stdout.write(
            f"Loaded {loaded_cases:,} cases and {loaded_parties:,} parties in {loaded_at - started:.0f} s."
        )
        with transaction.atomic(), connection.cursor() as cursor:
            # The entries in one statement, triggers off as for the load; the vocabulary
            # after, with triggers on, so that each new word gets its deletes.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(FILL_ENTRIES, [first_party])
            cursor.execute("SET LOCAL session_replication_role = origin")
            cursor.execute(VOCABULARY)
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("SET max_parallel_maintenance_workers = 2")
            cursor.execute(ENTRY_INDEXES)
            cursor.execute(PAIRS_INDEX)
            cursor.execute(SCALE_INDEXES)
            cursor.execute(TAGGED_INDEX)
            cursor.execute(CASE_NUMBER_INDEX)
            # The search's kept counts (migrations 0011 and 0016), all at once: the per-row
            # queue trigger was off during the load.
            cursor.execute("SET work_mem = '256MB'")
            cursor.execute(COUNT_ALL)
            cursor.execute(COUNT_PAIRS)
            version_bump(BUCKETS_VERSION_KEY)  # processes that kept the buckets' counts read them afresh
            for table in [
                "filing_case",
                "filing_party",
                "causebook_causebookentry",
                "causebook_nametoken",
                "causebook_nametokenvariant",
                "causebook_termcount",
            ]:
                cursor.execute(f"VACUUM ANALYZE {table}")
        finished = time.monotonic()
        self.stdout.write(f"Entries, indexes, vocabulary and statistics in {finished - loaded_at:.0f} s.")
        self.stdout.write(
            self.style.SUCCESS(f"Done in {finished - started:.0f} s ({(finished - started) / 60:.1f} min).")
        )


def _take(iterator: Any, count: int) -> list[Any]:
    return [next(iterator) for _ in range(count)]
