"""manage.py storage_setup: the bucket is made private and versioned, and --check says what is wrong."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from icms.core.storage import default_storage, store_document
from icms.core.storage_setup import PUBLIC_ACCESS_BLOCK, Outcome, storage_setup
from tests.faults.processes import ROOT
from tests.storage.conftest import CREDENTIALS, REGION

# No test here needs a row; the mark makes pytest-django create the test database, which
# the suite's session fixtures (tests/conftest.py, _seeded_rows) read even when run alone.
pytestmark = pytest.mark.django_db

MISSING = "does not exist. Run `manage.py storage_setup` to create it."


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("storage_setup", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_setup_creates_a_missing_bucket_private_and_versioned_and_leaves_no_probe(s3_bucket):
    assert not s3_bucket.exists()

    out, _ = _run()

    client = s3_bucket.client
    assert s3_bucket.exists()
    assert f"bucket: done, created bucket '{s3_bucket.name}'" in out
    assert client.get_bucket_versioning(Bucket=s3_bucket.name)["Status"] == "Enabled"
    assert client.get_public_access_block(Bucket=s3_bucket.name)["PublicAccessBlockConfiguration"] == (
        PUBLIC_ACCESS_BLOCK
    )
    grantees = [grant["Grantee"] for grant in client.get_bucket_acl(Bucket=s3_bucket.name)["Grants"]]
    assert [grantee["Type"] for grantee in grantees] == ["CanonicalUser"]  # the owner only
    assert "round trip: ok, wrote, read back and removed healthcheck/" in out
    # The probe is gone, every version of it: only documents are kept for ever.
    listing = client.list_object_versions(Bucket=s3_bucket.name)
    assert listing.get("Versions", []) == listing.get("DeleteMarkers", []) == []
    assert out.rstrip().endswith("Document storage is ready.")


def test_check_fails_on_a_missing_bucket_and_creates_nothing(s3_bucket):
    with pytest.raises(CommandError, match=f"bucket: bucket '{s3_bucket.name}' {MISSING}"):
        _run("--check")
    assert not s3_bucket.exists()


def test_check_passes_once_the_bucket_is_set_up_and_running_setup_again_changes_nothing(s3_storage):
    out, err = _run("--check")
    assert "PROBLEM" not in out + err
    assert "versioning: ok, enabled" in out
    assert "public access block: ok" in out
    assert out.rstrip().endswith("Document storage is ready.")
    again = storage_setup()
    assert again.ok and {finding.outcome.value for finding in again.findings} == {"ok"}


def test_check_names_each_misconfiguration_and_setup_fixes_them(s3_bucket):
    client = s3_bucket.client
    # A bucket made by hand: no versioning, no public access block, readable by anyone.
    client.create_bucket(Bucket=s3_bucket.name)
    client.put_bucket_acl(Bucket=s3_bucket.name, ACL="public-read")

    with pytest.raises(CommandError) as refused:
        _run("--check")
    message = str(refused.value)
    assert "public access block: public access is not fully blocked" in message
    assert "bucket ACL: grants READ to the public" in message
    assert "versioning: not enabled (never enabled)" in message
    assert client.get_bucket_versioning(Bucket=s3_bucket.name).get("Status") is None  # --check changed nothing

    out, _ = _run()
    assert "bucket ACL: done, removed public grants (READ)" in out
    assert client.get_bucket_versioning(Bucket=s3_bucket.name)["Status"] == "Enabled"
    _run("--check")


def test_a_bucket_policy_open_to_everyone_is_reported_and_left_for_a_person_to_remove(s3_storage):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{s3_storage.name}/*",
            }
        ],
    }
    s3_storage.client.put_bucket_policy(Bucket=s3_storage.name, Policy=json.dumps(policy))
    with pytest.raises(CommandError, match=r"bucket policy: allows anyone \(PublicRead\)"):
        _run()
    assert json.loads(s3_storage.client.get_bucket_policy(Bucket=s3_storage.name)["Policy"]) == policy


def test_an_object_readable_without_credentials_fails_the_check(s3_storage, settings):
    # The portal's own uploads are private (default_acl); a backend set to public-read is caught.
    default = settings.STORAGES["default"]
    public = {**default, "OPTIONS": {**default["OPTIONS"], "default_acl": "public-read"}}
    settings.STORAGES = {**settings.STORAGES, "default": public}
    report = storage_setup(check_only=True)
    assert [(problem.check, problem.detail.split(" healthcheck/")[0]) for problem in report.problems] == [
        ("anonymous read", "anyone can read")
    ]
    assert s3_storage.keys() == []  # the probe is removed all the same


def test_a_server_without_public_access_blocks_is_checked_by_acl_policy_and_an_unsigned_read(s3_bucket):
    # MinIO answers PutPublicAccessBlock and GetPublicAccessBlock with 501 NotImplemented;
    # moto implements them, so that one answer is given here, and the rest is moto's.
    storage = default_storage()
    events = storage.connection.meta.client.meta.events
    for operation in ("GetPublicAccessBlock", "PutPublicAccessBlock"):
        events.register(f"before-call.s3.{operation}", _not_implemented)

    report = storage_setup(storage=storage)

    assert report.ok, report.problems
    outcomes = {finding.check: finding.outcome for finding in report.findings}
    assert outcomes == {
        "bucket": Outcome.DONE,
        "public access block": Outcome.UNSUPPORTED,
        "bucket ACL": Outcome.OK,
        "bucket policy": Outcome.OK,
        "versioning": Outcome.DONE,
        "round trip": Outcome.OK,  # an unsigned read of the probe was refused
    }


def _not_implemented(**kwargs: object) -> tuple[SimpleNamespace, dict[str, object]]:
    """MinIO's answer to an S3 API it lacks, in place of the request (a botocore before-call hook)."""
    error = {"Code": "NotImplemented", "Message": "functionality that is not implemented"}
    return SimpleNamespace(status_code=501), {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 501}}


