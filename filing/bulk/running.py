"""Filing a batch's rows, one by one, in a worker: the outbox work ``filing.bulk_file``.

Each row is claimed with a conditional UPDATE (pending or failed, or claimed by a worker
that has since died, to ``filing``), then filed by :func:`filing.services.submission_create`
exactly as a single summons is (the case, its parties and summons details, the stored PDF,
the received and deemed times, the acknowledgement, the audit row), in a transaction of its
own. The submission key of a row is derived from the row, so a row filed just before a
worker died, or filed by two workers at once, is found again rather than filed twice; and a
department's reference is on one summons only (``summons_department_reference_unique``).

A run works for at most ``TIME_BUDGET`` seconds and then owes a continuation, so one worker
slot is never held for a whole large batch and a time limit never cuts a row in half. A
row that fails for a reason other than the filing's own rules (a database or storage
fault) stops the batch as ``interrupted``: the filer resumes it when the fault is gone.

A row's PDF waits in the drafts' store (:mod:`filing.bulk.pdfs`). ``submission_create`` puts
it into the documents' store inside the row's submission transaction, proven to be the
bytes checked (:func:`icms.core.drafts_storage.draft_file_to_documents`: a hard link, a
server-side copy with its SHA-256, or a copy hashed on the way; a PDF changed since it was
checked is refused), and owes the removal of its drafts' file after that commit
(``filing.draft_files_delete``). A batch checked before the drafts' store held its PDFs has
them in the documents' store: they are filed in place and never removed.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from icms.core.audit import AuditEventType, audit_record
from icms.core.models import OutboxItem
from icms.core.outbox import enqueue, register_kind

from .. import hooks
from ..models import BulkBatch, BulkItem, CaseType, DocumentType, Party, Submission
from ..services import DocumentUpload, FilingDetails, NewCase, NewParty, submission_create
from ..services.filing_input import StoredPdf
from ..services.follow_up import draft_files_delete_owe
from .reasons import fault_reason, refusal_reason
from .record import bulk_item_filed_link, bulk_manifest_forget, item_submission_key, manifest_files
from .rows import defendant_of, summons_of
from .services import BULK_FILE

logger = logging.getLogger(__name__)

BatchStatus = BulkBatch.Status
ItemStatus = BulkItem.Status
#: Seconds one run files rows before it hands the rest to a continuation.
TIME_BUDGET = 120
#: Rows filed between two looks at whether the batch is still being filed.
STATUS_EVERY = 20
#: A row claimed longer ago than this by a worker that never finished it may be claimed again.
CLAIM_LEASE = timedelta(minutes=10)
_NATURE_MAX = 255


def _nature(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _NATURE_MAX else text[: _NATURE_MAX - 1].rstrip() + "…"


def bulk_batch_run(*, batch_id: int, budget: float = TIME_BUDGET) -> str:
    """File the batch's rows still to file, for at most ``budget`` seconds. Returns what happened."""
    batch = BulkBatch.objects.select_related("organisation", "created_by").get(pk=batch_id)
    if batch.status != BatchStatus.FILING:
        return "not filing"
    started = time.monotonic()
    rows = list(
        BulkItem.objects.filter(batch=batch, status__in=(ItemStatus.PENDING, ItemStatus.FAILED))
        .order_by("row_number")
        .values_list("pk", flat=True)
    )
    courts: dict[str, tuple[CaseType, DocumentType]] = {}
    for index, item_id in enumerate(rows):
        if time.monotonic() - started > budget:
            with transaction.atomic():
                enqueue(BULK_FILE, target=batch, key=f"{BULK_FILE}:{batch.pk}:from:{item_id}")
            return "continued"
        # Another run may have stopped the batch (a fault it met): look every few rows, not every row.
        if index % STATUS_EVERY == 0 and not BulkBatch.objects.filter(pk=batch.pk, status=BatchStatus.FILING).exists():
            return "stopped"
        outcome = bulk_item_file(item_id=item_id, batch=batch, courts=courts)
        if outcome == "fault":
            bulk_batch_interrupt(batch=batch, reason=f"row {item_id}")
            return "interrupted"
    return bulk_batch_finish(batch=batch)


