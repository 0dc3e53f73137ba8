"""pgBackRest on a private cluster: the restore drill's (and its benchmark's) backup repository.

Everything lives in the cluster's own temporary directory: the configuration file, the
repository, the log, lock and spool directories. Nothing is read from or written to
/etc/pgbackrest or /var/lib/pgbackrest, so the drill never meets a real repository.
pgBackRest runs as the server's own user (postgres, when the tests run as root): the
server runs ``archive-push`` itself, and every file must be that user's.

The settings are those of ``deploy/pgbackrest/`` (stanza ``icms``, zstd, archiving with
``archive_timeout``). The repository is local by default; given an :class:`S3Repository`
(an S3 API server, moto in the tests) it is the production one: every ``[global]`` option
of ``deploy/pgbackrest/pgbackrest.conf`` as written there (S3, the cipher, zstd,
asynchronous archiving, retention), with only what must differ on a test machine
replaced (:data:`S3_OVERRIDDEN`).
"""

from __future__ import annotations

import configparser
import contextlib
import copy
import dataclasses
import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.faults.conftest import (
    PrivatePostgres,
    _as_postgres,
    _cluster,
    _cluster_directory,
    initdb_command,
)
from tests.faults.processes import ROOT, tail

STANZA = "icms"
PGBACKREST = "/usr/bin/pgbackrest"
DEPLOY_CONFIG = ROOT / "deploy" / "pgbackrest" / "pgbackrest.conf"
# The production [global] options an S3 test repository replaces, and nothing else: where the
# server is and how to reach it, its credentials, this machine's paths, and the two options the
# tests make faster. The rest (repo1-type, repo1-path, the cipher, compression, archive-async,
# retention) is read from the deploy file, so a change there is what the S3 test runs.
S3_OVERRIDDEN = frozenset({
    "repo1-s3-endpoint", "repo1-storage-port", "repo1-s3-bucket", "repo1-s3-region", "repo1-s3-uri-style",
    "repo1-storage-ca-file", "repo1-s3-key", "repo1-s3-key-secret", "repo1-cipher-pass",
    "log-path", "lock-path", "spool-path", "process-max", "start-fast",
})  # fmt: skip


