"""When the registry accepts a document in a case, the other parties on record are told: a message in
their box and an email in their language, with a link to each sealed copy through the access-checked
download view. Never the filing side, never for an opening filing, and only once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import Membership
from filing.models import MessageItem, Party, ReturnReason, Submission
from filing.services import DocumentUpload, filing_accept, filing_return, submission_create
from filing.services.other_parties import (
    TELL_OTHER_PARTIES,
    SealedCopiesPending,
    other_parties_tell,
)
from filing.services.review import ReviewRefused
from filing.services.sealing import submission_documents_seal
from icms.core.models import OutboxItem
from icms.core.rendering import format_datetime_en, format_datetime_zh
from tests.factories import (
    CaseFactory,
    MembershipFactory,
    OrganisationFactory,
    PartyFactory,
    StaffFactory,
    assign_case,
)
from tests.filing.conftest import document_type, pdf_file
from tests.filing.test_review_admin import new_dcpi_case

pytestmark = pytest.mark.django_db

KIND = MessageItem.Kind.OTHER_PARTY_FILING


@pytest.fixture
def case_with_both_sides(document_storage, celery_eager):
    """DCCJ 4321/2026: the plaintiff's firm and the defendant's firm on record, each with people."""
    plaintiff_firm = OrganisationFactory(name_en="Plaintiff & Co", name_zh="原告律師行")
    defendant_firm = OrganisationFactory(name_en="Defence LLP", name_zh="被告律師行")
    case = CaseFactory(number=4321, year=2026)
    PartyFactory(case=case, side=Party.Side.APPLICANT, name_en="CHAN Tai Man", representative=plaintiff_firm)
    defendant = PartyFactory(
        case=case,
        side=Party.Side.RESPONDENT,
        name_en="GOLDEN HARBOUR LIMITED",
        name_zh="金港有限公司",
        representative=defendant_firm,
    )
    people = {
        "plaintiff firm admin": MembershipFactory(
            organisation=plaintiff_firm, role=Membership.Role.PRIMARY_ADMIN, user__preferred_language="zh-hant"
        ),
        "plaintiff firm assignee": MembershipFactory(organisation=plaintiff_firm, role=Membership.Role.MEMBER),
        "plaintiff firm unassigned member": MembershipFactory(organisation=plaintiff_firm),
        "defendant firm filer": MembershipFactory(organisation=defendant_firm, role=Membership.Role.MEMBER),
        "defendant firm admin": MembershipFactory(organisation=defendant_firm, role=Membership.Role.SECONDARY_ADMIN),
    }
    assign_case(case, people["plaintiff firm assignee"])
    assign_case(case, people["defendant firm filer"])
    users = {name: membership.user for name, membership in people.items()}
    users["defendant firm filer"].case = case
    return {"case": case, "defendant": defendant, "clerk": StaffFactory(), **users}


def _defence(world, title: str = "Defence and counterclaim") -> Submission:
    return submission_create(
        user=world["defendant firm filer"],
        case=world["case"],
        uploads=[DocumentUpload(document_type("DCCJ", "defence"), title, pdf_file(2))],
    )


def _accept(world, submission: Submission, capture) -> Submission:
    submission.refresh_from_db()
    with (
        time_machine.travel(submission.deemed_received_at + timedelta(minutes=1), tick=False),
        capture(execute=True),
    ):
        filing_accept(submission=submission, clerk=world["clerk"], accepted_without_opening=True)
    submission.refresh_from_db()
    return submission


def _told(user) -> list[MessageItem]:
    return list(MessageItem.objects.filter(recipient=user, kind=KIND))


def test_the_other_side_is_told_with_links_and_the_filing_side_is_not(
    world_client, case_with_both_sides, django_capture_on_commit_callbacks
):
    world = case_with_both_sides
    submission = _defence(world)
    mail.outbox.clear()
    submission = _accept(world, submission, django_capture_on_commit_callbacks)
    document = submission.documents.get()
    assert document.sealed_storage_key, "sealed before the other side was told"

    for who in ("plaintiff firm admin", "plaintiff firm assignee"):
        [message] = _told(world[who])
        assert message.submission_id == submission.pk
        assert message.subject_en == "Filed by another party in DCCJ 4321/2026: Defence and counterclaim"
        body = message.body_en
        assert "DCCJ 4321/2026" in body and format_datetime_en(submission.decided_at) in body
        assert "Defence and counterclaim (Defence)" in body, "the title and the document type"
        assert "GOLDEN HARBOUR LIMITED (Defendant)" in body and "through Defence LLP" in body
        assert reverse("filing:document", args=[document.pk, "sealed"]) in body
    for who in ("defendant firm filer", "defendant firm admin", "plaintiff firm unassigned member", "clerk"):
        assert _told(world[who]) == [], who

    emails = {m.to[0]: m for m in mail.outbox if "filed by another party" in m.subject or "另一方" in m.subject}
    assert set(emails) == {world["plaintiff firm admin"].email, world["plaintiff firm assignee"].email}
    chinese = emails[world["plaintiff firm admin"].email]
    assert chinese.subject == "[iCMS] DCCJ 4321/2026：另一方提交的文件已獲接納"
    assert format_datetime_zh(submission.decided_at) in chinese.body and "金港有限公司（被告人）" in chinese.body
    english = emails[world["plaintiff firm assignee"].email]
    assert english.subject == "[iCMS] DCCJ 4321/2026: a document filed by another party was accepted"
    assert reverse("filing:document", args=[document.pk, "sealed"]) in english.body
    assert "Defence and counterclaim (Defence)" in english.body

    # The message page links to the sealed copy, which the other side may download.
    client = world_client(world["plaintiff firm assignee"])
    [message] = _told(world["plaintiff firm assignee"])
    page = client.get(reverse("filing:message", args=[message.pk])).content.decode()
    assert f'href="{reverse("filing:document", args=[document.pk, "sealed"])}"' in page
    assert client.get(reverse("filing:document", args=[document.pk, "sealed"])).status_code == 200


def test_the_other_side_cannot_download_a_returned_filing(
    world_client, case_with_both_sides, django_capture_on_commit_callbacks
):
    world = case_with_both_sides
    returned = _defence(world, title="Defence (unsigned)")
    returned.refresh_from_db()
    with time_machine.travel(returned.deemed_received_at + timedelta(minutes=1), tick=False):
        filing_return(submission=returned, clerk=world["clerk"], reason=ReturnReason.objects.get(code="unsigned"))
    accepted = _accept(world, _defence(world), django_capture_on_commit_callbacks)
    client = world_client(world["plaintiff firm admin"])
    for copy in ("original", "sealed"):
        assert client.get(reverse("filing:document", args=[returned.documents.get().pk, copy])).status_code == 404
    assert client.get(reverse("filing:document", args=[accepted.documents.get().pk, "sealed"])).status_code == 200
    assert [m.submission_id for m in _told(world["plaintiff firm admin"])] == [accepted.pk], "nothing of the return"


def test_accepting_twice_or_telling_again_tells_nobody_twice(case_with_both_sides, django_capture_on_commit_callbacks):
    world = case_with_both_sides
    submission = _accept(world, _defence(world), django_capture_on_commit_callbacks)
    sent = len(mail.outbox)
    with pytest.raises(ReviewRefused), time_machine.travel(submission.decided_at + timedelta(minutes=1)):
        filing_accept(submission=submission, clerk=world["clerk"], accepted_without_opening=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert other_parties_tell(submission_id=submission.pk) == 0  # a retry of the outbox work
    assert MessageItem.objects.filter(kind=KIND, submission=submission).count() == 2
    assert len(mail.outbox) == sent
    assert OutboxItem.objects.filter(kind=TELL_OTHER_PARTIES, target_id=str(submission.pk)).count() == 1


def test_the_notice_waits_for_the_sealed_copies(case_with_both_sides, django_capture_on_commit_callbacks):
    """Owed in the acceptance's transaction; until the sealed copies exist it asks the outbox to try again."""
    world = case_with_both_sides
    submission = _defence(world)
    submission.refresh_from_db()
    with (
        time_machine.travel(submission.deemed_received_at + timedelta(minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=False),
    ):
        filing_accept(submission=submission, clerk=world["clerk"], accepted_without_opening=True)
    item = OutboxItem.objects.get(kind=TELL_OTHER_PARTIES, target_id=str(submission.pk))
    assert item.state == OutboxItem.State.PENDING
    with pytest.raises(SealedCopiesPending):
        other_parties_tell(submission_id=submission.pk)
    assert not MessageItem.objects.filter(kind=KIND).exists()
    with django_capture_on_commit_callbacks(execute=True):
        submission_documents_seal(submission_id=submission.pk)
        assert other_parties_tell(submission_id=submission.pk) == 2


def test_an_opening_filing_tells_no_other_party(
    party_in_person, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        opening = new_dcpi_case(party_in_person)
    opening.refresh_from_db()
    with (
        time_machine.travel(opening.deemed_received_at + timedelta(minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        filing_accept(submission=opening, clerk=StaffFactory(), accepted_without_opening=True)
    assert not OutboxItem.objects.filter(kind=TELL_OTHER_PARTIES).exists()
    assert not MessageItem.objects.filter(kind=KIND).exists()


@pytest.fixture
def world_client():
    from django.test import Client

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
