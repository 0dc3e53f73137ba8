"""The acknowledgement of a submission: the facts it shows, on screen and as a PDF."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from icms.calendar import DeemedReceipt, Rule, deemed_receipt
from icms.core.rendering import format_datetime_en, format_datetime_zh
from icms.core.time import HONG_KONG

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


def acknowledgement_current(submission: Submission) -> AcknowledgementVersion | None:
    """The version of the acknowledgement in force (the newest), if any was made."""
    return submission.acknowledgement_versions.order_by("-version").first()


def _when(moment: datetime | None) -> dict[str, str] | None:
    if moment is None:
        return None
    return {
        "iso": moment.astimezone(HONG_KONG).isoformat(),
        "en": format_datetime_en(moment),
        "zh": format_datetime_zh(moment),
    }


def acknowledgement_facts(submission: Submission, *, version: AcknowledgementVersion) -> dict[str, Any]:
    """The acknowledgement as JSON: the same values the PDF shows (:func:`acknowledgement_data`), as data.

    Each time is given as ISO 8601 in Hong Kong time and in the PDF's English and Chinese
    words, so a reader can match the two. Each document's DRN and the SHA-256 of its sealed
    copy are added once the registry has accepted and sealed it (the PDF, issued at
    receipt, cannot show them). Field names follow OASIS LegalXML ECF where it has one
    (docs/api.md).
    """
    data = acknowledgement_data(submission, version)
    documents = list(submission.documents.select_related("document_type").order_by("ordinal"))
    revision = data.revision
    return {
        "document_kind": "acknowledgement",
        "filing_id": data.reference,
        "version": version.version,
        "case_tracking_id": data.case_number or None,
        "court": {"en": data.court_name_en, "zh": data.court_name_zh},
        "filer": data.filer_name,
        "filer_reference": data.filer_reference,
        "received_at": _when(data.received_at),
        "deemed_received_at": _when(data.deemed_received_at),
        "deemed_rule": version.deemed_rule,
        "deemed_rule_explanation": {"en": data.deemed_rule_en, "zh": data.deemed_rule_zh},
        "documents": [
            {
                "ordinal": document.ordinal,
                "title": acknowledged.title,
                "document_type": acknowledged.document_type,
                "document_type_code": document.document_type.code,
                "filing_lead_document": document.document_type.starts_case,
                "pages": acknowledged.pages,
                "sha256": acknowledged.sha256,
                "drn": document.drn or None,
                "sealed_sha256": document.sealed_sha256 or None,
            }
            for document, acknowledged in zip(documents, data.documents, strict=True)
        ],
        "total_pages": sum(d.pages for d in data.documents),
        "revision": None
        if revision is None
        else {
            "version": revision.version,
            "previous_deemed_received_at": _when(revision.previous_deemed_received_at),
            "reason": {"en": revision.reason_en, "zh": revision.reason_zh},
        },
        "pdf_sha256": version.sha256 or None,
    }
