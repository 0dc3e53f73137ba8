"""What each side sees: a filing not yet accepted, with its documents and acknowledgement, is the filing
side's alone; the other parties on record see its documents once accepted, and never its acknowledgement.

The authorisation matrix of the filer's screens (the JSON API's is in test_filing_api.py). Refusals are
404, never 403, so the other side cannot learn that something was filed, returned or withdrawn.
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Membership
from filing.access import filing_side_submissions, submissions_visible_to, user_is_on_filing_side
from filing.models import Party, ReturnReason, Submission
from filing.services import DocumentUpload, filing_accept, filing_return, submission_create
from icms.core.storage import store_document
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartyFactory,
    StaffFactory,
    UserFactory,
    assign_case,
)
from tests.filing.conftest import document_type, pdf_file
from tests.filing.pdf_corpus import good_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def sides(firm_filer, party_in_person, outsider, document_storage):
    """The applicant's firm filed a defence; the respondents are a party in person and a party with a firm."""
    case = firm_filer.case
    firm = firm_filer.memberships.get().organisation
    PartyFactory(case=case, side=Party.Side.RESPONDENT, ordinal=2, name_en="WONG Siu Ming", user=party_in_person)
    opposing_firm = OrganisationFactory()
    PartyFactory(case=case, side=Party.Side.RESPONDENT, ordinal=3, name_en="LEE Ka Yan", representative=opposing_firm)
    colleague = MembershipFactory(organisation=firm, role=Membership.Role.MEMBER)
    assign_case(case, colleague)
    sees_all = MembershipFactory(organisation=firm, role=Membership.Role.MEMBER, sees_all_cases=True)
    submission = submission_create(
        user=firm_filer,
        case=case,
        uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file(2))],
    )
    acknowledgement = store_document(good_pdf(), prefix="acknowledgements")
    Submission.objects.filter(pk=submission.pk).update(acknowledgement_key=acknowledgement.key)
    submission.refresh_from_db()
    return {
        "case": case,
        "submission": submission,
        "document": submission.documents.get(),
        "filer": firm_filer,
        "assigned colleague": colleague.user,
        "colleague who sees all cases": sees_all.user,
        "firm administrator": MembershipFactory(organisation=firm, role=Membership.Role.SECONDARY_ADMIN).user,
        "staff": StaffFactory(group="Registry clerk"),
        "party in person on the other side": party_in_person,
        "administrator of the other side's firm": MembershipFactory(
            organisation=opposing_firm, role=Membership.Role.PRIMARY_ADMIN
        ).user,
        "unassigned colleague": MembershipFactory(organisation=firm, role=Membership.Role.MEMBER).user,
        "member of another organisation": outsider,
        "unrelated user": UserFactory(),
    }


# Staff are in the filing side's place for every filing; they work in the admin (two-factor
# sign-in first), so the policy is checked for them below rather than through these screens.
FILING_SIDE = ["filer", "assigned colleague", "colleague who sees all cases", "firm administrator"]
OTHER_SIDE = ["party in person on the other side", "administrator of the other side's firm"]
NO_BUSINESS = ["unassigned colleague", "member of another organisation", "unrelated user"]


def _decide(sides, outcome: str) -> None:
    submission = sides["submission"]
    if outcome == "received":
        return
    # The registry decides a filing once it is received in law: a minute after its deemed time.
    with time_machine.travel(submission.deemed_received_at + timedelta(minutes=1), tick=False):
        if outcome == "accepted":
            filing_accept(submission=submission, clerk=sides["staff"], accepted_without_opening=True)
        else:
            reason = ReturnReason.objects.get(code="unsigned")
            filing_return(submission=submission, clerk=sides["staff"], reason=reason, note="Sign page 2.")


def _pages(client, sides) -> dict[str, int]:
    submission, document = sides["submission"], sides["document"]
    return {
        "submission": client.get(reverse("filing:submission", args=[submission.reference])).status_code,
        "original": client.get(reverse("filing:document", args=[document.pk, "original"])).status_code,
        "acknowledgement": client.get(reverse("filing:acknowledgement", args=[submission.reference])).status_code,
    }


