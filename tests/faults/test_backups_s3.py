"""The production backup repository, proved against a real S3 API server.

The restore drill (test_restore_drill.py) uses a local repository; production backs up to
S3, encrypted, with WAL pushed asynchronously (deploy/pgbackrest/pgbackrest.conf). This
test runs those options as the deploy file has them (tests/faults/backups.py reads it and
replaces only the endpoint, the credentials and this machine's paths) against moto's S3
server over TLS, which pgBackRest verifies against the server's own certificate:

1. a new private cluster archives to the bucket: stanza-create and check;
2. rows, a full backup, more rows, their WAL archived;
3. the latest restored into a fresh cluster: every row is back, those written after the
   backup included (the WAL came back from the bucket and was replayed);
4. the repository says it is encrypted (aes-256-cbc); every object in the bucket is an
   encrypted file, and none holds the rows' text in clear;
5. with another passphrase the repository cannot be read, nor restored from.

What moto cannot show (AWS credentials and IAM, region endpoints, host-style URIs) is
checked on the real bucket: docs/operations.md, "Backups".
"""

from __future__ import annotations

import configparser
import json
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.faults.backups import (
    DEPLOY_CONFIG,
    PGBACKREST,
    S3_OVERRIDDEN,
    BackupRepository,
    S3Repository,
    deploy_global_options,
    new_cluster,
    wait_promoted,
)
from tests.faults.conftest import PG_BIN, PrivatePostgres
from tests.faults.processes import free_port, log_file, start_s3_server, stop, tls_certificate

pytestmark = pytest.mark.faults

# In every row written, so that a clear copy of any of them in the bucket would show. zstd
# alone already hides it (tried: with repo1-cipher-type=none, no object holds it unless
# compression is off too), so the check that catches a repository left unencrypted is
# ENCRYPTED: with the cipher off, every one of the objects fails it.
MARKER = "ICMS-S3-REPOSITORY-MARKER"
ROWS = "SELECT id, phase, note FROM marker ORDER BY id"
# 6 MiB that neither TOAST nor zstd can shrink: a relation file larger than pgBackRest's 5 MiB
# upload chunk (repo1-storage-upload-chunk-size), so the backup takes S3's multipart upload path.
NOISE = "SELECT decode(string_agg(md5(random()::text), ''), 'hex') FROM generate_series(1, 393216)"
NOISE_DIGEST = "SELECT md5(bytes) FROM noise"
# What pgBackRest writes at the head of every file it encrypts (OpenSSL's salted format).
ENCRYPTED = b"Salted__"


@dataclass(frozen=True)
class S3Bucket:
    repository: S3Repository
    client: Any  # boto3's S3 client, for the test's own look into the bucket

    def objects(self, prefix: str) -> dict[str, tuple[str, bytes]]:
        """Every object under ``prefix``: key to its ETag and its bytes."""
        bucket, found = self.repository.bucket, {}
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                body = self.client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                found[item["Key"]] = (item["ETag"], body)
        return found


@pytest.fixture
def s3_bucket(tmp_path: Path) -> Iterator[S3Bucket]:
    """moto's S3 server over TLS (a certificate of the test's own for ``localhost``), with an
    empty bucket for the repository; stopped at teardown."""
    cert, key = tls_certificate(tmp_path)
    port, log = free_port(), log_file("s3-tls")
    process = start_s3_server(port, log=log, tls=(cert, key))
    try:
        repository = S3Repository(
            host="localhost", port=port, bucket=f"icms-db-backups-{uuid.uuid4().hex[:12]}", key="test-key",
            secret="test-secret", ca_file=cert, cipher_pass="test-passphrase-" + uuid.uuid4().hex,
        )  # fmt: skip
        client = boto3.client(
            "s3", endpoint_url=f"https://localhost:{port}", region_name=repository.region,
            aws_access_key_id=repository.key, aws_secret_access_key=repository.secret, verify=str(cert),
        )  # fmt: skip
        client.create_bucket(Bucket=repository.bucket)
        yield S3Bucket(repository, client)
    finally:
        stop(process)


def _write(cluster: PrivatePostgres, phase: str, ids: range) -> None:
    cluster.execute(
        f"INSERT INTO marker SELECT i, '{phase}', '{MARKER} {phase} row ' || i "  # noqa: S608 - the test's constants
        f"FROM generate_series({ids.start}, {ids.stop - 1}) i"
    )


def _async_log(repository: BackupRepository, kind: str) -> str:
    """The log of pgBackRest's background ``archive-push`` or ``archive-get`` ("" if it never ran)."""
    path = repository.log / f"icms-archive-{kind}-async.log"
    return path.read_text() if path.exists() else ""


