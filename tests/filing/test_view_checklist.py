"""The view checklist (docs/development.md) for the filer's screens, the case-assignment forms
and the public verification page: the permitted user's answer, 404 for someone else's
object, 405 for a wrong method, CSRF on POST, the anonymous; and query counts of the lists.
"""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from accounts.tokens import api_token_create
from filing.models import AcknowledgementVersion, CaseAssignment, Submission, SubmissionDraft
from filing.sealing import drn_generate
from filing.services import DocumentUpload, court_document_issue, message_post, submission_create
from icms.core.storage import store_document
from tests.checklist import (
    View,
    ViewChecklist,
    assert_queries_do_not_grow,
    signed_in,
)
from tests.factories import CaseFactory, MembershipFactory, PartyFactory, StaffFactory, assign_case
from tests.filing.conftest import document_type, pdf_file
from tests.filing.pdf_corpus import good_pdf

pytestmark = pytest.mark.django_db


class World:
    """The filer's firm and another firm; each object is made the first time a test asks for it."""

    def __init__(self, filer, outsider):
        self.filer = filer
        self.outsider = outsider

    @cached_property
    def case(self):
        return self.filer.case

    @cached_property
    def admin(self):
        """The filer's firm's primary administrator."""
        return MembershipFactory(
            organisation=self.filer.memberships.get().organisation, role=Membership.Role.PRIMARY_ADMIN
        ).user

    @cached_property
    def other_admin(self):
        """The other firm's primary administrator."""
        return MembershipFactory(
            organisation=self.outsider.memberships.get().organisation, role=Membership.Role.PRIMARY_ADMIN
        ).user

    @cached_property
    def colleague(self) -> Membership:
        """An Organisation User of the filer's firm with no case yet."""
        return MembershipFactory(organisation=self.filer.memberships.get().organisation, role=Membership.Role.MEMBER)

    @cached_property
    def assignment(self) -> CaseAssignment:
        return assign_case(self.case, self.colleague, by=self.admin)

    @cached_property
    def submission(self) -> Submission:
        """A defence filed by the filer, with its acknowledgement rendered (as the task would)."""
        submission = submission_create(
            user=self.filer,
            case=self.case,
            uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file())],
        )
        key = store_document(good_pdf(), prefix="acknowledgements").key
        Submission.objects.filter(pk=submission.pk).update(acknowledgement_key=key)
        AcknowledgementVersion.objects.filter(submission=submission).update(storage_key=key)
        submission.refresh_from_db()
        return submission

    @cached_property
    def document(self):
        return self.submission.documents.get()

    @cached_property
    def draft(self) -> SubmissionDraft:
        """The filer's draft of a summons in the case, with its document uploaded."""
        from filing.services.drafts import draft_create, draft_save, draft_uploads_check

        draft = draft_create(user=self.filer, case_type=self.case.case_type, case=self.case)
        uploads = [DocumentUpload(document_type("DCCJ", "summons"), "Summons for directions", pdf_file(2))]
        draft_save(draft=draft, answers={}, uploads=uploads, checked=draft_uploads_check(draft=draft, uploads=uploads))
        return draft

    @cached_property
    def draft_document(self):
        return self.draft.documents.get()

    @cached_property
    def returned(self) -> Submission:
        """A filing of the filer's that the registry returned."""
        from filing.models import ReturnReason
        from filing.services import filing_return
        from tests.clock import once_received_in_law

        submission = submission_create(
            user=self.filer,
            case=self.case,
            uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file())],
        )
        with once_received_in_law(submission):
            filing_return(
                submission=submission, clerk=StaffFactory(), reason=ReturnReason.objects.get(code="unsigned")
            )
        submission.refresh_from_db()
        return submission

    @cached_property
    def court_document(self):
        return court_document_issue(
            case=self.case, staff=StaffFactory(), kind="order", title="Order for directions", file=pdf_file()
        )

    @cached_property
    def message(self):
        attachment = store_document(good_pdf(), prefix="messages").key
        message, _created = message_post(
            recipient=self.filer,
            kind="notice",
            subject_en="Notice of a hearing",
            subject_zh="聆訊通知",
            attachment_key=attachment,
        )
        return message


@pytest.fixture
def world(firm_filer, outsider, document_storage) -> World:
    return World(firm_filer, outsider)


def _pdf(_w: World) -> bytes:
    return b"%PDF-"


