"""Bulk filing of summonses: check a manifest and its PDFs, then file the valid rows as one batch.

The life of a batch (``BulkBatch.Status``; every move a conditional UPDATE plus an audit row)::

    checked ──file (one deposit payment)──▶ filing ──every row filed──▶ filed
       │                                      │  ▲
       └──cancel──▶ cancelled                 ▼  └──resume── interrupted (a row failed, a worker died)
       └──────────────── after FILING_DRAFT_DAYS ─────────────▶ expired ◀─┘

A row (``BulkItem``) is checked before anything is filed; a valid row waits as ``pending``
with its PDF stored in the drafts' store (the manifest too, until a row is filed:
:mod:`filing.bulk.record`), and is filed by :mod:`filing.bulk.running`. A row that failed
may be dropped by the filer while the batch is interrupted (:mod:`filing.bulk.releasing`). A
batch not filed (or not resumed) within the time its PDFs are kept expires
(:mod:`filing.bulk.expiry`). Its department's
reference is held once per organisation by the constraint ``bulk_item_reference_filed_once``
(and, once filed, by ``summons_department_reference_unique``), so a manifest uploaded again
files nothing twice: its rows are reported as already filed.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from accounts.selectors import filing_eligibility, membership_for_user
from icms.core.audit import AuditEventType, audit_record
from icms.core.drafts_storage import DRAFTS_PREFIX, drafts_storage
from icms.core.outbox import enqueue
from icms.core.storage import store_document

from .. import hooks
from ..models import BulkBatch, BulkItem, SummonsDetails
from ..services.follow_up import draft_files_delete_owe
from .expiry import bulk_batch_deadline, bulk_batch_past_deadline
from .manifest import ManifestRefused, manifest_kind, manifest_read
from .messages import row_error
from .pdfs import StoredUploads, file_key, pdfs_store
from .record import bulk_manifest_forget
from .rows import RowCheck, RowChecker

#: The outbox kind that files a batch's rows (registered by :mod:`filing.bulk.running`).
BULK_FILE = "filing.bulk_file"
#: The organisations that file summonses in bulk: prosecuting departments and agencies.
BULK_ORGANISATION_TYPES = (
    Organisation.Type.GOVERNMENT,
    Organisation.Type.LAW_ENFORCEMENT,
    Organisation.Type.STATUTORY_BODY,
)
HELD = (BulkItem.Status.PENDING, BulkItem.Status.FILING, BulkItem.Status.FILED, BulkItem.Status.FAILED)
TO_FILE = (BulkItem.Status.PENDING, BulkItem.Status.FILING, BulkItem.Status.FAILED)

BatchStatus = BulkBatch.Status
ItemStatus = BulkItem.Status


class BulkRefused(ValidationError):
    """The batch cannot be made, filed, resumed or cancelled; the message says why."""


def bulk_filing_organisation(user: Any) -> Organisation | None:
    """The organisation for which ``user`` may file summonses in bulk, or None.

    An Organisation User (not an administrator) of an approved government department, law
    enforcement agency or statutory body who may file at all.
    """
    if not filing_eligibility(user).may_file:
        return None
    membership = membership_for_user(user)
    if membership is None or membership.organisation.type not in BULK_ORGANISATION_TYPES:
        return None
    return membership.organisation


def _organisation_or_403(user: User) -> Organisation:
    organisation = bulk_filing_organisation(user)
    if organisation is None:
        raise PermissionDenied
    return organisation


def _sha256(file: Any) -> str:
    file.seek(0)
    digest = hashlib.sha256()
    while chunk := file.read(1024 * 1024):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def bulk_batch_create(*, user: User, manifest: Any, files: Sequence[Any], ip_address: str | None = None) -> BulkBatch:
    """Check every row of ``manifest`` and the PDFs in ``files``, and record the batch, filing nothing.

    Rows with errors are ``invalid`` (each error a code: :mod:`filing.bulk.messages`), rows
    whose reference the organisation has already filed are ``duplicate``, the rest ``pending``
    with their PDFs stored in the drafts' store; the PDFs of the other rows are owed for
    removal in the batch's transaction. A manifest or an upload that cannot be read as a
    whole raises :class:`~filing.bulk.manifest.ManifestRefused` or
    :class:`~filing.bulk.pdfs.UploadRefused`, and nothing is kept (the PDFs already stored
    are owed for removal, :func:`~filing.bulk.pdfs.pdfs_forget`).
    """
    organisation = _organisation_or_403(user)
    filename = str(getattr(manifest, "name", "") or "manifest")[-255:]
    kind = manifest_kind(filename)
    parsed = manifest_read(manifest, filename=filename)
    checker = RowChecker()
    checks = [checker.check(row.number, row.values) for row in parsed.rows]
    _within_manifest(checks)
    wanted = {file_key(check.pdf_filename) for check in checks if check.pdf_filename}
    uploads = pdfs_store(files=files, wanted=wanted)
    try:
        _pdfs_match(checks, uploads)
        manifest_sha256 = _sha256(manifest)
        # In the drafts' store with the PDFs: it goes into the documents' store only when a row
        # is filed (filing/bulk/record.py), and is removed if nothing of the batch ever is.
        manifest_stored = store_document(
            manifest, prefix=DRAFTS_PREFIX, extension=kind, expected_sha256=manifest_sha256, storage=drafts_storage()
        )
        uploads.keys.append(manifest_stored.key)
        batch = _batch_record(
            user=user,
            organisation=organisation,
            checks=checks,
            filename=filename,
            manifest_key=manifest_stored.key,
            manifest_sha256=manifest_sha256,
            stored_keys=uploads.keys,
            ip_address=ip_address,
        )
    except BaseException:
        uploads.discard()  # the PDFs and the manifest stored so far, owed for removal
        raise
    return batch


def _within_manifest(checks: list[RowCheck]) -> None:
    """The same reference, or the same PDF, on two rows: each of those rows is told of the other."""
    for attribute, code in (("reference", "reference_twice"), ("pdf_filename", "pdf_twice")):
        rows: dict[str, list[RowCheck]] = defaultdict(list)
        for check in checks:
            value = getattr(check, attribute)
            if value:
                rows[file_key(value) if attribute == "pdf_filename" else value].append(check)
        for same in rows.values():
            for check in same if len(same) > 1 else ():
                other = next(o.number for o in same if o is not check)
                value = getattr(check, attribute)
                params = {"file": value} if code == "pdf_twice" else {"value": value}
                check.errors.append(row_error(code, other=other, **params))


def _pdfs_match(checks: list[RowCheck], uploads: StoredUploads) -> None:
    for check in checks:
        if not check.pdf_filename:
            continue
        outcome = uploads.by_name.get(file_key(check.pdf_filename))
        if outcome is None:
            check.errors.append(row_error("pdf_missing", file=check.pdf_filename))
        elif outcome.rejection is not None:
            check.errors.append(row_error("pdf_rejected", file=check.pdf_filename, **outcome.rejection))
        elif outcome.stored is not None:
            check.data["pdf"] = {
                "key": outcome.stored.key,
                "sha256": outcome.stored.sha256,
                "size": outcome.stored.size,
                "pages": outcome.stored.pages,
                "identity": outcome.stored.identity,
            }


def _already_filed(organisation: Organisation, checks: list[RowCheck]) -> dict[str, dict[str, Any]]:
    """The references of ``checks`` the organisation has filed or holds in a batch: reference -> error."""
    references = {check.reference for check in checks if check.reference}
    found: dict[str, dict[str, Any]] = {}
    details = SummonsDetails.objects.filter(prosecutor=organisation, department_reference__in=references)
    for summons in details.select_related("case__case_type"):
        case = summons.case
        submission = case.submissions.order_by("pk").first()
        label = case.case_number or (submission.reference if submission else str(case.pk))
        found[summons.department_reference] = row_error(
            "already_summons", value=summons.department_reference, summons=label
        )
    held = BulkItem.objects.filter(organisation=organisation, department_reference__in=references, status__in=HELD)
    for item in held.select_related("batch"):
        if item.department_reference in found:
            continue
        code = "already_filed" if item.status == ItemStatus.FILED else "waiting_in_batch"
        found[item.department_reference] = row_error(
            code, value=item.department_reference, batch=item.batch_id, row=item.row_number
        )
    return found


@transaction.atomic
def _batch_record(
    *,
    user: User,
    organisation: Organisation,
    checks: list[RowCheck],
    filename: str,
    manifest_key: str,
    manifest_sha256: str,
    stored_keys: list[str],
    ip_address: str | None,
) -> BulkBatch:
    duplicates = _already_filed(organisation, checks)
    valid_prefixes = {check.data["magistracy"] for check in checks if check.valid}
    from ..models import CaseType

    batch = BulkBatch.objects.create(
        organisation=organisation,
        created_by=user,
        case_type=CaseType.objects.get(prefix=valid_prefixes.pop()) if len(valid_prefixes) == 1 else None,
        manifest_filename=filename,
        manifest_storage_key=manifest_key,
        manifest_sha256=manifest_sha256,
        rows_total=len(checks),
    )
    items = []
    for check in checks:
        duplicate = duplicates.get(check.reference)
        if duplicate is not None:
            check.errors.append(duplicate)
        if check.valid:
            status = ItemStatus.PENDING
        elif duplicate is not None and len(check.errors) == 1:
            status = ItemStatus.DUPLICATE
        else:
            status = ItemStatus.INVALID
        pdf = check.data.get("pdf", {}) if status == ItemStatus.PENDING else {}
        items.append(
            BulkItem(
                batch=batch,
                organisation=organisation,
                row_number=check.number,
                department_reference=check.reference,
                status=status,
                errors=check.errors,
                data=_item_data(check) if status == ItemStatus.PENDING else {},
                pdf_filename=check.pdf_filename,
                pdf_storage_key=pdf.get("key", ""),
                pdf_sha256=pdf.get("sha256", ""),
                pdf_pages=pdf.get("pages"),
            )
        )
    try:
        with transaction.atomic():
            BulkItem.objects.bulk_create(items, batch_size=500)
    except IntegrityError:
        raise BulkRefused(
            _("Another upload with some of the same references was checked at the same moment. Upload again."),
            code="race",
        ) from None
    # The PDFs of rows that will not be filed (errors, duplicates) go once this commits.
    kept = {item.pdf_storage_key for item in items if item.status == ItemStatus.PENDING} | {manifest_key}
    draft_files_delete_owe(
        [key for key in stored_keys if key not in kept], label=f"PDFs of rows not kept in bulk batch {batch.pk}"
    )
    invalid = sum(1 for item in items if item.status == ItemStatus.INVALID)
    BulkBatch.objects.filter(pk=batch.pk).update(rows_invalid=invalid)
    batch.rows_invalid = invalid
    audit_record(
        event_type=AuditEventType.FILING_BULK_BATCH_CHECKED,
        actor=user,
        target=batch,
        after={"manifest": filename, "sha256": manifest_sha256, **bulk_counts(batch)},
        ip_address=ip_address,
    )
    return batch


def _item_data(check: RowCheck) -> dict[str, Any]:
    data = {key: value for key, value in check.data.items() if key != "pdf"}
    data["pdf_size"] = check.data["pdf"]["size"]
    # The stored object's identity (icms.core.storage.stored_identity): filing the row proves by it.
    data["pdf_identity"] = check.data["pdf"].get("identity", "")
    return data


def bulk_counts(batch: BulkBatch) -> dict[str, int]:
    """How many of the batch's rows are in each status (every status named, 0 if none)."""
    counts = {status.value: 0 for status in ItemStatus}
    for row in BulkItem.objects.filter(batch=batch).values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def _locked(batch: BulkBatch, user: User) -> BulkBatch:
    organisation = _organisation_or_403(user)
    locked = BulkBatch.objects.select_for_update().filter(pk=batch.pk, organisation=organisation).first()
    if locked is None:
        raise PermissionDenied
    return locked


