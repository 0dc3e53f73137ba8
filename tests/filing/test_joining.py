"""Joining a case (issue 14): access codes issued on acceptance of the writ, printed on its seal,
checked with the case number (one answer for every wrong pair, a lock after 20), the joining
filing's rules, and its acceptance putting the filer on record."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from pypdf import PdfReader

from accounts.models import Membership
from filing.access import submissions_visible_to, user_may_act_for_case
from filing.joining import (
    access_code_digest,
    access_code_format,
    access_code_generate,
    access_code_is_well_formed,
    access_code_normalise,
    ordinal_en,
    ordinal_zh,
)
from filing.models import CaseAccessCode, CaseAssignment, MessageItem, Party, Representation, Submission
from filing.models.submissions import REFERENCE_ALPHABET
from filing.services import DocumentUpload, FilingDetails, NewCase, NewParty, filing_accept, submission_create
from filing.services.joining import (
    JOIN_ATTEMPT_LIMIT,
    MISMATCH,
    JoinLocked,
    JoinRefused,
    access_code_reissue,
    join_attempt,
)
from filing.services.submissions import SubmissionRefused
from icms.core.audit import AuditEventType
from icms.core.models import AuditEvent
from icms.core.storage import read_document
from tests.clock import once_received_in_law
from tests.factories import MembershipFactory, StaffFactory
from tests.filing.conftest import document_type, pdf_file

pytestmark = pytest.mark.django_db


# --- The code itself ---------------------------------------------------------------------


def test_a_code_is_twelve_characters_of_the_unambiguous_alphabet_shown_in_groups():
    code = access_code_generate()
    assert len(code) == 12 and set(code) <= set(REFERENCE_ALPHABET)
    shown = access_code_format(code)
    assert len(shown) == 14 and shown.count("-") == 2 and shown.replace("-", "") == code
    assert len({access_code_generate() for _ in range(200)}) == 200


def test_what_people_type_is_normalised_before_the_digest():
    code = "7K3MQ9TX4HRP"
    full_width = "".join(chr(ord(char) + 0xFEE0) for char in "7K3M-Q9TX-4HRP")  # typed with a Chinese IME
    for typed in ["7k3m-q9tx-4hrp", " 7K3M Q9TX 4HRP ", full_width, "7K3M\u2014Q9TX\u20134HRP"]:
        assert access_code_normalise(typed) == code
        assert access_code_digest(typed) == access_code_digest(code)
    assert access_code_digest(code) != access_code_digest("7K3MQ9TX4HRQ")
    assert len(access_code_digest(code)) == 64
    assert access_code_is_well_formed("7k3m-q9tx-4hrp") and not access_code_is_well_formed("0K3M-Q9TX-4HRP")


def test_the_digest_is_keyed_by_the_secret_key(settings):
    before = access_code_digest("7K3MQ9TX4HRP")
    settings.SECRET_KEY = "another secret key for this test only, long enough to be one"
    assert access_code_digest("7K3MQ9TX4HRP") != before


@pytest.mark.parametrize(
    ("number", "en", "zh"),
    [
        (1, "1st", "第一"),
        (2, "2nd", "第二"),
        (3, "3rd", "第三"),
        (11, "11th", "第十一"),
        (12, "12th", "第十二"),
        (21, "21st", "第二十一"),
        (10, "10th", "第十"),
    ],
)
def test_ordinals(number, en, zh):
    assert (ordinal_en(number), ordinal_zh(number)) == (en, zh)


# --- A writ with two defendants, accepted ------------------------------------------------


def new_writ(filer, *, defendants=("CHAN Tai Man", "GOLDEN HARBOUR LIMITED")) -> Submission:
    return submission_create(
        user=filer,
        new_case=NewCase(
            case_type=document_type("DCCJ", "writ").case_type,
            applicants=[NewParty(name_en="WONG Siu Ming", name_zh="王小明")],
            respondents=[NewParty(name_en=name) for name in defendants],
            nature_en="Money claim: unpaid invoices",
            amount_claimed=Decimal("250000.00"),
        ),
        uploads=[DocumentUpload(document_type("DCCJ", "writ"), "Writ of summons", pdf_file(2))],
    )


def accept(submission: Submission, clerk) -> Submission:
    """Accept once received in law; the work owed on commit (the sealing) runs then too."""
    from django.test import TestCase

    with once_received_in_law(submission), TestCase.captureOnCommitCallbacks(execute=True):
        return filing_accept(submission=submission, clerk=clerk, accepted_without_opening=True)


@pytest.fixture
def clerk(db):
    return StaffFactory(group="Registry clerk")


@pytest.fixture
def writ(firm_filer, clerk, document_storage, celery_eager, django_capture_on_commit_callbacks):
    """The plaintiff's firm's writ against two defendants, accepted and sealed."""
    with django_capture_on_commit_callbacks(execute=True):
        submission = new_writ(firm_filer)
    accept(submission, clerk)
    submission.refresh_from_db()
    return submission


def plain_codes(case) -> dict[str, str]:
    """Each defendant's current code, by name (read back from the encrypted field, as the seal does)."""
    return {
        row.party.name_en: row.code
        for row in CaseAccessCode.objects.filter(case=case, revoked_at__isnull=True).select_related("party")
    }