def test_the_production_s3_repository_restores_every_row_and_holds_nothing_in_clear(s3_bucket: S3Bucket) -> None:
    if shutil.which(PGBACKREST) is None:
        pytest.skip("pgBackRest is not installed (apt-get install pgbackrest; .ci/run does)")
    if not (PG_BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15 server binaries are not installed")
    started = time.monotonic()
    with new_cluster() as cluster:
        repository = BackupRepository(cluster, s3=s3_bucket.repository)
        repository.configure()
        # The production options, as the deploy file has them, apart from what must differ here.
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(repository.config.read_text())
        written, deployed = dict(parser["global"]), deploy_global_options()
        assert {name: value for name, value in written.items() if name not in S3_OVERRIDDEN} == {
            name: value for name, value in deployed.items() if name not in S3_OVERRIDDEN
        }
        assert (deployed["repo1-type"], deployed["repo1-cipher-type"], deployed["archive-async"]) == (
            "s3", "aes-256-cbc", "y"
        ), DEPLOY_CONFIG  # fmt: skip
        assert "repo1-storage-verify-tls" not in written  # verified, as in production
        repository.stanza_create()
        repository.check()

        cluster.execute("CREATE TABLE marker (id integer PRIMARY KEY, phase text NOT NULL, note text NOT NULL)")
        _write(cluster, "before the backup", range(1, 501))
        cluster.execute("CREATE TABLE noise (bytes bytea)")
        cluster.execute("ALTER TABLE noise ALTER COLUMN bytes SET STORAGE EXTERNAL")  # TOASTed, no pglz attempt
        cluster.execute(f"INSERT INTO noise {NOISE}")
        full = repository.backup("full")
        _write(cluster, "after the backup", range(501, 1001))
        repository.archive_now()
        written_rows, noise = cluster.query(ROWS), cluster.query(NOISE_DIGEST)
        (info,) = json.loads(repository.run("info", "--output=json"))
        cluster.stop()  # the disaster: only the bucket is left

        restore_started = time.monotonic()
        with repository.restored() as restored:
            wait_promoted(restored)
            restored_rows, restored_noise = restored.query(ROWS), restored.query(NOISE_DIGEST)
        restore_seconds = time.monotonic() - restore_started

        # archive-async: WAL went up, and came back for the restore, by pgBackRest's background processes.
        pushed, fetched = _async_log(repository, "push"), _async_log(repository, "get")

        wrong = repository.with_cipher_pass("not-the-passphrase")
        # AES-256-CBC carries no check of its own: the wrong passphrase decrypts the repository's
        # info files to noise, which pgBackRest cannot parse, so it lists nothing and says why.
        (wrong_info,) = json.loads(wrong.run("info", "--output=json"), strict=False)  # the noise has control bytes
        with pytest.raises(AssertionError, match="pgbackrest restore failed"), wrong.restored():
            pass
    objects = s3_bucket.objects(prefix=deployed["repo1-path"].strip("/") + "/")
    seconds = time.monotonic() - started

    assert len(written_rows) == 1000
    assert restored_rows == written_rows  # both phases: the backup and the WAL after it
    assert {phase for _, phase, _ in restored_rows} == {"before the backup", "after the backup"}
    assert restored_noise == noise
    assert "archive-push:async command end: completed successfully" in pushed, pushed[-3000:]
    assert "archive-get:async command end: completed successfully" in fetched, fetched[-3000:]
    assert (info["status"]["code"], info["cipher"]) == (0, "aes-256-cbc")
    assert [repo["cipher"] for repo in info["repo"]] == ["aes-256-cbc"]
    assert [backup["label"] for backup in info["backup"]] == [full.label]
    (wrong_repo,) = wrong_info["repo"]
    assert (wrong_info["backup"], wrong_info["status"]["code"], wrong_repo["status"]["code"]) == ([], 99, 99)
    assert "unable to load info file" in wrong_repo["status"]["message"], wrong_repo["status"]["message"][:300]

    kinds = {key.split("/")[1] for key in objects}
    assert kinds == {"archive", "backup"}, sorted(objects)
    in_clear = [key for key, (_, body) in objects.items() if MARKER.encode() in body]
    not_encrypted = [key for key, (_, body) in objects.items() if not body.startswith(ENCRYPTED)]
    assert (in_clear, not_encrypted) == ([], [])
    # S3 gives an object uploaded in parts an ETag ending in "-" and the number of parts.
    multipart = [key for key, (etag, _) in objects.items() if "-" in etag]
    assert multipart, "no object went up in parts: the multipart upload path was not exercised"
    wal = [key for key in objects if key.startswith(f"{deployed['repo1-path'].strip('/')}/archive/") and "-" in key]
    print(
        f"FIGURE S3 repository (moto over TLS, production options): stanza, check, full backup "
        f"{full.repository_bytes / 2**20:.1f} MiB in the bucket ({full.database_bytes / 2**20:.1f} MiB of cluster "
        f"files), {len(objects)} objects ({sum(len(body) for _, body in objects.values()) / 2**20:.1f} MiB, "
        f"{len(wal)} WAL, {len(multipart)} uploaded in parts), all encrypted; restore to a promoted cluster "
        f"{restore_seconds:.1f} s; whole test {seconds:.1f} s"
    )