def bulk_batch_file(*, batch: BulkBatch, user: User, ip_address: str | None = None) -> BulkBatch:
    """Pay for the batch's pending rows in one payment and start filing them (in a worker).

    Filing a batch already being filed or filed returns it (a double click). Refused, with
    nothing paid or filed, if the payment is refused (not enough in the deposit account).
    """
    with transaction.atomic():
        locked = _locked(batch, user)
        if locked.status in (BatchStatus.FILING, BatchStatus.FILED):
            return locked
        if locked.status != BatchStatus.CHECKED:
            raise BulkRefused(
                _("This batch can no longer be filed: it is %(status)s.") % {"status": locked.get_status_display()}
            )
        _refuse_past_deadline(locked)
        count = BulkItem.objects.filter(batch=locked, status=ItemStatus.PENDING).count()
        if count == 0:
            raise BulkRefused(_("This batch has no rows to file. Correct the rows with errors and upload them again."))
        reference = hooks.bulk_batch_charge(batch=locked, user=user, count=count)
        now = timezone.now()
        BulkBatch.objects.filter(pk=locked.pk, status=BatchStatus.CHECKED).update(
            status=BatchStatus.FILING, payment_reference=reference, filing_started_at=now, updated_at=now
        )
        locked.refresh_from_db()
        audit_record(
            event_type=AuditEventType.FILING_BULK_BATCH_STARTED,
            actor=user,
            target=locked,
            before={"status": BatchStatus.CHECKED},
            after={"status": locked.status, "rows": count, "payment_reference": reference},
            ip_address=ip_address,
        )
        enqueue(BULK_FILE, target=locked, key=f"{BULK_FILE}:{locked.pk}:start")
    return locked