def deploy_global_options() -> dict[str, str]:
    """The ``[global]`` options of ``deploy/pgbackrest/pgbackrest.conf``, in the file's order."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep the names as written
    parser.read_string(DEPLOY_CONFIG.read_text())
    return dict(parser["global"])


@dataclass(frozen=True)
class S3Repository:
    """Where a repository of type S3 lives: an S3 API server on this machine and a bucket in it.

    ``host`` must be a name the server's certificate holds (``ca_file``): pgBackRest verifies
    TLS here as in production, against that certificate instead of the system's CAs.
    ``cipher_pass`` is the repository's passphrase (``repo1-cipher-pass``).
    """

    host: str
    port: int
    bucket: str
    key: str
    secret: str
    ca_file: Path
    cipher_pass: str
    region: str = "us-east-1"


@contextlib.contextmanager
def new_cluster() -> Iterator[PrivatePostgres]:
    """A new, empty, running private cluster (as ``private_postgres``); removed afterwards."""
    directory = _cluster_directory()
    with _cluster(directory, initdb_command(directory)) as cluster:
        yield cluster


@dataclass(frozen=True)
class BackupInfo:
    """One backup in the repository, as ``pgbackrest info`` reports it."""

    label: str
    kind: str
    database_bytes: int  # the cluster's files the backup covers
    repository_bytes: int  # what the backup takes in the repository, compressed


class BackupRepository:
    """A pgBackRest repository for one private cluster (the stanza's ``pg1``).

    ``configure()`` writes the configuration and turns WAL archiving on (a restart);
    then ``stanza_create()``, ``check()``, ``backup()``, ``restored()``.
    """

    def __init__(
        self,
        cluster: PrivatePostgres,
        *,
        process_max: int = 2,
        s3: S3Repository | None = None,
    ) -> None:
        self.cluster = cluster
        self.root = cluster.directory / "pgbackrest"
        self.repository = self.root / "repo"
        self.log = self.root / "log"
        self.config = self.root / "pgbackrest.conf"
        self.process_max = process_max
        self.s3 = s3

    def configure(self) -> None:
        """Write the configuration, make the directories, and archive the cluster's WAL here."""
        for directory in (self.root, self.repository, self.log, self.root / "lock", self.root / "spool"):
            directory.mkdir(mode=0o750, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(directory, "postgres", "postgres")
        if self.s3 is not None:
            # pgBackRest runs as postgres: its own copy of the CA file, readable by it.
            shutil.copyfile(self.s3.ca_file, self.root / "ca.pem")
            if os.geteuid() == 0:
                shutil.chown(self.root / "ca.pem", "postgres", "postgres")
        self._write_config()
        archive = f"{PGBACKREST} --config={self.config} --stanza={STANZA} archive-push %p"
        for name, value in (
            ("wal_level", "replica"),
            ("archive_mode", "on"),
            ("archive_command", archive),
            ("archive_timeout", "60"),
        ):
            self.cluster.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        self.cluster.restart()  # archive_mode takes a restart

    def _global_options(self) -> dict[str, str]:
        local = {
            "log-path": str(self.log),
            "lock-path": str(self.root / "lock"),
            "spool-path": str(self.root / "spool"),
            "process-max": str(self.process_max),
            # A checkpoint at once rather than a spread one: the tests wait for it.
            "start-fast": "y",
        }
        if self.s3 is None:
            return {"repo1-path": str(self.repository), "repo1-retention-full": "2", "compress-type": "zst",
                    "log-level-console": "warn", "log-level-file": "info", **local}  # fmt: skip
        s3 = {
            "repo1-s3-endpoint": self.s3.host,
            "repo1-storage-port": str(self.s3.port),
            "repo1-s3-bucket": self.s3.bucket,
            "repo1-s3-region": self.s3.region,
            "repo1-s3-uri-style": "path",  # no per-bucket host names on a local server
            "repo1-storage-ca-file": str(self.root / "ca.pem"),
            # Production reads these from the environment (PGBACKREST_*), never from the file;
            # here they are test values, and the file is the server's user's alone.
            "repo1-s3-key": self.s3.key,
            "repo1-s3-key-secret": self.s3.secret,
            "repo1-cipher-pass": self.s3.cipher_pass,
        }
        overrides = {**s3, **local}
        assert overrides.keys() == S3_OVERRIDDEN, overrides.keys() ^ S3_OVERRIDDEN
        return {**deploy_global_options(), **overrides}

    def _write_config(self) -> None:
        options = "".join(f"{name}={value}\n" for name, value in self._global_options().items())
        self.config.write_text(
            f"[global]\n{options}"
            f"\n[{STANZA}]\n"
            f"pg1-path={self.cluster.data}\n"
            f"pg1-port={self.cluster.port}\n"
            f"pg1-socket-path={self.cluster.directory}\n"
            f"pg1-user={self.cluster.user}\n"
        )
        self.config.chmod(0o600)
        if os.geteuid() == 0:
            shutil.chown(self.config, "postgres", "postgres")

    def with_cipher_pass(self, cipher_pass: str) -> BackupRepository:
        """The same (S3) repository as seen with another passphrase (its own configuration file)."""
        assert self.s3 is not None, "only an S3 repository is encrypted"
        other = copy.copy(self)
        other.s3 = dataclasses.replace(self.s3, cipher_pass=cipher_pass)
        other.config = self.root / f"pgbackrest-{uuid.uuid4().hex[:8]}.conf"
        other._write_config()
        return other

    def run(self, command: str, *options: str) -> str:
        """One pgBackRest command on the stanza, as the server's user; its standard output."""
        argv = [PGBACKREST, f"--config={self.config}", f"--stanza={STANZA}", *options, command]
        # errors="replace": read with the wrong passphrase, pgBackRest quotes what it could not decrypt.
        result = subprocess.run(_as_postgres(argv), capture_output=True, text=True, errors="replace", check=False)
        if result.returncode != 0:
            output = f"{result.stdout}{result.stderr}"
            raise AssertionError(f"pgbackrest {command} exited with {result.returncode}:\n{output}\n{self._logs()}")
        return result.stdout

    def stanza_create(self) -> None:
        self.run("stanza-create")

    def check(self) -> None:
        """pgBackRest's own check: the configuration is right and a WAL segment reaches the repository."""
        self.run("check")

    def backup(self, kind: str = "full") -> BackupInfo:
        """Take a backup (``full``, ``diff`` or ``incr``); returns what the repository says of it."""
        self.run("backup", f"--type={kind}")
        return self.backups()[-1]

    def backups(self) -> list[BackupInfo]:
        (stanza,) = json.loads(self.run("info", "--output=json"))
        return [
            BackupInfo(
                label=backup["label"],
                kind=backup["type"],
                database_bytes=int(backup["info"]["size"]),
                repository_bytes=int(backup["info"]["repository"]["size"]),
            )
            for backup in stanza["backup"]
        ]

    def repository_bytes(self) -> int:
        """The repository on disk: the backups and the archived WAL (a local repository only)."""
        return sum(path.stat().st_size for path in self.repository.rglob("*") if path.is_file())

    def archive_now(self, dbname: str = "postgres", seconds: float = 60) -> str:
        """Close the current WAL segment and wait until the server has archived it; returns its name.

        What the server writes is archived segment by segment; ``archive_timeout`` closes
        a segment after at most 60 s in production. The drill closes it at once.
        """
        ((segment,),) = self.cluster.query("SELECT pg_walfile_name(pg_switch_wal())", dbname)
        deadline, failed = time.monotonic() + seconds, ""
        while time.monotonic() < deadline:
            ((archived, failed),) = self.cluster.query(
                "SELECT coalesce(last_archived_wal, ''), coalesce(last_failed_wal, '') FROM pg_stat_archiver"
            )
            if archived >= segment:
                return str(segment)
            time.sleep(0.1)
        raise AssertionError(f"WAL segment {segment} not archived in {seconds:.0f} s (last failed: {failed})\n"
                             f"{tail(self.cluster.log)}")  # fmt: skip

    @contextlib.contextmanager
    def restored(self, *options: str) -> Iterator[PrivatePostgres]:
        """The latest backup restored into a fresh cluster directory (recovering with ``options``,
        e.g. ``--type=time``, ``--target=…``, ``--target-action=promote``), started on a free
        port; stopped and removed afterwards.

        ``--archive-mode=off``: a restored copy must never push WAL into the repository of
        the cluster it was restored from.
        """
        directory = _cluster_directory()
        restore = [PGBACKREST, f"--config={self.config}", f"--stanza={STANZA}", f"--pg1-path={directory / 'data'}",
                   "--archive-mode=off", *options, "restore"]  # fmt: skip
        try:
            with _cluster(directory, restore) as restored:
                yield restored
        except subprocess.CalledProcessError as error:
            raise AssertionError(f"pgbackrest restore failed: {error.stderr!r}\n{self._logs()}") from error

    def _logs(self) -> str:
        return "\n".join(tail(log, 3000) for log in sorted(self.log.glob("*.log")))


def wait_promoted(cluster: PrivatePostgres, seconds: float = 120) -> None:
    """Wait until a restored cluster has finished recovery and been promoted (accepts writes)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows: list[tuple[Any, ...]] = []
        with contextlib.suppress(Exception):
            rows = cluster.query("SELECT pg_is_in_recovery()")
        if rows and rows[0][0] is False:
            return
        time.sleep(0.1)
    raise AssertionError(f"the restored cluster still recovering after {seconds:.0f} s\n{tail(cluster.log)}")