def test_accepting_the_writ_issues_one_code_per_defendant_audited_without_the_code(writ, clerk):
    case = writ.case
    codes = plain_codes(case)
    assert set(codes) == {"CHAN Tai Man", "GOLDEN HARBOUR LIMITED"}
    rows = CaseAccessCode.objects.filter(case=case)
    assert all(row.digest == access_code_digest(row.code) and row.issued_by == clerk for row in rows)
    assert not Party.objects.filter(case=case, side=Party.Side.APPLICANT, access_codes__isnull=False).exists()
    events = AuditEvent.objects.filter(event_type=AuditEventType.FILING_ACCESS_CODE_ISSUED)
    assert events.count() == 2
    for event in events:
        dumped = f"{event.before} {event.after} {event.target_label}"
        assert not any(code in dumped or access_code_format(code) in dumped for code in codes.values())


def test_the_sealed_writ_carries_each_defendants_code_on_its_first_page(writ):
    document = writ.documents.get()
    sealed = read_document(document.sealed_storage_key)
    pages = PdfReader(io.BytesIO(sealed)).pages
    first = " ".join(pages[0].extract_text().split())
    for name, code in plain_codes(writ.case).items():
        assert access_code_format(code) in first
        assert name in first
    assert "Case access code" in first and "1st Defendant" in first and "2nd Defendant" in first
    assert "Page 1 of 2" in first
    second = pages[1].extract_text()
    assert not any(access_code_format(code) in second for code in plain_codes(writ.case).values())


def test_the_public_inspection_copy_of_the_writ_does_not_carry_the_codes(writ):
    from filing.services.sealing import sealed_copy_for_public

    document = writ.documents.select_related("document_type", "submission__case__case_type__court").get()
    public = sealed_copy_for_public(document)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(public)).pages)
    assert document.drn[:4] in text.replace(" ", "")
    assert "Case access code" not in text
    assert not any(access_code_format(code) in text for code in plain_codes(writ.case).values())


# --- Checking a pair ---------------------------------------------------------------------


@pytest.fixture
def joiner(db):
    """A member of a second firm, instructed by the first defendant."""
    return MembershipFactory(role=Membership.Role.MEMBER).user


def code_of(case, name: str) -> str:
    return plain_codes(case)[name]


def test_a_right_pair_finds_the_code_in_any_spelling(writ, joiner):
    case = writ.case
    code = code_of(case, "CHAN Tai Man")
    found = join_attempt(user=joiner, case_number=case.case_number.lower(), code=access_code_format(code).lower())
    assert found.party.name_en == "CHAN Tai Man" and found.case == case


