"""RTO: how long a whole-database restore takes with pgBackRest, at 200,000 cases.

    .venv/bin/python bench/restore_drill.py                  # 200,000 cases
    .venv/bin/python bench/restore_drill.py --cases 20000    # a quick run

Builds a private PostgreSQL 15 cluster on a free port (never the shared one; the helpers
of the restore drill, tests/faults/backups.py), migrates the portal's schema into it and
loads the synthetic register with ``manage.py generate_corpus`` (cases, parties, the cause
book's entries and indexes). It archives WAL to a local pgBackRest repository (zstd, two
processes, as deploy/pgbackrest/pgbackrest.conf), takes a full backup, then writes a
day's worth of further cases (``--after-cases``) whose WAL the restore must replay. It
then stops the cluster and restores the repository into a fresh data directory: the
time from ``pgbackrest restore`` to the promoted cluster answering a count of its cases
is the restore time. Prints the figures as JSON; docs/operations.md keeps them.
Everything is removed at the end. Needs root or the postgres user, and pgBackRest.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faults.backups import BackupRepository, new_cluster, wait_promoted  # noqa: E402
from tests.faults.conftest import PrivatePostgres  # noqa: E402

DB = "icms_corpus"


def _manage(cluster: PrivatePostgres, *args: str) -> float:
    """Run a management command on the cluster's database; returns its wall-clock seconds."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "icms.settings.test", "DATABASE_URL": cluster.url(DB)}
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def _count_cases(cluster: PrivatePostgres) -> int:
    ((count,),) = cluster.query("SELECT count(*) FROM filing_case", DB)
    return int(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=200_000, help="cases in the backup (default 200,000)")
    parser.add_argument("--after-cases", type=int, default=5_000, help="cases written after the backup (WAL)")
    options = parser.parse_args()
    figures: dict[str, object] = {"cases": options.cases, "after_cases": options.after_cases}
    with new_cluster() as cluster:
        cluster.create_database(DB)
        figures["migrate_seconds"] = round(_manage(cluster, "migrate", "--verbosity", "0"), 1)
        figures["corpus_seconds"] = round(_manage(cluster, "generate_corpus", "--cases", str(options.cases)), 1)
        ((size,),) = cluster.query(f"SELECT pg_database_size('{DB}')")
        figures["database_mib"] = round(int(size) / 2**20, 1)

        repository = BackupRepository(cluster)
        repository.configure()
        repository.stanza_create()
        repository.check()
        started = time.monotonic()
        full = repository.backup("full")
        figures["backup_seconds"] = round(time.monotonic() - started, 1)
        figures["backup_cluster_mib"] = round(full.database_bytes / 2**20, 1)
        figures["backup_repository_mib"] = round(full.repository_bytes / 2**20, 1)

        # A day's filings, and more: WAL that the restore replays after copying the backup.
        _manage(cluster, "generate_corpus", "--cases", str(options.after_cases), "--seed", "8", "--keep-indexes")
        expected = _count_cases(cluster)
        repository.archive_now(DB)
        figures["repository_with_wal_mib"] = round(repository.repository_bytes() / 2**20, 1)
        cluster.stop()  # the disaster

        started = time.monotonic()
        with repository.restored() as restored:  # to the end of the archived WAL, then promoted
            copied = time.monotonic() - started  # files restored and the server started
            wait_promoted(restored, seconds=1800)
            assert _count_cases(restored) == expected, "the restore lost cases"
            figures["restore_seconds"] = round(time.monotonic() - started, 1)
            figures["restore_files_and_start_seconds"] = round(copied, 1)
        cluster.start()  # so that the context manager stops and removes it as usual
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
