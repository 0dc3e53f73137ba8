"""The acknowledgement of a submission: the facts it shows, on screen and as a PDF."""

from __future__ import annotations

from icms.calendar import DeemedReceipt, Rule, deemed_receipt

from .models import AcknowledgementVersion, Submission
from .rendering import AcknowledgedDocument, AcknowledgementData, Revision, render_acknowledgement


def submission_deemed(submission: Submission) -> DeemedReceipt:
    """The deemed receipt on record, with its rule and the calendar facts behind it.

    The stamped fields are the record. While the calendar agrees with them (always, for
    an undecided filing, which re-stamping keeps in step) the facts come from it; for a
    decided filing whose time the calendar would now move (a conflict staff kept), the
    explanation is the one its acknowledgement stated, so page and PDF never disagree.
    """
    live = deemed_receipt(submission.received_at)
    if live.deemed_at == submission.deemed_received_at and live.rule.value == submission.deemed_rule:
        return live
    stated = submission.acknowledgement_versions.order_by("-version").first()
    return DeemedReceipt(
        received_at=submission.received_at,
        deemed_at=submission.deemed_received_at,
        rule=Rule(submission.deemed_rule) if submission.deemed_rule else live.rule,
        explanation_en=(stated.explanation_en if stated else "") or live.explanation_en,
        explanation_zh=(stated.explanation_zh if stated else "") or live.explanation_zh,
    )


def acknowledgement_data(submission: Submission, version: AcknowledgementVersion) -> AcknowledgementData:
    """The PDF's values: the submission's facts, and the deemed receipt as this version states it."""
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
        deemed_received_at=version.deemed_received_at,
        deemed_rule_en=version.explanation_en,
        deemed_rule_zh=version.explanation_zh,
        documents=documents,
        court_name_en=court.name_en,
        court_name_zh=court.name_zh,
        case_number=case.case_number,
        filer_name=submission.submitted_by.display_name,
        filer_reference=submission.filer_reference,
        revision=_revision(version),
    )


def _revision(version: AcknowledgementVersion) -> Revision | None:
    if not version.is_revision:
        return None
    return Revision(
        version=version.version,
        previous_deemed_received_at=version.previous_deemed_received_at,
        reason_en=version.reason_en,
        reason_zh=version.reason_zh,
    )


def acknowledgement_pdf(submission: Submission, *, version: AcknowledgementVersion) -> bytes:
    return render_acknowledgement(acknowledgement_data(submission, version))
