"""Sealing accepted filings: the FILED copy of each document, made after the acceptance
commits, and its re-issue under the same DRN when a correction changes the deemed time."""

from __future__ import annotations

from django.db import transaction

from icms.core.rendering import format_datetime_en, format_datetime_zh
from icms.core.storage import StoredFiles, read_document

from ..models import Document, Submission
from ..sealing import Stamp, StampKind, seal_pdf
from .messages import message_post


def sealed_copies_reissued_tell(*, submission: Submission) -> int:
    """Tell every party on record that the sealed copies were re-issued (a corrected deemed
    time), once per version: a message with the new copies and an email. Returns how many
    were told for the first time."""
    from ..notifications import notify_on_commit
    from .court_documents import case_recipients

    case = submission.case
    version = max(submission.documents.values_list("sealed_version", flat=True))
    deemed = submission.deemed_received_at
    if deemed is None:
        raise RuntimeError("A re-issued sealed copy has a deemed time.")
    told = []
    with transaction.atomic():
        for recipient in case_recipients(case):
            _, created = message_post(
                recipient=recipient,
                kind="sealed_copy_reissued",
                version=version,
                subject_en=f"Sealed copies re-issued in {case.case_number} (submission {submission.reference})",
                subject_zh=f"{case.case_number} 的蓋印文本已重新發出（提交 {submission.reference}）",
                body_en=(
                    f"The Registry corrected the deemed time of receipt to {format_datetime_en(deemed)} and "
                    f"re-issued the sealed copies under the same Document Reference Numbers, as version {version}. "
                    "The earlier copies are superseded."
                ),
                body_zh=(
                    f"登記處已把當作收件時間更正為{format_datetime_zh(deemed)}，並以相同的文件參考編號重新發出"
                    f"蓋印文本（第 {version} 版）。較早的文本已被取代。"
                ),
                submission=submission,
            )
            if created:
                told.append(recipient)
        notify_on_commit(
            recipients=told,
            template="sealed_copy_reissued",
            context={"submission": submission, "case_number": case.case_number, "version": version},
        )
    return len(told)


def submission_documents_seal(*, submission: Submission) -> int:
    """Make the sealed copy of each accepted document, then tell the filer. Idempotent.

    The sealed copy is the original with the FILED stamp on page 1 (court, case
    number, deemed receipt, DRN, digest); the original bytes are never changed.
    """
    from ..notifications import notify_on_commit

    if submission.status != Submission.Status.ACCEPTED:
        return 0
    case = submission.case
    court = case.case_type.court
    if submission.deemed_received_at is None:
        raise RuntimeError("An accepted submission always has a deemed receipt.")
    sealed = 0
    for document in submission.documents.filter(sealed_storage_key="").order_by("ordinal"):
        if document.drn is None:
            raise RuntimeError(f"Accepted document {document.pk} has no DRN.")
        stamp = Stamp(
            kind=StampKind.FILED,
            court_name_en=court.name_en,
            court_name_zh=court.name_zh,
            case_number=case.case_number,
            moment=submission.deemed_received_at,
            drn=document.drn,
            version=document.sealed_version,
        )
        sealed_bytes = seal_pdf(read_document(document.storage_key), stamp)
        with StoredFiles() as files:
            stored = files.save(sealed_bytes, prefix="sealed")
            claimed = Document.objects.filter(
                pk=document.pk, sealed_storage_key="", sealed_version=document.sealed_version
            ).update(sealed_storage_key=stored.key, sealed_sha256=stored.sha256)
            if not claimed:
                files.discard()  # another worker sealed this one first: drop our copy
            sealed += claimed
    reissued = submission.documents.filter(sealed_version__gt=1)
    if reissued.exists():
        if not reissued.filter(sealed_storage_key="").exists():
            sealed_copies_reissued_tell(submission=submission)
        return sealed
    with transaction.atomic():
        _, created = message_post(
            recipient=submission.submitted_by,
            kind="decision",
            subject_en=f"Submission {submission.reference} accepted in {case.case_number}",
            subject_zh=f"提交 {submission.reference} 已獲接納（{case.case_number}）",
            body_en="The registry has accepted your filing. The sealed copies are attached below.",
            body_zh="登記處已接納你的存檔。蓋印文本載於下方。",
            submission=submission,
        )
        if created:
            notify_on_commit(
                recipients=[submission.submitted_by],
                template="decision",
                context={"submission": submission, "accepted": True, "case_number": case.case_number},
            )
    return sealed
