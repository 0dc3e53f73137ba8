"""Helpers for the filing tests (the shared fixtures are in tests/conftest.py)."""

from __future__ import annotations

import io
from datetime import datetime

import pytest

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


@pytest.fixture
def filed(party_in_person, firm_filer, document_storage, celery_eager, django_capture_on_commit_callbacks):
    """Stored filings: an accepted new DCPI case (writ and statement of damages, sealed, with
    DRNs and acknowledged) and a DCCJ defence still under review. Yields the three documents."""
    from django.core import mail

    from filing.services import filing_accept
    from tests.clock import once_received_in_law
    from tests.factories import StaffFactory
    from tests.filing.test_review_admin import file_defence, new_dcpi_case

    clerk = StaffFactory(group="Registry clerk")
    with django_capture_on_commit_callbacks(execute=True):
        accepted = new_dcpi_case(party_in_person)
        pending = file_defence(firm_filer)
    with once_received_in_law(accepted), django_capture_on_commit_callbacks(execute=True):
        filing_accept(submission=accepted, clerk=clerk, accepted_without_opening=True)
    writ, damages = accepted.documents.select_related("submission__case__case_type").order_by("ordinal")
    assert writ.sealed_storage_key and damages.sealed_storage_key and writ.drn and damages.drn
    mail.outbox.clear()
    return writ, damages, pending.documents.get()
