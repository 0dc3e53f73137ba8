"""Document storage on a real S3 API: moto's server, started once per test session.

moto in server mode speaks the S3 protocol over HTTP on a free port, in its own process
(``tests.faults.processes.start_s3_server``), and keeps its buckets in memory. Each test
that asks for ``s3_storage`` gets a bucket of its own, made by ``storage_setup`` exactly
as ``manage.py storage_setup`` makes it in a deployment, and ``STORAGES["default"]``
pointed at it with the options of production (icms/settings/_storage.py).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from icms.core.drafts_storage_setup import drafts_storage_setup
from icms.core.storage_setup import storage_setup
from tests.faults.processes import free_port, log_file, start_s3_server, stop

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def s3_default_storage(*, bucket: str, endpoint: str, expire: int = 60) -> dict[str, Any]:
    """``STORAGES["default"]`` for S3, with the options production uses (icms/settings/_storage.py)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": REGION,
            "access_key": CREDENTIALS["aws_access_key_id"],
            "secret_key": CREDENTIALS["aws_secret_access_key"],
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": expire,
            "signature_version": "s3v4",
            "file_overwrite": False,
        },
    }


@dataclass
class S3Server:
    endpoint: str

    def client(self) -> Any:
        """A client of the test's own, to look at the bucket without going through the portal."""
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION, **CREDENTIALS)


@dataclass
class S3Bucket:
    """The test's bucket, seen directly (not through django-storages)."""

    name: str
    server: S3Server

    def __post_init__(self) -> None:
        self.client = self.server.client()

    def exists(self) -> bool:
        return any(bucket["Name"] == self.name for bucket in self.client.list_buckets()["Buckets"])

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def body(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.name, Key=key)["Body"].read())

    def sha256(self, key: str) -> str:
        return hashlib.sha256(self.body(key)).hexdigest()

    def versions(self, key: str) -> list[dict[str, Any]]:
        listing = self.client.list_object_versions(Bucket=self.name, Prefix=key)
        return [version for version in listing.get("Versions", []) if version["Key"] == key]


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server for the whole session (it starts in a second or two)."""
    port, log = free_port(), log_file("s3")
    process = start_s3_server(port, log=log)
    try:
        yield S3Server(endpoint=f"http://127.0.0.1:{port}")
    finally:
        stop(process)


@pytest.fixture
def s3_bucket(settings, s3_server) -> S3Bucket:
    """``STORAGES["default"]`` on S3, in a bucket of this test's own that does not exist yet.

    ``STORAGES["drafts"]`` is a bucket of its own beside it (``<name>-drafts``), as in production.
    """
    name = f"icms-test-{uuid.uuid4().hex[:20]}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_default_storage(bucket=name, endpoint=s3_server.endpoint),
        "drafts": s3_default_storage(bucket=f"{name}-drafts", endpoint=s3_server.endpoint),
    }
    return S3Bucket(name=name, server=s3_server)


@pytest.fixture
def s3_storage(s3_bucket) -> S3Bucket:
    """``STORAGES["default"]`` on S3, in a fresh bucket set up as ``manage.py storage_setup`` does
    (and the drafts' bucket beside it)."""
    for report in (storage_setup(), drafts_storage_setup()):
        assert report.ok, report.problems
    return s3_bucket


@pytest.fixture
def buckets(settings, s3_server) -> tuple[S3Bucket, S3Bucket]:
    """The documents' bucket (versioned, one day's compliance lock) and the drafts', both made
    by ``storage_setup`` as ``manage.py storage_setup`` makes them."""
    documents, drafts = (f"icms-test-{uuid.uuid4().hex[:16]}-{what}" for what in ("docs", "drafts"))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_default_storage(bucket=documents, endpoint=s3_server.endpoint),
        "drafts": s3_default_storage(bucket=drafts, endpoint=s3_server.endpoint),
    }
    settings.AWS_S3_OBJECT_LOCK_DAYS = 1
    for report in (storage_setup(), drafts_storage_setup()):
        assert report.ok, report.problems
    return S3Bucket(name=documents, server=s3_server), S3Bucket(name=drafts, server=s3_server)