VIEWS = [
    View("filing:start", lambda w: reverse("filing:start"), user="filer", shows=lambda w: w.case.case_number),
    View(
        "filing:case",
        lambda w: reverse("filing:case", args=[w.case.pk]),
        user="filer",
        other="outsider",
        shows=lambda w: w.submission.reference,
    ),
    View(
        "filing:file_in_case",
        lambda w: reverse("filing:file_in_case", args=[w.case.pk]),
        user="filer",
        methods=("GET", "POST"),
        other="outsider",
        shows=lambda w: f"File in {w.case.case_number}",
        state=lambda w: Submission.objects.count(),
    ),
    View(
        "filing:start_case",
        lambda w: reverse("filing:start_case", args=["dccj"]),
        user="filer",
        methods=("GET", "POST"),
        shows=lambda w: "Start a case: Civil Action",
        state=lambda w: Submission.objects.count(),
    ),
    View(
        "filing:submissions",
        lambda w: reverse("filing:submissions"),
        user="filer",
        shows=lambda w: w.submission.reference,
    ),
    View(
        "filing:submission",
        lambda w: reverse("filing:submission", args=[w.submission.reference]),
        user="filer",
        other="outsider",
        shows=lambda w: w.document.sha256,
    ),
    View(
        "filing:acknowledgement",
        lambda w: reverse("filing:acknowledgement", args=[w.submission.reference]),
        user="filer",
        other="outsider",
        shows=_pdf,
    ),
    View(
        "filing:acknowledgement_version",
        lambda w: reverse("filing:acknowledgement_version", args=[w.submission.reference, 1]),
        user="filer",
        other="outsider",
        shows=_pdf,
    ),
    View(
        "filing:document",
        lambda w: reverse("filing:document", args=[w.document.pk, "original"]),
        user="filer",
        other="outsider",
        shows=_pdf,
    ),
    View(
        "filing:court_document",
        lambda w: reverse("filing:court_document", args=[w.court_document.pk]),
        user="filer",
        other="outsider",
        shows=_pdf,
    ),
    View(
        "filing:message_box",
        lambda w: reverse("filing:message_box"),
        user="filer",
        shows=lambda w: w.message.subject_en,
    ),
    View(
        "filing:message",
        lambda w: reverse("filing:message", args=[w.message.pk]),
        user="filer",
        other="outsider",
        shows=lambda w: w.message.subject_en,
    ),
    View(
        "filing:message_attachment",
        lambda w: reverse("filing:message_attachment", args=[w.message.pk]),
        user="filer",
        other="outsider",
        shows=_pdf,
    ),
    View(
        "filing:member_case_assign",
        lambda w: reverse("filing:member_case_assign", args=[w.colleague.pk]),
        methods=("POST",),
        user="admin",
        other="other_admin",
        data=lambda w: {"case": w.case.pk},
        state=lambda w: list(CaseAssignment.objects.filter(membership=w.colleague).values_list("case_id", flat=True)),
    ),
    View(
        "filing:member_case_unassign",
        lambda w: reverse("filing:member_case_unassign", args=[w.colleague.pk, w.assignment.pk]),
        methods=("POST",),
        user="admin",
        other="other_admin",
        state=lambda w: CaseAssignment.objects.filter(pk=w.assignment.pk).exists(),
    ),
    View(
        "filing:join",
        lambda w: reverse("filing:join"),
        user="filer",
        methods=("GET", "POST"),
        shows=lambda w: "Join a case with an access code",
        data=lambda w: {"case_number": w.case.case_number, "code": "2222-3333-4444"},
        state=lambda w: SubmissionDraft.objects.count(),
    ),
    View(
        "filing:drafts",
        lambda w: reverse("filing:drafts"),
        user="filer",
        methods=("GET", "POST"),
        shows=lambda w: reverse("filing:draft_edit", args=[w.draft.pk]),
        data=lambda w: {"discard": w.draft.pk},
        state=lambda w: SubmissionDraft.objects.filter(pk=w.draft.pk).exists(),
    ),
    View(
        "filing:draft_edit",
        lambda w: reverse("filing:draft_edit", args=[w.draft.pk]),
        user="filer",
        other="outsider",
        methods=("GET", "POST"),
        shows=lambda w: w.draft_document.sha256,
        data=lambda w: {"step": "save", "filer_reference": "Changed"},
        state=lambda w: (
            SubmissionDraft.objects.filter(pk=w.draft.pk).values_list("filer_reference", flat=True).first()
        ),
    ),
    View(
        "filing:draft_review",
        lambda w: reverse("filing:draft_review", args=[w.draft.pk]),
        user="filer",
        other="outsider",
        methods=("GET", "POST"),
        shows=lambda w: w.draft_document.sha256,
        state=lambda w: Submission.objects.count(),
    ),
    View(
        "filing:submission_withdraw",
        lambda w: reverse("filing:submission_withdraw", args=[w.submission.reference]),
        user="filer",
        other="outsider",
        methods=("GET", "POST"),
        shows=lambda w: f"Withdraw submission {w.submission.reference}",
        state=lambda w: Submission.objects.get(pk=w.submission.pk).status,
    ),
    View(
        "filing:submission_refile",
        lambda w: reverse("filing:submission_refile", args=[w.returned.reference]),
        user="filer",
        other="outsider",
        methods=("POST",),
        state=lambda w: SubmissionDraft.objects.count(),
    ),
    View(
        "verify:verify",
        lambda w: reverse("verify:verify"),
        methods=("GET", "POST"),
        user=None,
        shows=lambda w: "Verify a court document",
        data=lambda w: {"drn": drn_generate()},
    ),
]


