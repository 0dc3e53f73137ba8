"""Create and check the drafts' store: the second half of ``manage.py storage_setup``.

Drafts' uploads must really go when a draft is submitted, discarded or expires
(icms/core/drafts_storage.py), so their store is the documents' opposite:

* on S3, a bucket of its own (``AWS_DRAFTS_BUCKET_NAME``), private like the documents'
  one, but **not versioned and without object lock** (a delete must remove the bytes,
  not hide them), with a **lifecycle rule** that expires every object
  ``FILING_DRAFT_DAYS + AWS_DRAFTS_EXPIRY_MARGIN_DAYS`` days after it was written: a
  second line of defence behind the hourly purge;
* on the filesystem, a directory of its own beside ``MEDIA_ROOT`` (not inside it, nor
  holding it), ideally on the same filesystem, where Submit's hard link costs nothing.

With documents on S3, drafts on this machine's disk are a problem: the web processes,
the workers and beat must all see a draft's files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage

from .drafts_storage import drafts_storage
from .storage import default_storage, is_s3_storage
from .storage_setup import (
    _S3_STEPS,
    Outcome,
    StorageReport,
    _bucket_present,
    _filesystem_setup,
    _round_trip,
    _unless_absent,
    run_steps,
)

#: The lifecycle rule that storage_setup owns on the drafts bucket (other rules are kept).
LIFECYCLE_RULE_ID: Final = "icms-drafts-expiry"
_PRIVACY_STEPS: Final = ("public access block", "bucket ACL", "bucket policy")


def drafts_expiry_days() -> int:
    """Days after which the drafts bucket's lifecycle rule expires an object."""
    return int(settings.FILING_DRAFT_DAYS) + int(settings.AWS_DRAFTS_EXPIRY_MARGIN_DAYS)


def drafts_storage_setup(*, storage: Storage | None = None, check_only: bool = False) -> StorageReport:
    """Create what is missing in the drafts' store (unless ``check_only``) and check it."""
    storage = storage or drafts_storage()
    if is_s3_storage(storage):
        report = _s3_drafts_setup(storage, check_only=check_only)
    elif isinstance(storage, FileSystemStorage):
        report = _filesystem_setup(storage, check_only=check_only)
        _beside_the_documents(report, Path(storage.location), default_storage())
    else:
        report = StorageReport(backend=type(storage).__name__, target="")
        _round_trip(report, storage)
    if is_s3_storage(default_storage()) and not is_s3_storage(storage):
        report.add(
            "drafts bucket",
            Outcome.PROBLEM,
            "documents are on S3 but drafts on this machine's disk; set AWS_DRAFTS_BUCKET_NAME (docs/storage.md).",
        )
    return report


def _beside_the_documents(report: StorageReport, drafts: Path, documents: Storage) -> None:
    if not isinstance(documents, FileSystemStorage):
        return
    media = Path(documents.location).resolve()
    drafts = drafts.resolve()
    if drafts == media or media in drafts.parents or drafts in media.parents:
        report.add(
            "apart from documents",
            Outcome.PROBLEM,
            f"{drafts} and the documents' {media} must be two directories, neither inside the other.",
        )
        return
    try:
        same = drafts.stat().st_dev == media.stat().st_dev
    except OSError:
        return  # a missing directory is reported by the directory step
    report.add(
        "apart from documents",
        Outcome.OK,
        "beside the documents, on the same filesystem: Submit links a draft's file into place"
        if same
        else "on another filesystem than the documents: Submit copies a draft's file (hashed on the way)",
    )


def _s3_drafts_setup(storage: Storage, *, check_only: bool) -> StorageReport:
    s3: Any = storage
    client = s3.connection.meta.client
    bucket: str = s3.bucket_name
    report = StorageReport(backend="S3Storage", target=f"{bucket} at {client.meta.endpoint_url}")
    if not _bucket_present(report, client, bucket, region=s3.region_name, check_only=check_only, object_lock=False):
        return report
    steps = {check: _S3_STEPS[check] for check in _PRIVACY_STEPS} | {
        "versioning": (_versioning_off, "this server does not version objects"),
        "object lock": (_no_object_lock, "this server has no object lock"),
        "lifecycle": (_lifecycle, "this server has no lifecycle rules; the purge alone removes drafts' files"),
    }
    run_steps(report, client, bucket, steps, check_only=check_only)
    _round_trip(report, storage)
    return report


def _versioning_off(report: StorageReport, client: Any, bucket: str, check_only: bool) -> None:
    check = "versioning"
    status = client.get_bucket_versioning(Bucket=bucket).get("Status")
    if status != "Enabled":
        report.add(check, Outcome.OK, f"off ({status or 'never enabled'}): a deleted draft's bytes are gone")
    elif check_only:
        report.add(
            check,
            Outcome.PROBLEM,
            "enabled: a deleted draft's bytes would stay as an earlier version. Run `manage.py storage_setup`.",
        )
    else:
        client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
        report.add(check, Outcome.DONE, "suspended (the lifecycle rule expires the earlier versions)")


def _no_object_lock(report: StorageReport, client: Any, bucket: str, check_only: bool) -> None:
    check = "object lock"
    answer = _unless_absent(
        client.get_object_lock_configuration, "ObjectLockConfigurationNotFoundError", Bucket=bucket
    )
    if (answer or {}).get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") == "Enabled":
        # Object lock can never be turned off: only a new bucket will do.
        report.add(
            check,
            Outcome.PROBLEM,
            "enabled, so drafts' files cannot be deleted; make a new bucket for drafts, without object lock.",
        )
    else:
        report.add(check, Outcome.OK, "none")


def _wanted_rule() -> dict[str, Any]:
    return {
        "ID": LIFECYCLE_RULE_ID,
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "Expiration": {"Days": drafts_expiry_days()},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
    }


def _lifecycle(report: StorageReport, client: Any, bucket: str, check_only: bool) -> None:
    check = "lifecycle"
    answer = _unless_absent(client.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration", Bucket=bucket)
    rules: list[dict[str, Any]] = list((answer or {}).get("Rules", []))
    ours = next((rule for rule in rules if rule.get("ID") == LIFECYCLE_RULE_ID), None)
    days = drafts_expiry_days()
    described = f"objects expire {days} days after they are written (FILING_DRAFT_DAYS plus a margin)"
    if ours and ours.get("Status") == "Enabled" and ours.get("Expiration", {}).get("Days") == days:
        report.add(check, Outcome.OK, described)
    elif check_only:
        report.add(check, Outcome.PROBLEM, f"no rule that {described}. Run `manage.py storage_setup`.")
    else:
        others = [rule for rule in rules if rule.get("ID") != LIFECYCLE_RULE_ID]
        client.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": [*others, _wanted_rule()]}
        )
        report.add(check, Outcome.DONE, described)
