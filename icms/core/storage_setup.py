"""Create and check the document store: ``manage.py storage_setup`` (and ``--check``).

Architecture, "Invariants → Documents": no document is reachable by a public URL, and
a document's bytes never change. On S3 (MinIO, AWS, moto in the suite) the bucket is
therefore:

* **present**: created when missing, so the first upload cannot fail for want of it;
* **private**: the bucket-level public access block is on where the server supports it
  (AWS and moto do, MinIO answers "not implemented"), no ACL grant and no policy
  statement opens it to everyone, and an unsigned request for an object is refused;
* **versioned** where the server supports it (AWS, MinIO, moto), so an overwrite or
  deletion by mistake or by an intruder leaves the earlier version recoverable;
* **locked** when ``AWS_S3_OBJECT_LOCK_DAYS`` asks for it (production): S3 Object Lock
  with a default retention (``AWS_S3_OBJECT_LOCK_MODE``, compliance by default), so no
  credentials can delete or overwrite a version before its retention ends. A new bucket
  is created with object lock enabled; docs/storage.md, "Production bucket policy";
* **working**: a probe object is written, read back and removed under ``healthcheck/``,
  with the same django-storages settings (``STORAGES["default"]``) the portal uses.
  Only the probe is ever removed; documents are never deleted.

On the filesystem (``FileSystemStorage``, development) there is no bucket: the
directory is created when missing and checked to be writable by the same round trip.

The functions take the storage and return a :class:`StorageReport`; the management
command only prints it.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Final, TypeAlias

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage

from .storage import default_storage, is_s3_storage, s3_object_key

#: Probe objects live here, apart from documents, so removing them removes no document.
PROBE_PREFIX: Final = "healthcheck"
#: Grantees that make an S3 ACL public.
PUBLIC_GRANTEES: Final = frozenset(
    {
        "http://acs.amazonaws.com/groups/global/AllUsers",
        "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
    }
)
#: Error codes of a server that does not implement a bucket feature (MinIO on public
#: access blocks, for example). Anything else is a real failure.
UNSUPPORTED_CODES: Final = frozenset({"NotImplemented", "501", "XNotImplemented", "MethodNotAllowed"})
PUBLIC_ACCESS_BLOCK: Final = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


class Outcome(StrEnum):
    OK = "ok"  # as it should be, already
    DONE = "done"  # made so by this run
    UNSUPPORTED = "not supported"  # the server has no such feature; nothing to check
    PROBLEM = "PROBLEM"  # not as it should be: storage is not ready


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    outcome: Outcome
    detail: str


@dataclass(slots=True)
class StorageReport:
    """What was checked (and done) on one storage backend."""

    backend: str
    target: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problems(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.outcome is Outcome.PROBLEM]

    def add(self, check: str, outcome: Outcome, detail: str) -> Finding:
        finding = Finding(check=check, outcome=outcome, detail=detail)
        self.findings.append(finding)
        return finding


def storage_setup(*, storage: Storage | None = None, check_only: bool = False) -> StorageReport:
    """Create what is missing in the document store (unless ``check_only``) and check it.

    The report's ``ok`` is false when anything is missing or misconfigured; with
    ``check_only`` nothing is created or changed (apart from the probe object, written
    and removed again).
    """
    storage = storage or default_storage()
    if is_s3_storage(storage):
        return _s3_setup(storage, check_only=check_only)
    if isinstance(storage, FileSystemStorage):
        return _filesystem_setup(storage, check_only=check_only)
    report = StorageReport(backend=type(storage).__name__, target="")
    report.add("backend", Outcome.OK, "no bucket or directory to set up for this backend; checking a round trip only")
    _round_trip(report, storage)
    return report


# --- The filesystem ------------------------------------------------------------------


def _filesystem_setup(storage: FileSystemStorage, *, check_only: bool) -> StorageReport:
    directory = Path(storage.location)
    report = StorageReport(backend="FileSystemStorage", target=str(directory))
    if not directory.is_dir():
        if check_only or directory.exists():
            report.add(
                "directory",
                Outcome.PROBLEM,
                f"{directory} does not exist or is not a directory. Run `manage.py storage_setup` to create it.",
            )
            return report
        # The same permissions as the directories Django makes for uploads (private to the portal).
        mode = storage.directory_permissions_mode or 0o750
        directory.mkdir(mode=mode, parents=True)
        report.add("directory", Outcome.DONE, f"created {directory}")
    elif not os.access(directory, os.W_OK | os.X_OK):
        report.add("directory", Outcome.PROBLEM, f"{directory} is not writable by this process.")
        return report
    else:
        report.add("directory", Outcome.OK, f"{directory} exists and is writable (local filesystem, no bucket)")
    _round_trip(report, storage)
    return report


# --- S3 ------------------------------------------------------------------------------


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _is_client_error(error: Exception) -> bool:
    return getattr(error, "response", None) is not None


def _unsupported(error: Exception) -> bool:
    return _error_code(error) in UNSUPPORTED_CODES


def _s3_setup(storage: Storage, *, check_only: bool) -> StorageReport:
    s3: Any = storage
    client = s3.connection.meta.client
    bucket: str = s3.bucket_name
    report = StorageReport(backend="S3Storage", target=f"{bucket} at {client.meta.endpoint_url}")
    locked = bool(settings.AWS_S3_OBJECT_LOCK_DAYS)
    if not _bucket_present(report, client, bucket, region=s3.region_name, check_only=check_only, object_lock=locked):
        return report
    run_steps(report, client, bucket, _S3_STEPS, check_only=check_only)
    _round_trip(report, storage)
    return report


def run_steps(
    report: StorageReport, client: Any, bucket: str, steps: dict[str, tuple[_Step, str]], *, check_only: bool
) -> None:
    """Each of a bucket's ``steps`` in turn, reported under its name.

    A server without the feature (``missing`` says what that means) is reported as unsupported;
    an answer the step did not expect (AccessDenied on a locked-down role, say) as a problem;
    anything else is raised.
    """
    for check, (step, missing) in steps.items():
        try:
            step(report, client, bucket, check_only)
        except Exception as error:
            if _unsupported(error):
                report.add(check, Outcome.UNSUPPORTED, missing)
            elif _is_client_error(error):
                report.add(check, Outcome.PROBLEM, f"the server refused: {error}")
            else:
                raise


def _bucket_present(
    report: StorageReport, client: Any, bucket: str, *, region: str | None, check_only: bool, object_lock: bool
) -> bool:
    try:
        client.head_bucket(Bucket=bucket)
    except Exception as error:
        if not _is_client_error(error) or _error_code(error) not in {"404", "NoSuchBucket", "NotFound"}:
            # 403 (a bucket of someone else's, or credentials without access) or the server is down.
            report.add("bucket", Outcome.PROBLEM, f"cannot reach bucket {bucket!r}: {error}")
            return False
    else:
        report.add("bucket", Outcome.OK, f"bucket {bucket!r} exists")
        return True
    if check_only:
        report.add(
            "bucket",
            Outcome.PROBLEM,
            f"bucket {bucket!r} does not exist. Run `manage.py storage_setup` to create it.",
        )
        return False
    arguments: dict[str, Any] = {"Bucket": bucket}
    if object_lock:
        # Object lock is asked for when the bucket is made (AWS can add it later only to a
        # versioned bucket, and some servers not at all); it also turns versioning on.
        arguments["ObjectLockEnabledForBucket"] = True
    # us-east-1 is the one region that must not be named as a location constraint.
    if region and region != "us-east-1":
        arguments["CreateBucketConfiguration"] = {"LocationConstraint": region}
    client.create_bucket(**arguments)
    report.add("bucket", Outcome.DONE, f"created bucket {bucket!r}")
    return True


# Each step below records what it found (and did). A server without the feature answers
# "not implemented", which _s3_setup records as "not supported" with the step's text.


def _unless_absent(call: Callable[..., Any], absent: str, **arguments: Any) -> Any:
    """``call(**arguments)``, or ``None`` when the server answers that there is no such thing (``absent``)."""
    try:
        return call(**arguments)
    except Exception as error:
        if _error_code(error) != absent:
            raise
        return None


def _public_access_block(report: StorageReport, client: Any, bucket: str, check_only: bool) -> None:
    check = "public access block"
    answer = _unless_absent(client.get_public_access_block, "NoSuchPublicAccessBlockConfiguration", Bucket=bucket)
    found = answer["PublicAccessBlockConfiguration"] if answer else {}
    if all(found.get(name) is True for name in PUBLIC_ACCESS_BLOCK):
        report.add(check, Outcome.OK, "all public access is blocked")
    elif check_only:
        report.add(check, Outcome.PROBLEM, "public access is not fully blocked. Run `manage.py storage_setup`.")
    else:
        client.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=PUBLIC_ACCESS_BLOCK)
        report.add(check, Outcome.DONE, "blocked all public access")


def public_grants(grants: list[dict[str, Any]]) -> list[str]:
    """The permissions an S3 ACL gives to everyone (or to every AWS account)."""
    return [
        str(grant.get("Permission"))
        for grant in grants
        if grant.get("Grantee", {}).get("Type") == "Group" and grant.get("Grantee", {}).get("URI") in PUBLIC_GRANTEES
    ]


def _bucket_acl(report: StorageReport, client: Any, bucket: str, check_only: bool) -> None:
    check = "bucket ACL"
    opened = public_grants(client.get_bucket_acl(Bucket=bucket)["Grants"])
    if not opened:
        report.add(check, Outcome.OK, "grants nothing to the public")
    elif check_only:
        report.add(check, Outcome.PROBLEM, f"grants {', '.join(opened)} to the public. Run `manage.py storage_setup`.")
    else:
        client.put_bucket_acl(Bucket=bucket, ACL="private")
        report.add(check, Outcome.DONE, f"removed public grants ({', '.join(opened)})")


def public_statements(policy: dict[str, Any]) -> list[str]:
    """The ``Sid`` (or position) of each policy statement that allows anyone at all."""
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    found = []
    for index, statement in enumerate(statements):
        principal = statement.get("Principal")
        everyone = principal == "*" or (isinstance(principal, dict) and "*" in _as_list(principal.get("AWS")))
        if statement.get("Effect") == "Allow" and everyone:
            found.append(str(statement.get("Sid") or f"statement {index + 1}"))
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _bucket_policy(report: StorageReport, client: Any, bucket: str, check_only: bool) -> None:
    check = "bucket policy"
    answer = _unless_absent(client.get_bucket_policy, "NoSuchBucketPolicy", Bucket=bucket)
    if answer is None:
        report.add(check, Outcome.OK, "none, so nothing is public")
        return
    opened = public_statements(json.loads(answer["Policy"]))
    if opened:
        # Never removed automatically: a policy is written by someone on purpose.
        report.add(
            check,
            Outcome.PROBLEM,
            f"allows anyone ({', '.join(opened)}); remove those statements, documents must stay private.",
        )
    else:
        report.add(check, Outcome.OK, "allows nobody anonymous")


def _versioning(report: StorageReport, client: Any, bucket: str, check_only: bool) -> None:
    check = "versioning"
    status = client.get_bucket_versioning(Bucket=bucket).get("Status")
    if status == "Enabled":
        report.add(check, Outcome.OK, "enabled")
    elif check_only:
        report.add(
            check, Outcome.PROBLEM, f"not enabled ({status or 'never enabled'}). Run `manage.py storage_setup`."
        )
    else:
        client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        report.add(check, Outcome.DONE, "enabled")


def _object_lock(report: StorageReport, client: Any, bucket: str, check_only: bool) -> None:
    """The default retention that AWS_S3_OBJECT_LOCK_DAYS asks for; nothing when it is 0."""
    days: int = settings.AWS_S3_OBJECT_LOCK_DAYS
    if not days:
        return
    check = "object lock"
    wanted = {"Mode": settings.AWS_S3_OBJECT_LOCK_MODE, "Days": days}
    answer = _unless_absent(
        client.get_object_lock_configuration, "ObjectLockConfigurationNotFoundError", Bucket=bucket
    )
    found = (answer or {}).get("ObjectLockConfiguration", {})
    retention = found.get("Rule", {}).get("DefaultRetention", {})
    described = f"{wanted['Mode'].lower()} mode, {days} days' default retention"
    # Compared field by field: some servers also answer "Years": 0.
    if found.get("ObjectLockEnabled") == "Enabled" and all(retention.get(k) == v for k, v in wanted.items()):
        report.add(check, Outcome.OK, described)
    elif check_only:
        report.add(check, Outcome.PROBLEM, f"not {described} ({retention or 'none'}). Run `manage.py storage_setup`.")
    else:
        client.put_object_lock_configuration(
            Bucket=bucket,
            ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": wanted}},
        )
        report.add(check, Outcome.DONE, described)


_Step: TypeAlias = Callable[[StorageReport, Any, str, bool], None]
#: The bucket's settings, in order: each step, and what to say when the server lacks the feature.
_S3_STEPS: Final[dict[str, tuple[_Step, str]]] = {
    "public access block": (
        _public_access_block,
        "this server has no public access block; the ACL, the policy and an unsigned read are checked",
    ),
    "bucket ACL": (_bucket_acl, "this server has no bucket ACLs"),
    "bucket policy": (_bucket_policy, "this server has no bucket policies"),
    "versioning": (_versioning, "this server does not version objects"),
    "object lock": (_object_lock, "this server has no object lock"),
}


# --- The round trip --------------------------------------------------------------------


def probe_key() -> str:
    return f"{PROBE_PREFIX}/{uuid.uuid4().hex}.txt"


def _round_trip(report: StorageReport, storage: Storage) -> None:
    """Write a probe, read it back, check nobody anonymous can read it, and remove it."""
    check = "round trip"
    payload = f"iCMS storage probe {uuid.uuid4()}".encode()
    try:
        name = storage.save(probe_key(), ContentFile(payload))
    except Exception as error:
        report.add(check, Outcome.PROBLEM, f"could not write a probe object: {error}")
        return
    try:
        with storage.open(name, "rb") as handle:
            read = handle.read()
        if read != payload:
            report.add(check, Outcome.PROBLEM, f"the probe {name} read back different bytes")
            return
        if is_s3_storage(storage) and not _anonymous_read_refused(report, storage, name):
            return
        report.add(check, Outcome.OK, f"wrote, read back and removed {name}")
    except Exception as error:
        report.add(check, Outcome.PROBLEM, f"could not read the probe {name} back: {error}")
    finally:
        _remove_probe(report, storage, name)


def _anonymous_read_refused(report: StorageReport, storage: Storage, name: str) -> bool:
    """An unsigned GET of the probe must be refused: private in fact, not only on paper."""
    s3: Any = storage
    key = s3_object_key(storage, name)
    try:
        s3.unsigned_connection.meta.client.get_object(Bucket=s3.bucket_name, Key=key)
    except Exception as error:
        if _is_client_error(error) and _error_code(error) in {"403", "AccessDenied"}:
            return True
        report.add("anonymous read", Outcome.PROBLEM, f"unexpected answer to an unsigned request: {error}")
        return False
    report.add("anonymous read", Outcome.PROBLEM, f"anyone can read {key} without credentials")
    return False


def _remove_probe(report: StorageReport, storage: Storage, name: str) -> None:
    """Remove the probe, every version of it on a versioned bucket (only the probe: documents stay)."""
    try:
        if not is_s3_storage(storage):
            storage.delete(name)
            return
        s3: Any = storage
        client = s3.connection.meta.client
        key = s3_object_key(storage, name)
        try:
            listing = client.list_object_versions(Bucket=s3.bucket_name, Prefix=key)
        except Exception as error:
            if not _unsupported(error):
                raise
            listing = {}
        versions = [
            item for item in [*listing.get("Versions", []), *listing.get("DeleteMarkers", [])] if item["Key"] == key
        ]
        if not versions:
            # A server that does not version objects: deleting the object removes it.
            storage.delete(name)
        try:
            for item in versions:
                client.delete_object(Bucket=s3.bucket_name, Key=key, VersionId=item["VersionId"])
        except Exception as error:
            if not settings.AWS_S3_OBJECT_LOCK_DAYS or _error_code(error) not in {"AccessDenied", "403"}:
                raise
            # Object lock keeps the probe's version, as it keeps a document's: hide it instead.
            storage.delete(name)
            report.add(
                "probe removal",
                Outcome.OK,
                f"{name} is hidden by a delete marker; object lock keeps its version until its retention ends",
            )
    except Exception as error:
        report.add("probe removal", Outcome.PROBLEM, f"could not remove the probe {name}: {error}")
