"""Object lock on S3 (moto): filed bytes outlive any delete, and fixity sees what a reader would."""

from __future__ import annotations

from io import StringIO

import pytest
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from icms.core.drafts_storage_setup import drafts_storage_setup
from icms.core.fixity import Verdict, object_check
from icms.core.storage import default_storage, s3_object_key, store_document
from icms.core.storage_setup import Outcome, storage_setup

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a filed document\n%%EOF\n"


@pytest.fixture
def locked(settings, s3_bucket):
    """A bucket made by storage_setup with a one-day compliance retention."""
    settings.AWS_S3_OBJECT_LOCK_DAYS = 1
    report = storage_setup()
    assert report.ok, report.problems
    assert drafts_storage_setup().ok  # the drafts' bucket beside it, as `manage.py storage_setup` makes both
    return s3_bucket, report


def test_setup_creates_the_bucket_with_object_lock_and_a_default_retention(locked):
    bucket, report = locked
    configuration = bucket.client.get_object_lock_configuration(Bucket=bucket.name)["ObjectLockConfiguration"]
    assert configuration["ObjectLockEnabled"] == "Enabled"
    assert configuration["Rule"]["DefaultRetention"] | {"Years": 0} == {"Mode": "COMPLIANCE", "Days": 1, "Years": 0}
    outcomes = {finding.check: finding.outcome for finding in report.findings}
    assert outcomes["object lock"] is Outcome.DONE and outcomes["versioning"] is Outcome.OK
    # The probe could not be deleted under the lock: it is hidden, and that is fine.
    assert outcomes["probe removal"] is Outcome.OK
    assert bucket.keys() == []
    out = StringIO()
    call_command("storage_setup", "--check", stdout=out)
    assert "object lock: ok, compliance mode, 1 days' default retention" in out.getvalue()


def test_check_fails_on_a_bucket_without_the_lock_asked_for(settings, s3_storage):
    settings.AWS_S3_OBJECT_LOCK_DAYS = 3650
    with pytest.raises(CommandError, match="object lock: not compliance mode, 3650 days"):
        call_command("storage_setup", "--check", stdout=StringIO(), stderr=StringIO())


def test_a_locked_document_cannot_be_deleted_or_overwritten_and_a_hidden_one_is_restored(locked):
    bucket, _ = locked
    stored = store_document(PDF)
    key = s3_object_key(default_storage(), stored.key)
    [version] = bucket.versions(key)

    # Not even the bucket owner's credentials delete the filed version before its retention ends.
    with pytest.raises(ClientError, match="AccessDenied"):
        bucket.client.delete_object(Bucket=bucket.name, Key=key, VersionId=version["VersionId"])
    # The portal's storage never overwrites: the same name gets a new key.
    assert default_storage().save(stored.key, ContentFile(b"other")) != stored.key
    assert object_check(stored.key, stored.sha256).verdict is Verdict.OK

    # A plain delete only hides the object behind a delete marker: missing, yet recoverable.
    default_storage().delete(stored.key)
    assert object_check(stored.key, stored.sha256).verdict is Verdict.MISSING
    # Restoring it (docs/operations.md, "Fixity"): remove the delete marker; markers are not locked.
    [marker] = bucket.client.list_object_versions(Bucket=bucket.name, Prefix=key)["DeleteMarkers"]
    bucket.client.delete_object(Bucket=bucket.name, Key=key, VersionId=marker["VersionId"])
    assert object_check(stored.key, stored.sha256).verdict is Verdict.OK

    # Someone writes over it with other credentials: fixity sees the change ...
    bucket.client.put_object(Bucket=bucket.name, Key=key, Body=b"%PDF-1.7 forged", ChecksumAlgorithm="SHA256")
    assert object_check(stored.key, stored.sha256).verdict is Verdict.ALTERED
    # ... and the filed version is still there, byte for byte, to be restored from.
    original = bucket.client.get_object(Bucket=bucket.name, Key=key, VersionId=version["VersionId"])["Body"].read()
    assert original == PDF