class TestViewChecklist(ViewChecklist):
    VIEWS = VIEWS


# --- The permitted user's POST -------------------------------------------------------


def test_an_administrator_assigns_and_unassigns_a_case(world):
    client = signed_in(world.admin)
    member_page = reverse("accounts:member_detail", args=[world.colleague.pk])
    response = client.post(reverse("filing:member_case_assign", args=[world.colleague.pk]), {"case": world.case.pk})
    assert (response.status_code, response["Location"]) == (302, member_page)
    assignment = CaseAssignment.objects.get(membership=world.colleague)
    assert assignment.case == world.case
    response = client.post(reverse("filing:member_case_unassign", args=[world.colleague.pk, assignment.pk]))
    assert (response.status_code, response["Location"]) == (302, member_page)
    assert not CaseAssignment.objects.filter(membership=world.colleague).exists()


def test_an_administrator_cannot_unassign_through_another_members_address(world):
    """The assignment must belong to the member in the address: no reaching one through another."""
    other_member = MembershipFactory(organisation=world.colleague.organisation, role=Membership.Role.MEMBER)
    url = reverse("filing:member_case_unassign", args=[other_member.pk, world.assignment.pk])
    assert signed_in(world.admin).post(url).status_code == 404
    assert CaseAssignment.objects.filter(pk=world.assignment.pk).exists()


# --- Query counts of the lists ---------------------------------------------------------


def _file(world: World, case=None) -> Submission:
    return submission_create(
        user=world.filer,
        case=case or world.case,
        uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file())],
    )


def test_the_submissions_list_makes_the_same_queries_for_more_submissions(world, django_assert_num_queries):
    client = signed_in(world.filer)
    others = submission_create(
        user=world.outsider,
        case=_outsiders_case(world),
        uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Theirs", pdf_file())],
    )

    def add(n):
        for _ in range(n):
            _file(world)

    def check(response, total):
        page = response.content.decode()
        assert page.count('href="/filing/submissions/') == total
        assert others.reference not in page

    assert_queries_do_not_grow(
        django_assert_num_queries, lambda: client.get(reverse("filing:submissions")), add, check=check
    )


def _outsiders_case(world: World):
    case = CaseFactory()
    PartyFactory(case=case, representative=world.outsider.memberships.get().organisation)
    assign_case(case, world.outsider.memberships.get())
    return case


def _my_case(world: World):
    case = CaseFactory()
    PartyFactory(case=case, representative=world.filer.memberships.get().organisation)
    assign_case(case, world.filer.memberships.get())
    return case


def test_the_start_page_lists_the_cases_in_the_same_queries_for_more_cases(world, django_assert_num_queries):
    client = signed_in(world.filer)
    theirs = _outsiders_case(world)

    def check(response, total):
        page = response.content.decode()
        case_links = r'<td>(?:<span class="table__label"[^>]*>[^<]*</span>)?<a href="/filing/cases/\d+/">'
        assert len(re.findall(case_links, page)) == total + 1  # and the fixture's case
        assert theirs.case_number not in page

    assert_queries_do_not_grow(
        django_assert_num_queries,
        lambda: client.get(reverse("filing:start")),
        lambda n: [_my_case(world) for _ in range(n)],
        check=check,
    )


def test_the_case_file_makes_the_same_queries_for_more_filings(world, django_assert_num_queries):
    client = signed_in(world.filer)

    def check(response, total):
        assert response.content.decode().count('href="/filing/submissions/') == total

    assert_queries_do_not_grow(
        django_assert_num_queries,
        lambda: client.get(reverse("filing:case", args=[world.case.pk])),
        lambda n: [_file(world) for _ in range(n)],
        check=check,
    )


def test_the_case_api_makes_the_same_queries_for_more_filings(world, django_assert_num_queries):
    _row, token = api_token_create(user=world.filer, name="practice software")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = "/api/v1/cases/" + quote(world.case.case_number, safe="")

    def check(response, total):
        assert [d["origin"] for d in response.json()["documents"]] == ["filed"] * total

    assert_queries_do_not_grow(
        django_assert_num_queries,
        lambda: client.get(url),
        lambda n: [_file(world) for _ in range(n)],
        check=check,
    )