def _listed_in_case_file(client, sides) -> bool | None:
    response = client.get(reverse("filing:case", args=[sides["case"].pk]))
    if response.status_code == 404:
        return None
    return sides["submission"].reference in response.content.decode()


@pytest.mark.parametrize("outcome", ["received", "returned"])
@pytest.mark.parametrize("who", FILING_SIDE)
def test_the_filing_side_sees_its_undecided_filing_documents_and_acknowledgement(client, sides, who, outcome):
    _decide(sides, outcome)
    client.force_login(sides[who])
    assert _pages(client, sides) == {"submission": 200, "original": 200, "acknowledgement": 200}
    assert _listed_in_case_file(client, sides) is True


@pytest.mark.parametrize("outcome", ["received", "returned"])
@pytest.mark.parametrize("who", OTHER_SIDE)
def test_the_other_side_gets_404_for_a_filing_under_review_or_returned(client, sides, who, outcome):
    _decide(sides, outcome)
    client.force_login(sides[who])
    assert _pages(client, sides) == {"submission": 404, "original": 404, "acknowledgement": 404}
    assert _listed_in_case_file(client, sides) is False, "they see the case, not the filing"
    assert not client.get(reverse("filing:submissions")).content.decode().count(sides["submission"].reference)


@pytest.mark.parametrize("who", OTHER_SIDE)
def test_the_other_side_sees_an_accepted_filing_and_its_documents_but_not_the_acknowledgement(client, sides, who):
    _decide(sides, "accepted")
    client.force_login(sides[who])
    assert _pages(client, sides) == {"submission": 200, "original": 200, "acknowledgement": 404}
    assert _listed_in_case_file(client, sides) is True
    page = client.get(reverse("filing:submission", args=[sides["submission"].reference])).content.decode()
    assert reverse("filing:acknowledgement", args=[sides["submission"].reference]) not in page


@pytest.mark.parametrize("outcome", ["received", "returned", "accepted"])
@pytest.mark.parametrize("who", NO_BUSINESS)
def test_those_with_no_business_in_the_case_get_404_whatever_the_status(client, sides, who, outcome):
    _decide(sides, outcome)
    client.force_login(sides[who])
    assert _pages(client, sides) == {"submission": 404, "original": 404, "acknowledgement": 404}
    assert _listed_in_case_file(client, sides) is None


def test_the_anonymous_are_sent_to_sign_in(client, sides):
    response = client.get(reverse("filing:document", args=[sides["document"].pk, "original"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- The policy itself (filing.access) -------------------------------------------------


def test_a_firm_taken_off_the_record_keeps_its_own_filing_and_loses_the_case(sides):
    """Issue 14: a former firm (a change of solicitors) keeps the filings it made, not the case."""
    from filing.access import user_may_act_for_case

    submission = sides["submission"]
    administrator = sides["firm administrator"]
    assert user_is_on_filing_side(administrator, submission)
    Party.objects.filter(case=sides["case"], representative__isnull=False, side=Party.Side.APPLICANT).update(
        representative=None
    )
    assert user_is_on_filing_side(administrator, submission)
    assert list(submissions_visible_to(administrator)) == [submission]
    assert not user_may_act_for_case(administrator, sides["case"])
    assert not user_is_on_filing_side(sides["unassigned colleague"], submission)


def test_a_deactivated_filer_loses_even_their_own_filing(sides):
    from django.utils import timezone

    filer = sides["filer"]
    Membership.objects.filter(user=filer).update(deactivated_at=timezone.now())
    assert not filing_side_submissions(filer).exists()
    assert not submissions_visible_to(filer).exists()


def test_an_administrator_of_the_other_sides_firm_is_not_the_filing_side_even_after_acceptance(sides):
    _decide(sides, "accepted")
    opposing = sides["administrator of the other side's firm"]
    assert list(submissions_visible_to(opposing)) == [sides["submission"]]
    assert not user_is_on_filing_side(opposing, sides["submission"])


@pytest.mark.parametrize("outcome", ["received", "returned", "accepted"])
def test_staff_see_every_filing_in_full(sides, outcome):
    _decide(sides, outcome)
    staff = sides["staff"]
    assert list(submissions_visible_to(staff)) == list(filing_side_submissions(staff)) == [sides["submission"]]