def wrong_pairs(writ, clerk):
    """Every kind of wrong pair: unknown case, wrong code, revoked code, another case's code, not a number."""
    case = writ.case
    code = code_of(case, "CHAN Tai Man")
    other = new_writ_accepted(writ.submitted_by, clerk)
    revoked_party = Party.objects.get(case=case, name_en="GOLDEN HARBOUR LIMITED")
    revoked = code_of(case, "GOLDEN HARBOUR LIMITED")
    access_code_reissue(party=revoked_party, actor=clerk, reason="Lost in the post.")
    return [
        (f"DCCJ {case.number + 100}/{case.year}", code),
        (case.case_number, "7K3M-Q9TX-4HRP"),
        (case.case_number, revoked),
        (case.case_number, code_of(other.case, "CHAN Tai Man")),
        ("not a case number", code),
    ]


def new_writ_accepted(filer, clerk) -> Submission:
    submission = new_writ(filer)
    accept(submission, clerk)
    submission.refresh_from_db()
    return submission


def test_every_wrong_pair_gets_the_same_message(writ, joiner, clerk):
    messages = set()
    for case_number, code in wrong_pairs(writ, clerk):
        with pytest.raises(JoinRefused) as refused:
            join_attempt(user=joiner, case_number=case_number, code=code)
        messages.add(tuple(refused.value.messages))
    assert messages == {(str(MISMATCH),)}


def test_twenty_wrong_attempts_lock_even_the_right_pair_and_the_lock_is_audited_once(writ, joiner):
    case = writ.case
    for _attempt in range(JOIN_ATTEMPT_LIMIT):
        with pytest.raises(JoinRefused) as refused:
            join_attempt(user=joiner, case_number=case.case_number, code="2222-3333-4444", ip_address="192.0.2.7")
        assert refused.value.messages == [str(MISMATCH)]
    right = code_of(case, "CHAN Tai Man")
    for _attempt in range(3):
        with pytest.raises(JoinLocked) as locked:
            join_attempt(user=joiner, case_number=case.case_number, code=right, ip_address="192.0.2.7")
        assert "24 hours" in locked.value.messages[0] and "registry" in locked.value.messages[0]
        assert case.case_number not in locked.value.messages[0]
    events = AuditEvent.objects.filter(event_type=AuditEventType.FILING_ACCESS_CODE_LOCKED)
    assert events.count() == 1
    assert events.get().actor_id == joiner.pk and events.get().target_id in ("", None)


def test_the_lock_counts_per_address_too(writ):
    case = writ.case
    users = [MembershipFactory(role=Membership.Role.MEMBER).user for _ in range(JOIN_ATTEMPT_LIMIT)]
    for user in users:
        with pytest.raises(JoinRefused):
            join_attempt(user=user, case_number=case.case_number, code="2222-3333-4444", ip_address="192.0.2.9")
    fresh = MembershipFactory(role=Membership.Role.MEMBER).user
    with pytest.raises(JoinLocked):
        join_attempt(
            user=fresh, case_number=case.case_number, code=code_of(case, "CHAN Tai Man"), ip_address="192.0.2.9"
        )
    assert join_attempt(
        user=fresh, case_number=case.case_number, code=code_of(case, "CHAN Tai Man"), ip_address="192.0.2.10"
    )


def test_the_lock_lasts_a_day(writ, joiner):
    for _attempt in range(JOIN_ATTEMPT_LIMIT):
        with pytest.raises(JoinRefused):
            join_attempt(user=joiner, case_number=writ.case.case_number, code="2222-3333-4444")
    ttl = cache.ttl(f"join:wrong:user:{joiner.pk}")
    assert 23 * 3600 < ttl <= 24 * 3600


def test_an_administrator_may_not_join(writ):
    admin = MembershipFactory(role=Membership.Role.PRIMARY_ADMIN).user
    with pytest.raises(Exception) as refused:
        join_attempt(user=admin, case_number=writ.case.case_number, code=code_of(writ.case, "CHAN Tai Man"))
    assert not isinstance(refused.value, JoinRefused | JoinLocked)


# --- The joining filing ------------------------------------------------------------------


