"""Drafts on S3 (moto): a bucket of their own, whose files are really removed (issue 14, item 3).

The documents' bucket is versioned and object-locked (compliance), so nothing written there
can be removed for its retention. A draft's uploads therefore go to the drafts' bucket (not
versioned, no lock, a lifecycle rule); Submit copies each into the documents' bucket server
side (CopyObject, with the copy's SHA-256 from the server), and the draft's object is deleted
after commit. ListObjectVersions proves nothing of a draft is left.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from django.core.management import CommandError, call_command

from filing.models import Submission, SubmissionDraft
from filing.services.drafts import drafts_purge_expired
from icms.core import drafts_storage
from icms.core.drafts_storage_setup import LIFECYCLE_RULE_ID, drafts_expiry_days, drafts_storage_setup
from icms.core.storage_setup import Outcome
from tests.filing.drafting import defence_to_review
from tests.filing.pdf_corpus import good_pdf
from tests.storage.conftest import S3Bucket

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def _everything(bucket: S3Bucket, key: str) -> list[dict]:
    """Every version and delete marker of ``key``: what is left of it at all."""
    listing = bucket.client.list_object_versions(Bucket=bucket.name, Prefix=key)
    return [item for item in [*listing.get("Versions", []), *listing.get("DeleteMarkers", [])] if item["Key"] == key]


def test_setup_makes_the_drafts_bucket_unversioned_unlocked_with_a_lifecycle_rule(buckets, settings):
    _documents, drafts = buckets
    assert drafts.client.get_bucket_versioning(Bucket=drafts.name).get("Status") != "Enabled"
    with pytest.raises(ClientError, match="ObjectLockConfigurationNotFound"):
        drafts.client.get_object_lock_configuration(Bucket=drafts.name)
    [rule] = drafts.client.get_bucket_lifecycle_configuration(Bucket=drafts.name)["Rules"]
    assert rule["ID"] == LIFECYCLE_RULE_ID and rule["Status"] == "Enabled"
    assert rule["Expiration"]["Days"] == drafts_expiry_days() == settings.FILING_DRAFT_DAYS + 7
    out = StringIO()
    call_command("storage_setup", "--check", stdout=out)
    assert f"Drafts' storage: S3Storage {drafts.name}" in out.getvalue()
    assert "lifecycle: ok" in out.getvalue() and "versioning: ok, off" in out.getvalue()


def test_check_fails_on_a_versioned_drafts_bucket_and_setup_suspends_versioning(buckets):
    _documents, drafts = buckets
    drafts.client.put_bucket_versioning(Bucket=drafts.name, VersioningConfiguration={"Status": "Enabled"})
    with pytest.raises(CommandError, match="Drafts' storage is not ready: versioning: enabled"):
        call_command("storage_setup", "--check", stdout=StringIO(), stderr=StringIO())
    report = drafts_storage_setup()
    assert {finding.check: finding.outcome for finding in report.findings}["versioning"] is Outcome.DONE
    assert drafts.client.get_bucket_versioning(Bucket=drafts.name)["Status"] == "Suspended"
    assert drafts_storage_setup(check_only=True).ok


def test_documents_on_s3_with_drafts_on_disk_is_a_problem(settings, s3_storage, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "drafts": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    report = drafts_storage_setup(check_only=True)
    assert [problem.check for problem in report.problems] == ["drafts bucket"]


def test_the_journey_on_s3_upload_submit_and_purge_leave_nothing_of_a_draft(
    client, firm_filer, buckets, celery_eager, django_capture_on_commit_callbacks, monkeypatch
):
    documents, drafts = buckets
    client.force_login(firm_filer)
    review, draft_document, sha256 = defence_to_review(client, firm_filer.case)
    assert drafts.keys() == [draft_document.storage_key] and documents.keys() == []
    assert drafts.sha256(draft_document.storage_key) == sha256 == draft_document.sha256

    def no_reading(key, **kwargs):
        raise AssertionError(f"{key} was read: the server's SHA-256 of the copy is the proof")

    monkeypatch.setattr(drafts_storage, "hash_stored_document", no_reading)
    draft = SubmissionDraft.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review, {"submission_key": str(draft.submission_key)})
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Submission.objects.get().documents.get()
    stored = documents.keys()
    filed = [key for key in stored if key.startswith("documents/")]  # beside the acknowledgement
    assert document.storage_key.startswith("documents/") and filed == [document.storage_key]
    assert documents.sha256(document.storage_key) == sha256 == document.sha256
    # The filed object is locked: its version cannot be deleted, not even with the owner's credentials.
    [version] = documents.versions(document.storage_key)
    head = documents.client.head_object(Bucket=documents.name, Key=document.storage_key)
    assert head["ObjectLockMode"] == "COMPLIANCE" and head["ObjectLockRetainUntilDate"]
    with pytest.raises(ClientError, match="AccessDenied"):
        documents.client.delete_object(Bucket=documents.name, Key=document.storage_key, VersionId=version["VersionId"])
    # The draft's object is gone after commit: no version, no delete marker.
    assert _everything(drafts, draft_document.storage_key) == []

    # A second draft, left to expire: the purge removes its object for real.
    monkeypatch.undo()
    _review, expiring, _sha256 = defence_to_review(client, firm_filer.case)
    assert _everything(drafts, expiring.storage_key) != []
    with django_capture_on_commit_callbacks(execute=True):
        assert drafts_purge_expired(now=expiring.draft.expires_at + timedelta(seconds=1)) == 1
    assert _everything(drafts, expiring.storage_key) == []
    assert drafts.keys() == []
    stored = documents.keys()
    assert document.storage_key in stored


def test_a_draft_object_changed_after_upload_is_refused_at_submit(
    client, firm_filer, buckets, celery_eager, django_capture_on_commit_callbacks
):
    documents, drafts = buckets
    client.force_login(firm_filer)
    review, draft_document, _sha256 = defence_to_review(client, firm_filer.case)
    # Someone with the drafts bucket's credentials writes other bytes under the key.
    drafts.client.put_object(Bucket=drafts.name, Key=draft_document.storage_key, Body=good_pdf(4))
    draft = SubmissionDraft.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review, {"submission_key": str(draft.submission_key)})
    assert response.status_code == 400
    assert "no longer as it was uploaded" in response.content.decode()
    assert not Submission.objects.exists() and documents.keys() == []


def _settings_process(**environment: str) -> subprocess.CompletedProcess[str]:
    script = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.STORAGES['drafts']['BACKEND'], settings.STORAGES['drafts']['OPTIONS'].get('bucket_name'))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "icms.settings.test", **environment}
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_settings_read_the_drafts_bucket_and_refuse_the_documents_bucket_for_it():
    named = _settings_process(AWS_STORAGE_BUCKET_NAME="icms-docs", AWS_DRAFTS_BUCKET_NAME="icms-drafts")
    assert named.stdout.split() == ["storages.backends.s3.S3Storage", "icms-drafts"], named.stderr
    same = _settings_process(AWS_STORAGE_BUCKET_NAME="icms-docs", AWS_DRAFTS_BUCKET_NAME="icms-docs")
    assert same.returncode != 0 and "must be a bucket of its own" in same.stderr
