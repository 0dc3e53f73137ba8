"""Helpers for the filing tests (the shared fixtures are in tests/conftest.py)."""

from __future__ import annotations

import io
from datetime import datetime

from filing.models import DocumentType, Submission
from icms.demo.submissions import submission_received_at
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
    """Make ``submission`` one received at ``moment``: the service takes the received time
    from the database's own clock, which neither time-machine nor libfaketime moves."""
    return submission_received_at(submission, moment)
