"""The acknowledgement of a submission: the facts it shows, on screen and as a PDF."""

from __future__ import annotations

from django.utils import timezone

from icms.calendar import DeemedReceipt, deemed_receipt

from .models import Submission
from .rendering import AcknowledgedDocument, AcknowledgementData, render_acknowledgement


def submission_deemed(submission: Submission) -> DeemedReceipt:
    """The deemed receipt with its rule and facts, in step with the stamped fields.

    The stamped ``deemed_received_at`` is the record; the explanation is derived from
    the same calendar, which re-stamping keeps consistent with it.
    """
    return deemed_receipt(submission.received_at)


def _fmt(moment: object) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")  # type: ignore[arg-type]


def deemed_texts(submission: Submission) -> tuple[str, str, str, str]:
    """Short bilingual lines for the message box and email: (when en, when zh, rule en, rule zh)."""
    result = submission_deemed(submission)
    received = _fmt(submission.received_at)
    if submission.deemed_received_at is None:
        when_en = f"received {received}; deemed receipt pending"
        when_zh = f"收到時間 {received}；視為收到的時間有待確定"
    else:
        deemed = _fmt(submission.deemed_received_at)
        when_en = f"received {received}; deemed received {deemed}"
        when_zh = f"收到時間 {received}；視為收到的時間 {deemed}"
    return when_en, when_zh, result.explanation_en, result.explanation_zh


def acknowledgement_data(submission: Submission) -> AcknowledgementData:
    result = submission_deemed(submission)
    case = submission.case
    court = case.case_type.court
    documents = [
        AcknowledgedDocument(
            title=document.title,
            sha256=document.sha256,
            pages=document.pages,
            document_type=f"{document.document_type.name_en} {document.document_type.name_zh}",
        )
        for document in submission.documents.select_related("document_type").order_by("ordinal")
    ]
    return AcknowledgementData(
        reference=submission.reference,
        received_at=submission.received_at,
        deemed_received_at=submission.deemed_received_at,
        deemed_rule_en=result.explanation_en,
        deemed_rule_zh=result.explanation_zh,
        documents=documents,
        court_name_en=court.name_en,
        court_name_zh=court.name_zh,
        case_number=case.case_number,
        filer_name=submission.submitted_by.display_name,
    )


def acknowledgement_pdf(submission: Submission) -> bytes:
    return render_acknowledgement(acknowledgement_data(submission))
