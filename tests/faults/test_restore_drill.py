"""The restore drill: back up with pgBackRest, keep working, lose the server, restore to a
moment in between, and find every record and document as it was at that moment.

The drill runs on its own cluster (``private_postgres``, a copy of the test database)
with WAL archived to a pgBackRest repository in the cluster's temporary directory
(``tests/faults/backups.py``; the production settings are in ``deploy/pgbackrest/``):

1. a full backup; then filings, payments and their audit rows made by a portal process;
2. the restore target: the database clock's time, with every table's rows noted;
3. more activity after the target, which a restore to the target must not bring back;
4. the WAL archived and the primary stopped (the disaster);
5. ``pgbackrest restore --type=time`` into a fresh data directory on another port,
   promoted at the target; the tables compared row by row with what step 2 noted, and
   every stored document read back and hashed against the SHA-256 its record holds.

docs/operations.md describes the same steps for a real restore and the monthly drill.
"""

from __future__ import annotations

import shutil
import time
from typing import Any

import pytest

from icms.core.storage import default_storage, hash_stored_document
from tests.factories import StaffFactory
from tests.faults.backups import PGBACKREST, BackupRepository, wait_promoted
from tests.faults.conftest import PrivatePostgres
from tests.faults.drill_workload import drill_filer, record_activity, record_in_process

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

DB = "icms_drill"
# What the drill compares: each table's count and a digest of all its rows, in id order.
TABLES = {
    "cases": "filing_case",
    "submissions": "filing_submission",
    "documents": "filing_document",
    "payment orders": "payments_paymentorder",
    "ledger entries": "payments_ledgerentry",
    "audit rows": "accounts_auditevent",
}
# Every stored object a record holds a SHA-256 for: originals, sealed copies, acknowledgements.
STORED_OBJECTS = """
    SELECT storage_key, sha256 FROM filing_document
    UNION ALL SELECT sealed_storage_key, sealed_sha256 FROM filing_document WHERE sealed_storage_key <> ''
    UNION ALL SELECT storage_key, sha256 FROM filing_acknowledgementversion WHERE storage_key <> ''
"""


def _tables(cluster: PrivatePostgres) -> dict[str, tuple[int, str]]:
    """Each table's row count and the MD5 of its rows as text, in one snapshot."""
    columns = ", ".join(
        f"(SELECT count(*) FROM {table}), "  # noqa: S608 - table names are constants
        f"(SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t.id), '')) FROM {table} t)"
        for table in TABLES.values()
    )
    ((*values,),) = cluster.query(f"SELECT {columns}", DB)
    return {name: (int(values[2 * i]), str(values[2 * i + 1])) for i, name in enumerate(TABLES)}


def _present(cluster: PrivatePostgres, table: str, column: str, keys: list[Any]) -> int:
    listed = ", ".join(f"'{key}'" for key in keys)
    ((count,),) = cluster.query(f"SELECT count(*) FROM {table} WHERE {column}::text IN ({listed})", DB)  # noqa: S608
    return int(count)


def _verify_stored(objects: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The keys missing from storage, and those whose bytes do not hash to the recorded SHA-256."""
    storage = default_storage()
    missing = [key for key, _ in objects if not storage.exists(key)]
    altered = [key for key, sha256 in objects if key not in missing and hash_stored_document(key) != sha256]
    return missing, altered


def test_a_point_in_time_restore_brings_back_every_record_and_document(private_postgres, firm_filer):
    if shutil.which(PGBACKREST) is None:
        pytest.skip("pgBackRest is not installed (apt-get install pgbackrest; .ci/run does)")
    drill_filer(firm_filer, StaffFactory(group="Accounts officer"))
    record_activity(user_id=firm_filer.pk, case_id=firm_filer.case.pk, tag="before the backup", count=1)
    url = private_postgres.copy_test_database(DB)

    repository = BackupRepository(private_postgres)
    repository.configure()
    repository.stanza_create()
    repository.check()
    full = repository.backup("full")

    rounds = {"user_id": firm_filer.pk, "case_id": firm_filer.case.pk}
    before = record_in_process(url, tag="before the target", count=2, **rounds)
    ((target,),) = private_postgres.query(
        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'", DB
    )
    at_target = _tables(private_postgres)
    after = record_in_process(url, tag="after the target", count=1, **rounds)
    assert _tables(private_postgres)["audit rows"][0] > at_target["audit rows"][0]
    repository.archive_now(DB)
    private_postgres.stop()  # the disaster: the server and its data directory are gone
    try:
        started = time.monotonic()
        with repository.restored("--type=time", f"--target={target}", "--target-action=promote") as restored:
            wait_promoted(restored)
            restored_tables = _tables(restored)
            stored = [(str(key), str(sha256)) for key, sha256 in restored.query(STORED_OBJECTS, DB)]
            restore_seconds = time.monotonic() - started
            found_before = _present(restored, "filing_submission", "reference", before.submissions)
            found_after = (
                _present(restored, "filing_submission", "reference", after.submissions)
                + _present(restored, "filing_case", "id", after.cases)
                + _present(restored, "payments_ledgerentry", "id", after.ledger_entries)
            )
            recovery = restored.log.read_text(errors="replace")
    finally:
        private_postgres.start()  # the module's cluster, for whoever uses it next

    # Recovery replayed the archived WAL up to the target and stopped there, not at the backup's end.
    assert "recovery stopping before commit of transaction" in recovery, recovery[-3000:]
    assert restored_tables == at_target  # every row of every table, not only the counts
    assert found_before == len(before.submissions) == 4
    assert found_after == 0, "rows recorded after the target came back"
    missing, altered = _verify_stored(stored)
    assert (missing, altered) == ([], [])
    documents = restored_tables["documents"][0]
    assert documents == 6 and len(stored) >= documents  # 2 + 2 x 2 filings, each with one document
    records = sum(count for count, _ in restored_tables.values())
    print(
        f"FIGURE restore drill: full backup {full.repository_bytes / 2**20:.1f} MiB in the repository "
        f"({full.database_bytes / 2**20:.1f} MiB of cluster files), repository with WAL "
        f"{repository.repository_bytes() / 2**20:.1f} MiB; point-in-time restore to the target, promoted and "
        f"compared in {restore_seconds:.1f} s; {records} records in {len(TABLES)} tables compared, all equal "
        f"({', '.join(f'{name} {count}' for name, (count, _) in restored_tables.items())}); "
        f"{len(stored)} stored objects verified ({documents} documents and their acknowledgements), "
        f"all present, all matching"
    )
