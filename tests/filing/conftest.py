"""Helpers for the filing tests (the shared fixtures are in tests/conftest.py)."""

from __future__ import annotations

import io
from datetime import datetime

from filing.models import AcknowledgementVersion, DocumentType, Submission
from icms.calendar import deemed_receipt
from icms.calendar.stamping import deemed_receipt_stamp
from tests.filing.pdf_corpus import good_pdf


def stored_files(location) -> list[str]:
    return sorted(str(p.relative_to(location)) for p in location.rglob("*") if p.is_file())


def pdf_file(pages: int = 1, name: str = "document.pdf") -> io.BytesIO:
    data = io.BytesIO(good_pdf(pages))
    data.name = name
    return data


def document_type(prefix: str, code: str) -> DocumentType:
    return DocumentType.objects.get(case_type__prefix=prefix, code=code)


def received_at(submission: Submission, moment: datetime) -> Submission:
    """Make ``submission`` one received at ``moment``, as if the database clock had said so.

    The service takes the received time from the database's own clock, which neither
    time-machine nor libfaketime moves; tests about legal time pin it here instead, then
    stamp the deemed receipt afresh and restate the first acknowledgement to match.
    """
    Submission.objects.filter(pk=submission.pk).update(
        received_at=moment, deemed_received_at=None, deemed_rule="", deemed_stamped_at=None
    )
    deemed_receipt_stamp(model=Submission, pk=submission.pk)
    submission.refresh_from_db()
    explanation = deemed_receipt(moment)
    AcknowledgementVersion.objects.filter(submission=submission, version=1).update(
        deemed_received_at=submission.deemed_received_at,
        deemed_rule=submission.deemed_rule,
        explanation_en=explanation.explanation_en,
        explanation_zh=explanation.explanation_zh,
    )
    return submission
