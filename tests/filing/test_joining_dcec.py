"""Joining an employees' compensation case (DCEC, issue 14): the application for compensation is
its originating document, so its seal carries each respondent's code; a firm joins for a respondent
with a notice of acting, and a later notice of change of solicitors moves the respondent to another firm."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from accounts.models import Membership
from filing.access import case_recipients, user_may_act_for_case
from filing.joining import access_code_format
from filing.models import CaseAccessCode, Party, Submission
from filing.services import DocumentUpload, FilingDetails, NewCase, NewParty, submission_create
from icms.core.storage import read_document
from tests.factories import MembershipFactory, StaffFactory
from tests.filing.conftest import document_type, pdf_file
from tests.filing.test_joining import accept

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(firm_filer, document_storage, celery_eager, django_capture_on_commit_callbacks) -> Submission:
    """The employee's firm's application for compensation against two employers, accepted and sealed."""
    with django_capture_on_commit_callbacks(execute=True):
        submission = submission_create(
            user=firm_filer,
            new_case=NewCase(
                case_type=document_type("DCEC", "application").case_type,
                applicants=[NewParty(name_en="WONG Siu Ming", name_zh="王小明")],
                respondents=[
                    NewParty(name_en="GOLDEN HARBOUR LIMITED", kind="company"),
                    NewParty(name_en="LEE Ka Ho"),
                ],
                nature_en="Compensation for an injury at work",
            ),
            uploads=[
                DocumentUpload(document_type("DCEC", "application"), "Application for compensation", pdf_file(2))
            ],
        )
    accept(submission, StaffFactory(group="Registry clerk"))
    submission.refresh_from_db()
    return submission


def _join(user, case, party_name: str, kind: str, title: str) -> Submission:
    code = CaseAccessCode.objects.get(case=case, party__name_en=party_name, revoked_at__isnull=True)
    return submission_create(
        user=user,
        case=case,
        uploads=[DocumentUpload(document_type("DCEC", kind), title, pdf_file())],
        details=FilingDetails(access_code=code, for_party=code.party),
    )


def test_the_sealed_application_carries_each_respondents_code(application):
    current = CaseAccessCode.objects.filter(case=application.case, revoked_at__isnull=True)
    codes = {row.party.name_en: row.code for row in current.select_related("party")}
    assert set(codes) == {"GOLDEN HARBOUR LIMITED", "LEE Ka Ho"}
    sealed = read_document(application.documents.get().sealed_storage_key)
    first = " ".join(PdfReader(io.BytesIO(sealed)).pages[0].extract_text().split())
    assert "1st Respondent" in first and "2nd Respondent" in first and "Defendant" not in first
    assert all(access_code_format(code) in first for code in codes.values())


def test_a_firm_joins_with_a_notice_of_acting_and_a_change_of_solicitors_moves_the_respondent(application):
    case = application.case
    clerk = StaffFactory(group="Registry clerk")
    first_firm = MembershipFactory(role=Membership.Role.MEMBER).user
    accept(
        _join(first_firm, case, "GOLDEN HARBOUR LIMITED", "notice_of_acting", "Notice of acting"),
        clerk,
    )
    respondent = Party.objects.get(case=case, name_en="GOLDEN HARBOUR LIMITED")
    assert respondent.representative == first_firm.memberships.get().organisation
    assert user_may_act_for_case(first_firm, case)

    second_firm = MembershipFactory(role=Membership.Role.MEMBER).user
    accept(
        _join(second_firm, case, "GOLDEN HARBOUR LIMITED", "notice_of_acting", "Notice of change of solicitors"),
        clerk,
    )
    respondent.refresh_from_db()
    assert respondent.representative == second_firm.memberships.get().organisation
    assert user_may_act_for_case(second_firm, case) and not user_may_act_for_case(first_firm, case)
    recipients = set(case_recipients(case))
    assert second_firm in recipients and first_firm not in recipients
