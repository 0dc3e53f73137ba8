"""The authorisation matrix of a case with both sides (issue 14): who gets 200 and who gets 404.

The case is built through the services, as it happens: the plaintiff's firm files a writ
against two defendants; firm C joins for the 1st defendant with its access code, then
firm B takes over by a notice of change of solicitors (firm C comes off the record); the
2nd defendant joins in person; the plaintiff's firm has one filing returned and one
pending; the court then issues an order. Refusals are 404, never 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from accounts.models import Membership
from filing.models import CaseAccessCode, MessageItem, Party, ReturnReason, Submission
from filing.services import (
    DocumentUpload,
    FilingDetails,
    court_document_issue,
    filing_return,
    submission_create,
)
from icms.core.storage import store_document
from tests.clock import once_received_in_law
from tests.factories import MembershipFactory, StaffFactory, UserFactory, totp_for
from tests.filing.conftest import document_type, pdf_file
from tests.filing.pdf_corpus import good_pdf
from tests.filing.test_joining import accept, new_writ

pytestmark = pytest.mark.django_db


def _join(user, case, party_name: str, kind: str, title: str) -> Submission:
    code = CaseAccessCode.objects.get(case=case, party__name_en=party_name, revoked_at__isnull=True)
    return submission_create(
        user=user,
        case=case,
        uploads=[DocumentUpload(document_type("DCCJ", kind), title, pdf_file())],
        details=FilingDetails(access_code=code, for_party=code.party),
    )


def _with_acknowledgement(submission: Submission) -> Submission:
    key = store_document(good_pdf(), prefix="acknowledgements").key
    Submission.objects.filter(pk=submission.pk).update(acknowledgement_key=key)
    submission.refresh_from_db()
    return submission


@dataclass
class World:
    case: Any
    users: dict[str, Any]
    urls: dict[str, str]
    recipients: set[int]


@pytest.fixture
def world(firm_filer, document_storage, celery_eager, outsider) -> World:
    clerk = StaffFactory(group="Registry clerk")
    with TestCase.captureOnCommitCallbacks(execute=True):
        writ = new_writ(firm_filer, defendants=("CHAN Tai Man", "LEE Ka Yan"))
    accept(writ, clerk)
    case = writ.case
    case.refresh_from_db()

    former = MembershipFactory(role=Membership.Role.MEMBER).user
    former_filing = _with_acknowledgement(
        _join(former, case, "CHAN Tai Man", "acknowledgement_of_service", "Acknowledgement of service")
    )
    accept(former_filing, clerk)
    joined_firm = MembershipFactory(role=Membership.Role.MEMBER).user
    accept(_join(joined_firm, case, "CHAN Tai Man", "notice_of_acting", "Notice of change of solicitors"), clerk)
    in_person = UserFactory()
    accept(_join(in_person, case, "LEE Ka Yan", "acknowledgement_of_service", "Acknowledgement of service"), clerk)

    returned = submission_create(
        user=firm_filer,
        case=case,
        uploads=[DocumentUpload(document_type("DCCJ", "statement_of_claim"), "Statement of claim", pdf_file())],
    )
    with once_received_in_law(returned):
        filing_return(submission=returned, clerk=clerk, reason=ReturnReason.objects.get(code="unsigned"))
    pending = _with_acknowledgement(
        submission_create(
            user=firm_filer,
            case=case,
            uploads=[DocumentUpload(document_type("DCCJ", "reply"), "Reply", pdf_file())],
        )
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        order = court_document_issue(
            case=case, staff=clerk, kind="order", title="Order for directions", file=pdf_file()
        )
    filer_message = MessageItem.objects.get(recipient=firm_filer, court_document=order)
    firm = firm_filer.memberships.get().organisation
    users = {
        "filer firm": firm_filer,
        "filer firm's member not assigned": MembershipFactory(organisation=firm, role=Membership.Role.MEMBER).user,
        "other side's firm (joined)": joined_firm,
        "joined party in person": in_person,
        "former firm": former,
        "unrelated firm": outsider,
        "anonymous": None,
        "staff": clerk,
    }
    urls = {
        "case file": reverse("filing:case", args=[case.pk]),
        "accepted writ": reverse("filing:document", args=[writ.documents.get().pk, "sealed"]),
        "returned filing": reverse("filing:submission", args=[returned.reference]),
        "pending filing": reverse("filing:submission", args=[pending.reference]),
        "acknowledgement": reverse("filing:acknowledgement", args=[pending.reference]),
        "court document": reverse("filing:court_document", args=[order.pk]),
        "message box entry": reverse("filing:message", args=[filer_message.pk]),
        "former firm's own filing": reverse("filing:submission", args=[former_filing.reference]),
        "former firm's acknowledgement": reverse("filing:acknowledgement", args=[former_filing.reference]),
    }
    recipients = set(MessageItem.objects.filter(court_document=order).values_list("recipient_id", flat=True))
    return World(case, users, urls, recipients)


SIGN_IN = 302
OBJECTS = [
    "case file",
    "accepted writ",
    "returned filing",
    "pending filing",
    "acknowledgement",
    "court document",
    "message box entry",
    "former firm's own filing",
    "former firm's acknowledgement",
]
# One row per role, one column per object, in the order of OBJECTS.
EXPECTED: dict[str, list[int]] = {
    "filer firm": [200, 200, 200, 200, 200, 200, 200, 200, 404],
    "filer firm's member not assigned": [404, 404, 404, 404, 404, 404, 404, 404, 404],
    "other side's firm (joined)": [200, 200, 404, 404, 404, 200, 404, 200, 404],
    "joined party in person": [200, 200, 404, 404, 404, 200, 404, 200, 404],
    "former firm": [404, 404, 404, 404, 404, 404, 404, 200, 200],
    "unrelated firm": [404, 404, 404, 404, 404, 404, 404, 404, 404],
    "anonymous": [SIGN_IN] * len(OBJECTS),
    "staff": [200, 200, 200, 200, 200, 200, 404, 200, 200],
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_the_matrix(world: World, role: str):
    client = Client()
    user = world.users[role]
    if user is not None:
        if role == "staff":
            totp_for(user)  # staff sign in with an authenticator app
        client.force_login(user)
    answers = {target: client.get(world.urls[target]) for target in OBJECTS}
    assert {target: response.status_code for target, response in answers.items()} == dict(
        zip(OBJECTS, EXPECTED[role], strict=True)
    )
    for response in answers.values():
        if response.status_code == SIGN_IN:
            assert response["Location"].startswith(reverse("account_login"))


def test_the_court_document_reaches_those_on_record_and_not_the_former_firm(world: World):
    expected = {"filer firm", "other side's firm (joined)", "joined party in person"}
    assert {role for role, user in world.users.items() if user is not None and user.pk in world.recipients} == expected


def test_the_other_side_sees_only_accepted_documents_in_the_case_file(world: World):
    client = Client()
    client.force_login(world.users["other side's firm (joined)"])
    page = client.get(world.urls["case file"]).content.decode()
    assert "Writ of summons" in page and "Statement of claim" not in page and "Reply" not in page
    parties = Party.objects.filter(case=world.case, name_en="CHAN Tai Man")
    assert parties.get().representative == world.users["other side's firm (joined)"].memberships.get().organisation


def test_a_representation_message_reached_the_old_and_the_new_firm(world: World):
    for role in ("former firm", "other side's firm (joined)"):
        kinds = MessageItem.objects.filter(recipient=world.users[role]).values_list("kind", flat=True)
        assert MessageItem.Kind.REPRESENTATION in kinds
