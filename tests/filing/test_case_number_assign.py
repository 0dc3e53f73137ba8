"""Case numbers never collide with numbers already on cases: staff-entered, imported or demo data."""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from filing.case_numbers.numbering import case_number_assign
from filing.models import Case, CaseNumberSequence, CaseType
from filing.services import DocumentUpload, NewCase, NewParty, filing_accept, submission_create
from icms.demo import cases as demo
from tests.factories import CaseFactory, StaffFactory, UserFactory
from tests.filing.conftest import document_type, pdf_file

pytestmark = pytest.mark.django_db


def _draft(prefix: str = "DCCJ") -> Case:
    return CaseFactory(case_type=CaseType.objects.get(prefix=prefix), number=None, year=None, status="pending")


def _assign(case: Case, year: int) -> int | None:
    with transaction.atomic():
        return case_number_assign(case=case, year=year).number


def test_the_demo_case_dccj_1204_2026_is_never_issued_again():
    demo.load({})
    assert Case.objects.filter(case_type__prefix="DCCJ", number=1204, year=2026).exists()
    assert not CaseNumberSequence.objects.exists(), "the counter has not started: it would say 1"
    assert _assign(_draft(), 2026) == 1205
    assert _assign(_draft(), 2026) == 1206
    assert CaseNumberSequence.objects.get(case_type__prefix="DCCJ", year=2026).last_number == 1206


def test_a_number_entered_by_hand_above_the_counter_moves_the_counter_past_it():
    assert _assign(_draft(), 2026) == 1
    CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), number=40, year=2026)
    assert _assign(_draft(), 2026) == 41


def test_numbers_of_another_year_or_prefix_do_not_move_the_counter():
    CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), number=900, year=2025)
    CaseFactory(case_type=CaseType.objects.get(prefix="DCPI"), number=700, year=2026)
    assert _assign(_draft("DCCJ"), 2026) == 1


def test_the_database_refuses_a_second_case_with_the_same_number():
    dccj = CaseType.objects.get(prefix="DCCJ")
    CaseFactory(case_type=dccj, number=1204, year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFactory(case_type=dccj, number=1204, year=2026)


def test_the_next_accepted_new_case_after_one_numbered_1204_by_hand_gets_1205(document_storage, outbox_held):
    writ = document_type("DCCJ", "writ")
    submission = submission_create(
        user=UserFactory(),
        new_case=NewCase(
            case_type=writ.case_type,
            applicants=[NewParty(name_en="CHAN Tai Man")],
            respondents=[NewParty(name_en="GOLDEN HARBOUR LIMITED", kind="company")],
        ),
        uploads=[DocumentUpload(writ, "Writ of summons", pdf_file())],
    )
    # The received time comes from the database clock, which time-machine cannot move:
    # take the year the acceptance will number in from the deemed receipt itself.
    year = timezone.localtime(submission.deemed_received_at).year
    CaseFactory(case_type=writ.case_type, number=1204, year=year)

    # The registry decides a filing once it is received in law: be there a minute later.
    with time_machine.travel(submission.deemed_received_at + timedelta(minutes=1), tick=False):
        filing_accept(submission=submission, clerk=StaffFactory(), accepted_without_opening=True)

    assert Case.objects.get(pk=submission.case_id).case_number == f"DCCJ 1205/{year}"
