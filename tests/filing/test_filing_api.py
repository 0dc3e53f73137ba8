"""The filing API: filing status and case look-up by token, scoped by the access policy (404 otherwise)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from accounts.models import Membership
from accounts.tokens import api_token_create, api_token_revoke
from filing.models import Party, ReturnReason, Submission
from filing.services import DocumentUpload, filing_accept, filing_return, submission_create
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartyFactory,
    StaffFactory,
    UserFactory,
    api_token_for,
    assign_case,
)
from tests.filing.conftest import document_type, pdf_file

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    # Staff make a token with a code from their authenticator app (accounts/tokens.py).
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user)}"}


def case_url(case_number: str) -> str:
    return "/api/v1/cases/" + quote(case_number, safe="")


@pytest.fixture
def world(firm_filer, party_in_person, outsider, document_storage):
    """A case with a party in person and a firm on record, a filing in it, and people with no business there.

    The filing side is the applicant's: the firm's user who filed (``representative``), a
    colleague the case is also assigned to and the firm's administrator. The other side:
    a respondent in person (``party``) and the administrator of the firm on record for
    another respondent (``opposing firm administrator``).
    """
    case = firm_filer.case
    PartyFactory(case=case, side=Party.Side.RESPONDENT, ordinal=2, name_en="WONG Siu Ming", user=party_in_person)
    opposing_firm = OrganisationFactory()
    PartyFactory(case=case, side=Party.Side.RESPONDENT, ordinal=3, name_en="LEE Ka Yan", representative=opposing_firm)
    firm = firm_filer.memberships.get().organisation
    colleague = MembershipFactory(organisation=firm, role=Membership.Role.MEMBER)
    assign_case(case, colleague)
    submission = submission_create(
        user=firm_filer,
        case=case,
        uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file(3))],
    )
    return {
        "case": case,
        "submission": submission,
        "public": None,
        "unrelated user": UserFactory(),
        "party": party_in_person,
        "representative": firm_filer,
        "assigned colleague": colleague.user,
        "firm administrator": MembershipFactory(organisation=firm, role=Membership.Role.PRIMARY_ADMIN).user,
        "opposing firm administrator": MembershipFactory(
            organisation=opposing_firm, role=Membership.Role.PRIMARY_ADMIN
        ).user,
        "member of another organisation": outsider,
        "staff": StaffFactory(group="Registry clerk"),
    }


def decided(decide, submission, **kwargs):
    """Decide ``submission`` once it is received in law (a minute after its deemed time)."""
    with time_machine.travel(submission.deemed_received_at + timedelta(minutes=1), tick=False):
        return decide(submission=submission, **kwargs)


# Who may see the case: everyone acting for a party, on either side, and staff.
MATRIX = {
    "public": 404,
    "unrelated user": 404,
    "member of another organisation": 404,
    "party": 200,
    "opposing firm administrator": 200,
    "representative": 200,
    "assigned colleague": 200,
    "firm administrator": 200,
    "staff": 200,
}
FILING_SIDE = {"representative", "assigned colleague", "firm administrator", "staff"}
# Who may see a filing the registry has not accepted (under review, returned): the filing side only.
UNDECIDED_MATRIX = {who: 200 if who in FILING_SIDE else 404 for who in MATRIX}


def _submission_status(world, who):
    user = world[who]
    headers = bearer(user) if user is not None else {}
    return Client().get(f"/api/v1/submissions/{world['submission'].reference}", **headers)


@pytest.mark.parametrize(("who", "expected"), UNDECIDED_MATRIX.items())
def test_a_submission_under_review_is_answered_only_to_the_filing_side(world, who, expected):
    response = _submission_status(world, who)
    assert response.status_code == expected
    if expected == 404:
        assert response.json() == {"detail": "Not Found"}
    else:
        assert response.json()["reference"] == world["submission"].reference


@pytest.mark.parametrize(("who", "expected"), UNDECIDED_MATRIX.items())
def test_a_returned_submission_stays_the_filing_sides(world, who, expected):
    reason = ReturnReason.objects.get(code="unsigned")
    decided(filing_return, world["submission"], clerk=world["staff"], reason=reason, note="Sign page 3.")
    response = _submission_status(world, who)
    assert response.status_code == expected
    if expected == 404:
        assert response.json() == {"detail": "Not Found"}, "the other side cannot learn it was filed or returned"


@pytest.mark.parametrize(("who", "expected"), MATRIX.items())
def test_an_accepted_submission_is_answered_to_every_party_on_record(world, who, expected):
    decided(filing_accept, world["submission"], clerk=world["staff"], accepted_without_opening=True)
    response = _submission_status(world, who)
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["status"] == "accepted"


@pytest.mark.parametrize(("who", "expected"), MATRIX.items())
def test_the_case_api_answers_only_those_entitled(world, who, expected):
    user = world[who]
    headers = bearer(user) if user is not None else {}
    response = Client().get(case_url(world["case"].case_number), **headers)
    assert response.status_code == expected
    if expected == 404:
        assert response.json() == {"detail": "Not Found"}
    else:
        assert response.json()["case_number"] == world["case"].case_number


def test_a_case_that_does_not_exist_gives_the_same_404(world):
    headers = bearer(world["representative"])
    missing = Client().get(case_url("DCCJ 99999/2026"), **headers)
    malformed = Client().get(case_url("not a case number"), **headers)
    unknown_submission = Client().get("/api/v1/submissions/ES-2222-3333-4444", **headers)
    assert missing.status_code == malformed.status_code == unknown_submission.status_code == 404
    assert missing.json() == malformed.json() == unknown_submission.json() == {"detail": "Not Found"}


def test_the_submission_api_gives_status_times_in_hong_kong_documents_and_decision(world):
    submission = world["submission"]
    reason = ReturnReason.objects.get(code="unsigned")
    decided(filing_return, submission, clerk=world["staff"], reason=reason, note="Sign page 3.")

    body = (
        Client().get(f"/api/v1/submissions/{submission.reference.lower()}", **bearer(world["representative"])).json()
    )

    submission.refresh_from_db()
    assert body["status"] == "returned"
    assert body["case_number"] == world["case"].case_number
    assert body["received_at"].endswith("+08:00") and body["deemed_received_at"].endswith("+08:00")
    assert body["deemed_rule"] == submission.deemed_rule != ""
    document = submission.documents.get()
    assert body["documents"] == [
        {
            "ordinal": 1,
            "title": "Defence",
            "type": "defence",
            "type_name_en": "Defence",
            "type_name_zh": "抗辯書",
            "sha256": document.sha256,
            "pages": 3,
            "drn": None,
            "sealed_sha256": None,
            "withdrawn_at": None,
        }
    ]
    decision = body["decision"]
    assert decision["outcome"] == "returned" and decision["reason_code"] == "unsigned"
    assert decision["reason_zh"] == "文件沒有簽署或沒有註明日期。" and decision["note"] == "Sign page 3."
    assert decision["decided_at"].endswith("+08:00")


def test_an_open_submission_has_no_decision_and_an_accepted_one_has_drns(world):
    submission = world["submission"]
    headers = bearer(world["representative"])
    url = f"/api/v1/submissions/{submission.reference}"
    assert Client().get(url, **headers).json()["decision"] is None

    decided(filing_accept, submission, clerk=world["staff"], accepted_without_opening=True)
    body = Client().get(url, **headers).json()
    assert body["status"] == "accepted" and body["decision"]["outcome"] == "accepted"
    assert body["documents"][0]["drn"] == submission.documents.get().drn


def test_the_case_api_gives_court_type_parties_with_roles_and_documents_with_status(world):
    case = world["case"]
    body = Client().get(case_url(case.case_number), **bearer(world["party"])).json()

    assert body["court"]["code"] == case.case_type.court.code
    assert body["type"] == {
        "prefix": "DCCJ",
        "name_en": case.case_type.name_en,
        "name_zh": case.case_type.name_zh,
    }
    assert body["status"] == "active" and body["nature_en"] == case.nature_en
    roles = {(p["name_en"], p["role_en"]) for p in body["parties"]}
    assert ("WONG Siu Ming", case.case_type.respondent_role_en) in roles
    assert any(p["role_en"] == case.case_type.applicant_role_en for p in body["parties"])
    # The other side's defence is still under review: the party does not see it yet.
    assert body["documents"] == []


@pytest.mark.parametrize("who", sorted(MATRIX.keys() - {"public", "unrelated user", "member of another organisation"}))
def test_the_case_api_lists_a_filing_to_the_other_side_only_once_accepted(world, who):
    url, headers = case_url(world["case"].case_number), bearer(world[who])
    under_review = [(d["title"], d["status"]) for d in Client().get(url, **headers).json()["documents"]]
    assert under_review == ([("Defence", "received")] if who in FILING_SIDE else [])

    decided(filing_accept, world["submission"], clerk=world["staff"], accepted_without_opening=True)

    accepted = [(d["title"], d["status"]) for d in Client().get(url, **headers).json()["documents"]]
    assert accepted == [("Defence", "accepted")]


def test_a_case_number_is_read_however_it_is_spaced(world):
    case = world["case"]
    loose = f"{case.case_type.prefix.lower()}  {case.number} / {case.year}"
    response = Client().get(case_url(loose), **bearer(world["party"]))
    assert response.status_code == 200 and response.json()["case_number"] == case.case_number


def test_a_wrong_or_revoked_token_is_refused(world):
    user = world["representative"]
    row, token = api_token_create(user=user, name="old laptop")
    url = f"/api/v1/submissions/{world['submission'].reference}"
    assert Client().get(url, HTTP_AUTHORIZATION="Bearer not-a-real-token").status_code == 401
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["reference"] == world["submission"].reference
    row.refresh_from_db()
    assert row.last_used_at is not None

    api_token_revoke(api_token=row, actor=user)
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_a_deactivated_account_s_token_stops_working(world):
    user = world["party"]
    headers = bearer(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert Client().get(case_url(world["case"].case_number), **headers).status_code == 401


def test_an_organisation_user_loses_access_when_the_membership_ends(world):
    from django.utils import timezone

    user = world["representative"]
    headers = bearer(user)
    Membership.objects.filter(user=user).update(deactivated_at=timezone.now())
    assert Client().get(case_url(world["case"].case_number), **headers).status_code == 404


def test_the_openapi_schema_lists_the_filing_endpoints_with_bearer_auth(db):
    schema = Client().get("/api/v1/openapi.json").json()
    for path in ("/api/v1/submissions/{ref}", "/api/v1/cases/{case_number}", "/api/v1/verify"):
        assert "get" in schema["paths"][path]
    assert schema["components"]["securitySchemes"]["ApiTokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert "security" not in schema["paths"]["/api/v1/verify"]["get"]
    submission = schema["components"]["schemas"]["SubmissionOut"]["properties"]
    assert {"status", "received_at", "deemed_received_at", "deemed_rule", "documents", "decision"} <= set(submission)


def test_submissions_are_not_reachable_by_their_database_id(world):
    response = Client().get(f"/api/v1/submissions/{world['submission'].pk}", **bearer(world["representative"]))
    assert response.status_code == 404
    assert Submission.objects.filter(pk=world["submission"].pk).exists()


@pytest.mark.parametrize("who", sorted(who for who, status in MATRIX.items() if status == 200))
def test_the_acknowledgement_versions_are_the_filing_sides_only(world, who):
    decided(filing_accept, world["submission"], clerk=world["staff"], accepted_without_opening=True)
    acknowledgements = _submission_status(world, who).json()["acknowledgements"]
    if who in FILING_SIDE:
        submission = world["submission"]
        submission.refresh_from_db()
        assert [(a["version"], a["current"]) for a in acknowledgements] == [(1, True)]
        assert (
            acknowledgements[0]["deemed_received_at"]
            == submission.deemed_received_at.astimezone(ZoneInfo("Asia/Hong_Kong")).isoformat()
        )
    else:
        assert acknowledgements == []