def bulk_batch_resume(*, batch: BulkBatch, user: User, ip_address: str | None = None) -> BulkBatch:
    """File the rest of an interrupted batch: its failed rows and any a dead worker left claimed.

    No row is filed twice: each row's submission is made with a key of its own, so a row
    that was filed just before the interruption is found, not filed again.
    """
    with transaction.atomic():
        locked = _locked(batch, user)
        if locked.status == BatchStatus.FILING:
            return locked
        if locked.status != BatchStatus.INTERRUPTED:
            raise BulkRefused(_("Only an interrupted batch can be resumed."))
        _refuse_past_deadline(locked)
        now = timezone.now()
        BulkItem.objects.filter(batch=locked, status=ItemStatus.FILING).update(
            status=ItemStatus.FAILED, updated_at=now
        )
        BulkBatch.objects.filter(pk=locked.pk, status=BatchStatus.INTERRUPTED).update(
            status=BatchStatus.FILING, finished_at=None, updated_at=now
        )
        audit_record(
            event_type=AuditEventType.FILING_BULK_BATCH_RESUMED,
            actor=user,
            target=locked,
            before={"status": BatchStatus.INTERRUPTED},
            after={"status": BatchStatus.FILING, "to_file": bulk_to_file(locked)},
            ip_address=ip_address,
        )
        enqueue(BULK_FILE, target=locked, key=f"{BULK_FILE}:{locked.pk}:resume:{now.timestamp()}")
    locked.refresh_from_db()
    return locked