def _claim(item_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status__in=(ItemStatus.PENDING, ItemStatus.FAILED)) | Q(
        status=ItemStatus.FILING, updated_at__lt=now - CLAIM_LEASE
    )
    return bool(BulkItem.objects.filter(claimable, pk=item_id).update(status=ItemStatus.FILING, updated_at=now))


def _court(prefix: str, courts: dict[str, tuple[CaseType, DocumentType]]) -> tuple[CaseType, DocumentType]:
    if prefix not in courts:
        case_type = CaseType.objects.select_related("court").get(prefix=prefix)
        document_type = DocumentType.objects.get(case_type=case_type, starts_case=True, active=True)
        courts[prefix] = (case_type, document_type)
    return courts[prefix]


def bulk_item_file(*, item_id: int, batch: BulkBatch, courts: dict[str, tuple[CaseType, DocumentType]]) -> str:
    """File one row: ``filed``, ``refused`` (the filing's rules said no: the row says why),
    ``skipped`` (claimed elsewhere or done) or ``fault`` (anything else: the batch stops)."""
    if not _claim(item_id):
        return "skipped"
    item = BulkItem.objects.get(pk=item_id)
    user = batch.created_by
    try:
        with translation.override(user.preferred_language or None):
            case_type, document_type = _court(item.data["magistracy"], courts)
            organisation = batch.organisation
            summons = summons_of(item.data, reference=item.department_reference)
            submission = submission_create(
                user=user,
                uploads=[
                    DocumentUpload(
                        document_type=document_type,
                        title=document_type.name_en,
                        file=None,
                        filename=item.pdf_filename,
                        stored=StoredPdf(
                            key=item.pdf_storage_key,
                            sha256=item.pdf_sha256,
                            size=_stored_size(item),
                            pages=item.pdf_pages or 1,
                            identity=str(item.data.get("pdf_identity", "")),
                        ),
                    )
                ],
                new_case=NewCase(
                    case_type=case_type,
                    applicants=[
                        NewParty(name_en=organisation.name_en, name_zh=organisation.name_zh, kind=Party.Kind.COMPANY)
                    ],
                    respondents=[defendant_of(item.data)],
                    nature_en=_nature(summons.offence_en),
                    nature_zh=_nature(summons.offence_zh),
                    summons=summons,
                ),
                submission_key=item_submission_key(item),
                details=FilingDetails(
                    filer_reference=item.department_reference, payment_reference=batch.payment_reference
                ),
            )
    except ValidationError as refused:
        _refused(item, refused, batch)
        return "refused"
    except Exception as error:
        logger.exception("Bulk batch %s row %s could not be filed", batch.pk, item.row_number)
        # The exception is for staff (it may name paths or hosts); the filer is told a fixed text.
        BulkItem.objects.filter(pk=item.pk, status=ItemStatus.FILING).update(
            status=ItemStatus.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            reason=fault_reason(),
            updated_at=timezone.now(),
        )
        return "fault"
    _filed(item, submission, batch)
    return "filed"


def _stored_size(item: BulkItem) -> int:
    size = item.data.get("pdf_size")
    return int(size) if size else 0


