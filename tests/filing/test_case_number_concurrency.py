"""Case numbers under concurrency: many clerks accepting new cases at once get distinct, gapless numbers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.utils import timezone

from filing.models import Case, Submission
from filing.services import DocumentUpload, NewCase, NewParty, filing_accept, submission_create
from tests.clock import once_received_in_law
from tests.factories import StaffFactory, UserFactory
from tests.filing.conftest import document_type, pdf_file

# Real commits, so the row lock on the number sequence is what keeps numbers unique;
# tests/conftest.py restores the courts and document types the migrations loaded.
pytestmark = pytest.mark.django_db(transaction=True)

ACCEPTANCES = 50


def test_fifty_concurrent_acceptances_of_new_cases_produce_fifty_distinct_gapless_numbers(
    document_storage, outbox_held
):
    # Sealing is not what is tested here; the outbox records that each acceptance owed it.
    writ = document_type("DCPI", "writ")
    filer = UserFactory()
    clerks = [StaffFactory(group="Registry clerk") for _ in range(5)]
    submissions = [
        submission_create(
            user=filer,
            new_case=NewCase(
                case_type=writ.case_type,
                applicants=[NewParty(name_en=f"CLAIMANT {n}")],
                respondents=[NewParty(name_en="KOWLOON TRANSPORT LIMITED", kind="company")],
            ),
            uploads=[DocumentUpload(writ, "Writ of summons", pdf_file())],
        )
        for n in range(ACCEPTANCES)
    ]
    years = {timezone.localtime(s.deemed_received_at).year for s in submissions}
    assert len(years) == 1, "all deemed received in one year, so one sequence"
    connection.close()  # the threads must not share the test's connection
    start = threading.Barrier(ACCEPTANCES)

    def accept(index: int) -> str:
        try:
            submission = Submission.objects.get(pk=submissions[index].pk)
            start.wait(timeout=60)
            filing_accept(submission=submission, clerk=clerks[index % len(clerks)], accepted_without_opening=True)
            return Case.objects.select_related("case_type").get(pk=submission.case_id).case_number
        finally:
            connections.close_all()

    # The registry decides filings once they are received in law; the clock is process-wide.
    with once_received_in_law(submissions[-1]), ThreadPoolExecutor(max_workers=ACCEPTANCES) as pool:
        numbers = list(pool.map(accept, range(ACCEPTANCES)))

    year = years.pop()
    assert sorted(numbers, key=lambda n: int(n.split()[1].split("/")[0])) == [
        f"DCPI {n}/{year}" for n in range(1, ACCEPTANCES + 1)
    ]
    assert set(Case.objects.filter(case_type=writ.case_type).values_list("number", flat=True)) == set(
        range(1, ACCEPTANCES + 1)
    )
    assert Submission.objects.filter(status=Submission.Status.ACCEPTED).count() == ACCEPTANCES
    assert sorted(outbox_held.targets("filing.seal")) == sorted(s.pk for s in submissions)