def _refuse_past_deadline(batch: BulkBatch) -> None:
    """Its PDFs are kept only until the deadline: after it, nothing of the batch is filed any more."""
    if bulk_batch_past_deadline(batch):
        raise BulkRefused(
            _(
                "This batch can no longer be filed: its PDFs were kept until %(deadline)s. Upload the rows "
                "not filed again, with their PDFs, in a new batch."
            )
            % {"deadline": formats.date_format(timezone.localtime(bulk_batch_deadline(batch)), "DATETIME_FORMAT")},
            code="expired",
        )


def bulk_to_file(batch: BulkBatch) -> int:
    return BulkItem.objects.filter(batch=batch, status__in=TO_FILE).count()


def bulk_batch_cancel(*, batch: BulkBatch, user: User, ip_address: str | None = None) -> BulkBatch:
    """Cancel a batch not yet filed: its rows give up their references and their PDFs are deleted.

    Only a checked batch (nothing paid) can be cancelled; an interrupted one is resumed.
    """
    with transaction.atomic():
        locked = _locked(batch, user)
        if locked.status == BatchStatus.CANCELLED:
            return locked
        if locked.status != BatchStatus.CHECKED:
            raise BulkRefused(_("Only a batch not yet filed can be cancelled."))
        keys = list(
            BulkItem.objects.filter(batch=locked, status=ItemStatus.PENDING)
            .exclude(pdf_storage_key="")
            .values_list("pdf_storage_key", flat=True)
        )
        now = timezone.now()
        BulkItem.objects.filter(batch=locked, status=ItemStatus.PENDING).update(
            status=ItemStatus.CANCELLED, data={}, updated_at=now
        )
        BulkBatch.objects.filter(pk=locked.pk, status=BatchStatus.CHECKED).update(
            status=BatchStatus.CANCELLED, finished_at=now, updated_at=now
        )
        audit_record(
            event_type=AuditEventType.FILING_BULK_BATCH_CANCELLED,
            actor=user,
            target=locked,
            before={"status": BatchStatus.CHECKED},
            after={"status": BatchStatus.CANCELLED, "rows_released": len(keys)},
            ip_address=ip_address,
        )
        # Removed after commit by the outbox; a batch from before keeps its PDFs (documents' store).
        draft_files_delete_owe(keys, label=f"PDFs of cancelled bulk batch {locked.pk}")
        bulk_manifest_forget(locked)  # nothing of it is filed: its manifest goes too
    locked.refresh_from_db()
    return locked


__all__ = [
    "BULK_FILE",
    "BulkRefused",
    "ManifestRefused",
    "bulk_batch_cancel",
    "bulk_batch_create",
    "bulk_batch_file",
    "bulk_batch_resume",
    "bulk_counts",
    "bulk_filing_organisation",
    "bulk_to_file",
]