@transaction.atomic
def _refused(item: BulkItem, refused: ValidationError, batch: BulkBatch) -> None:
    """A row the filing refused: a reference already on a summons is a duplicate, anything else failed.

    A duplicate is never filed, so its PDF goes (after commit, by the outbox) and, when the
    batch was paid, its own fee line is refunded at once, as for a row the filer drops
    (:func:`filing.hooks.bulk_rows_released`); a failed row keeps its PDF for the resume.
    """
    message = " ".join(str(m) for m in refused.messages)[:2000]
    duplicate = getattr(refused, "code", "") == "duplicate_reference"
    moved = BulkItem.objects.filter(pk=item.pk, status=ItemStatus.FILING).update(
        status=ItemStatus.DUPLICATE if duplicate else ItemStatus.FAILED,
        last_error=message,
        # The worker's language is not the reader's: the filer is told in theirs (filing/bulk/reasons.py).
        reason=refusal_reason(refused),
        # A duplicate is never filed: the defendant's details go, as for a row dropped or cancelled.
        # A failed row keeps them for the resume.
        **({"data": {}} if duplicate else {}),
        updated_at=timezone.now(),
    )
    if not (moved and duplicate):
        return
    if item.pdf_storage_key:
        label = f"PDF of bulk batch {item.batch_id} row {item.row_number}"
        draft_files_delete_owe([item.pdf_storage_key], label=label)
    court = item.data.get("magistracy")
    if batch.payment_reference and court:
        reason = f"Bulk batch {batch.pk} row {item.row_number}: {item.department_reference} is already on a summons"
        hooks.bulk_rows_released(batch=batch, courts=[str(court)], reason=reason)


def _filed(item: BulkItem, submission: Submission, batch: BulkBatch) -> None:
    """The row is filed: recorded, and the batch's first row filed keeps its manifest (:mod:`.record`)."""
    with manifest_files() as files:
        bulk_item_filed_link(item=item, submission=submission, batch=batch, files=files)


@transaction.atomic
def bulk_batch_interrupt(*, batch: BulkBatch, reason: str) -> bool:
    """Stop a batch being filed: it waits, ``interrupted``, for the filer to resume it."""
    now = timezone.now()
    moved = BulkBatch.objects.filter(pk=batch.pk, status=BatchStatus.FILING).update(
        status=BatchStatus.INTERRUPTED, finished_at=now, updated_at=now
    )
    if moved:
        audit_record(
            event_type=AuditEventType.FILING_BULK_BATCH_INTERRUPTED,
            target=batch,
            before={"status": BatchStatus.FILING},
            after={"status": BatchStatus.INTERRUPTED, "reason": reason[:500]},
        )
    return bool(moved)


@transaction.atomic
def bulk_batch_finish(*, batch: BulkBatch) -> str:
    """After the last row: filed, or interrupted if a row failed or is still claimed by a worker that died."""
    left = BulkItem.objects.filter(
        batch=batch, status__in=(ItemStatus.PENDING, ItemStatus.FILING, ItemStatus.FAILED)
    ).count()
    if left:
        bulk_batch_interrupt(batch=batch, reason=f"{left} rows not filed")
        return "interrupted"
    now = timezone.now()
    moved = BulkBatch.objects.filter(pk=batch.pk, status=BatchStatus.FILING).update(
        status=BatchStatus.FILED, finished_at=now, updated_at=now
    )
    if moved:
        batch.refresh_from_db()
        if not batch.rows_filed:
            bulk_manifest_forget(batch)  # every row refused when filed: nothing of the manifest is on record
        audit_record(
            event_type=AuditEventType.FILING_BULK_BATCH_FINISHED,
            target=batch,
            before={"status": BatchStatus.FILING},
            after={"status": BatchStatus.FILED, "rows_filed": batch.rows_filed},
        )
    return "filed"


def bulk_file_failed(item: OutboxItem) -> None:
    """The work failed for good (the outbox gave up): the batch shows interrupted, ready to resume."""
    batch = BulkBatch.objects.filter(pk=int(item.target_id)).first()
    if batch is not None:
        bulk_batch_interrupt(batch=batch, reason=item.last_error or "the work failed")


def register_bulk_filing() -> None:
    register_kind(
        BULK_FILE,
        run=lambda item: bulk_batch_run(batch_id=int(item.target_id)),
        failed=bulk_file_failed,
        failed_event=AuditEventType.FILING_BULK_BATCH_INTERRUPTED,
        alert_group="Registry supervisor",
        time_limit=TIME_BUDGET + 180,
    )