def test_a_stored_document_has_a_version_and_an_overwrite_leaves_the_original_recoverable(s3_storage):
    original = b"%PDF-1.7 the statement of claim as filed"
    stored = store_document(original)
    [first] = s3_storage.versions(stored.key)
    assert first["VersionId"] not in ("", "null")

    # Documents are never overwritten by the portal; versioning is the net for a mistake or an intruder.
    s3_storage.client.put_object(Bucket=s3_storage.name, Key=stored.key, Body=b"tampered")
    assert len(s3_storage.versions(stored.key)) == 2
    kept = s3_storage.client.get_object(Bucket=s3_storage.name, Key=stored.key, VersionId=first["VersionId"])
    assert hashlib.sha256(kept["Body"].read()).hexdigest() == stored.sha256


def test_manage_py_check_reads_the_bucket_from_the_environment_and_exits_non_zero_when_it_is_missing(s3_bucket):
    # One real process (Django starts in seconds here): the exit status a deployment sees,
    # with STORAGES built by the settings from the environment, as in docker-compose.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "icms.settings.test",
        "AWS_STORAGE_BUCKET_NAME": s3_bucket.name,
        "AWS_S3_ENDPOINT_URL": s3_bucket.server.endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
    }
    check = subprocess.run(
        [sys.executable, "manage.py", "storage_setup", "--check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert check.returncode == 1, check.stdout + check.stderr
    assert f"Document storage: S3Storage {s3_bucket.name} at {s3_bucket.server.endpoint}" in check.stdout
    assert f"CommandError: Document storage is not ready: bucket: bucket '{s3_bucket.name}' {MISSING}" in (
        check.stderr
    )
    assert not s3_bucket.exists()


# --- On the filesystem (development): no bucket, a directory that must be writable ---------


def test_on_the_filesystem_it_says_the_directory_is_writable(document_storage: Path):
    out, _ = _run("--check")
    assert f"Document storage: FileSystemStorage {document_storage}" in out
    assert f"directory: ok, {document_storage} exists and is writable (local filesystem, no bucket)" in out
    assert "round trip: ok" in out
    assert [path for path in document_storage.rglob("*") if path.is_file()] == []


def test_on_the_filesystem_a_missing_directory_fails_the_check_and_setup_creates_it(document_storage: Path):
    document_storage.rmdir()
    with pytest.raises(CommandError, match="does not exist or is not a directory"):
        _run("--check")
    assert not document_storage.exists()
    out, _ = _run()
    assert f"directory: done, created {document_storage}" in out
    assert document_storage.is_dir()