def file_acknowledgement(
    joiner, writ, *, code: CaseAccessCode | None, for_party=None, kind="acknowledgement_of_service"
):
    return submission_create(
        user=joiner,
        case=writ.case,
        uploads=[DocumentUpload(document_type("DCCJ", kind), "Acknowledgement of service", pdf_file())],
        details=FilingDetails(
            access_code=code, for_party=for_party if for_party is not None else getattr(code, "party", None)
        ),
    )


def code_row(case, name) -> CaseAccessCode:
    return CaseAccessCode.objects.select_related("party").get(case=case, party__name_en=name, revoked_at__isnull=True)


def test_the_joining_filing_is_refused_unless_code_party_and_documents_fit(writ, joiner, clerk):
    case = writ.case
    d1 = code_row(case, "CHAN Tai Man")
    d2 = code_row(case, "GOLDEN HARBOUR LIMITED")
    with pytest.raises(SubmissionRefused):
        file_acknowledgement(joiner, writ, code=d1, for_party=d2.party)  # another party than the code's
    with pytest.raises(SubmissionRefused):
        file_acknowledgement(joiner, writ, code=d1, kind="summons")  # not a first filing
    with pytest.raises(SubmissionRefused):
        file_acknowledgement(joiner, writ, code=None, for_party=d1.party)  # no code, not on record
    other = new_writ_accepted(writ.submitted_by, clerk)
    with pytest.raises(SubmissionRefused):
        file_acknowledgement(joiner, other, code=d1)  # another case's code
    access_code_reissue(party=d1.party, actor=clerk, reason="Served copy lost.")
    with pytest.raises(SubmissionRefused):
        file_acknowledgement(joiner, writ, code=d1)  # revoked
    assert not Submission.objects.filter(submitted_by=joiner).exists()


def test_a_notice_of_acting_must_name_its_party(firm_filer, writ):
    with pytest.raises(SubmissionRefused):
        submission_create(
            user=firm_filer,
            case=writ.case,
            uploads=[DocumentUpload(document_type("DCCJ", "notice_of_acting"), "Notice of acting", pdf_file())],
        )


def test_joining_end_to_end(writ, joiner, clerk, firm_filer, django_capture_on_commit_callbacks):
    """Accept the writ, codes exist; a second firm joins for D1 and files an acknowledgement of
    service; on acceptance it is on record, sees the accepted writ and not the first firm's returned filing."""
    from filing.models import ReturnReason
    from filing.services import filing_return

    case = writ.case
    returned = submission_create(
        user=firm_filer,
        case=case,
        uploads=[DocumentUpload(document_type("DCCJ", "statement_of_claim"), "Statement of claim", pdf_file())],
    )
    with once_received_in_law(returned):
        filing_return(submission=returned, clerk=clerk, reason=ReturnReason.objects.get(code="unsigned"))

    code = join_attempt(user=joiner, case_number=case.case_number, code=code_of(case, "CHAN Tai Man"))
    with django_capture_on_commit_callbacks(execute=True):
        joining = file_acknowledgement(joiner, writ, code=code)
    assert not user_may_act_for_case(joiner, case)
    assert set(submissions_visible_to(joiner)) == {joining}, "their own filing, nothing else of the case"
    client = Client()
    client.force_login(joiner)
    assert client.get(reverse("filing:submission", args=[joining.reference])).status_code == 200
    assert client.get(reverse("filing:case", args=[case.pk])).status_code == 404
    assert client.get(reverse("filing:submission", args=[writ.reference])).status_code == 404

    accept(joining, clerk)
    party = Party.objects.get(pk=code.party_id)
    firm = joiner.memberships.get().organisation
    assert party.representative == firm and party.user is None
    current = Representation.objects.get(party=party, ended_at__isnull=True)
    assert (current.organisation, current.submission, current.started_by) == (firm, joining, clerk)
    assert CaseAssignment.objects.filter(case=case, membership__user=joiner).exists()
    assert user_may_act_for_case(joiner, case)
    visible = set(submissions_visible_to(joiner))
    assert writ in visible and joining in visible and returned not in visible
    assert MessageItem.objects.filter(recipient=joiner, kind=MessageItem.Kind.REPRESENTATION).exists()
    assert AuditEvent.objects.filter(event_type=AuditEventType.FILING_REPRESENTATION_STARTED).exists()


# --- The page ----------------------------------------------------------------------------


def test_the_page_explains_the_code_and_is_linked_from_the_start_page(client, joiner):
    client.force_login(joiner)
    page = client.get(reverse("filing:join")).content.decode()
    assert "sealed writ of summons" in page and "7K3M-Q9TX-4HRP" in page
    assert reverse("filing:join") in client.get(reverse("filing:start")).content.decode()


def test_a_wrong_pair_on_the_page_says_only_that_they_do_not_match(client, writ, joiner, clerk):
    client.force_login(joiner)
    answers = set()
    for case_number, code in wrong_pairs(writ, clerk):
        response = client.post(reverse("filing:join"), {"case_number": case_number, "code": code})
        assert response.status_code == 400
        assert str(MISMATCH) in response.content.decode()
        answers.add(response.status_code)
    assert answers == {400}


def _page_without_what_varies(response, case_number: str, code: str) -> str:
    """The page as every wrong pair would see it: what was typed, the CSRF token and nonces blanked."""
    page = response.content.decode()
    for typed in (case_number, code):
        page = page.replace(f'value="{escape(typed)}"', 'value="…"')
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', page)
    page = re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', page)
    return re.sub(r'nonce="[^"]*"', 'nonce=""', page)


def test_every_wrong_pair_gets_the_same_page_byte_for_byte(client, writ, joiner, clerk):
    """Nothing but what was typed differs: not the status, not the page, not the headers that matter."""
    client.force_login(joiner)
    answers = set()
    for case_number, code in wrong_pairs(writ, clerk):
        response = client.post(reverse("filing:join"), {"case_number": case_number, "code": code})
        answers.add(
            (
                response.status_code,
                response["Content-Type"],
                response.get("Cache-Control"),
                _page_without_what_varies(response, case_number, code),
            )
        )
    assert len(answers) == 1


def test_the_twenty_first_attempt_is_refused_on_the_page_even_with_the_right_code(client, writ, joiner):
    client.force_login(joiner)
    case = writ.case
    for _attempt in range(JOIN_ATTEMPT_LIMIT):
        response = client.post(reverse("filing:join"), {"case_number": case.case_number, "code": "2222-3333-4444"})
        assert response.status_code == 400
    response = client.post(
        reverse("filing:join"), {"case_number": case.case_number, "code": code_of(case, "CHAN Tai Man")}
    )
    assert response.status_code == 429
    page = response.content.decode()
    assert "locked for 24 hours" in page and str(MISMATCH) not in page
    assert "locked for 24 hours" in client.get(reverse("filing:join")).content.decode()


def test_a_right_pair_on_the_page_opens_a_draft_for_the_codes_party(client, writ, joiner):
    from filing.models import SubmissionDraft

    try:
        reverse("filing:draft_edit", args=[1])
    except NoReverseMatch:
        pytest.skip("the drafts' pages are not there yet")
    client.force_login(joiner)
    case = writ.case
    response = client.post(
        reverse("filing:join"), {"case_number": case.case_number, "code": code_of(case, "CHAN Tai Man")}
    )
    draft = SubmissionDraft.objects.get(owner=joiner)
    assert response.status_code == 302 and response["Location"] == reverse("filing:draft_edit", args=[draft.pk])
    assert draft.case == case and draft.for_party.name_en == "CHAN Tai Man" and draft.access_code is not None


def test_an_administrator_sees_why_they_cannot_join(client, writ):
    admin = MembershipFactory(role=Membership.Role.PRIMARY_ADMIN).user
    client.force_login(admin)
    response = client.post(
        reverse("filing:join"), {"case_number": writ.case.case_number, "code": code_of(writ.case, "CHAN Tai Man")}
    )
    assert response.status_code == 400
    assert str(MISMATCH) not in response.content.decode()
