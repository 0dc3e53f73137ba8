"""Every reader of a case number understands every way people write one (issue 14 item 7, issue 16).

The grammar itself is tested in ``test_case_number_grammar.py``. Here each spelling goes in
through each door a person or a program uses: the registry's case and filing lists in the
admin, the court-document form, the JSON API (a case, the cause book search, a filing in a
case), the public cause book search, the filer's list of submissions, joining a case
with an access code, and the summons enquiry. Each door must find the one case meant, and not a look-alike of
another year, prefix or number.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlencode

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from filing.models import Case, CaseType, Party, Submission, SubmissionDraft
from filing.services import DocumentUpload, submission_create
from tests.api.conftest import ApiClient, token_for
from tests.causebook.hearing_world import HKT
from tests.causebook.test_summons_enquiry import RIGHT_LAST_FOUR, summons  # noqa: F401 (the fixture)
from tests.causebook.test_summons_enquiry import _enquire as enquire
from tests.factories import CaseFactory, PartyFactory, StaffFactory, assign_case, totp_for
from tests.filing.conftest import document_type, pdf_file
from tests.filing.test_joining import clerk, code_of, joiner, writ  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

# Issue 16's list and the issue's own "dccj 1204 of 2026", with the case each one names
# ("26" is 2026 with the clock in 2026).
FORMS = [
    ("DCCJ 123/2025", 123, 2025),
    ("DCCJ-123-2025", 123, 2025),
    ("DCCJ/123/2025", 123, 2025),
    ("2025 DCCJ 123", 123, 2025),
    ("dccj 12 of 26", 12, 2026),
    ("DC CJ 123/2025", 123, 2025),
    ("dccj 1204 of 2026", 1204, 2026),
    ("DCCJ No. 1204 of 2026", 1204, 2026),
    ("\uff24\uff23\uff23\uff2a\uff11\uff12\uff13\uff0f\uff12\uff10\uff12\uff15", 123, 2025),  # full width
]


@pytest.fixture(autouse=True)
def in_2026():
    """The two-digit year is read against this year: pin it (Tuesday 1 December 2026, ticking)."""
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=HKT), tick=True):
        yield


def numbered(case: Case, prefix: str, number: int, year: int) -> Case:
    """Give ``case`` this number, taking it from any case the factories numbered so first."""
    case_type = CaseType.objects.get(prefix=prefix)
    Case.objects.filter(case_type=case_type, number=number, year=year).exclude(pk=case.pk).update(
        number=8_000_000 + case.pk
    )
    Case.objects.filter(pk=case.pk).update(case_type=case_type, number=number, year=year)
    case.refresh_from_db()
    return case


def firm_case(user, prefix: str, number: int, year: int) -> Case:
    """A case numbered so, on which ``user``'s firm is on record and ``user`` is assigned."""
    membership = user.memberships.get()
    case = numbered(CaseFactory(), prefix, number, year)
    PartyFactory(case=case, side=Party.Side.APPLICANT, representative=membership.organisation)
    PartyFactory(case=case, side=Party.Side.RESPONDENT, name_en="GOLDEN HARBOUR LIMITED", name_zh="金港有限公司")
    assign_case(case, membership)
    return case


@pytest.fixture
def cases(request, firm_filer):
    """The case the spelling names, and look-alikes (another year, prefix, number), all the firm's."""
    _typed, number, year = request.param
    wanted = firm_case(firm_filer, "DCCJ", number, year)
    look_alikes = [
        firm_case(firm_filer, "DCCJ", number, year - 1),
        firm_case(firm_filer, "DCPI", number, year),
        firm_case(firm_filer, "DCCJ", number + 1, year),
    ]
    return wanted, look_alikes


@pytest.fixture
def typed(request, cases) -> str:
    """The spelling ``cases`` was made for."""
    return str(request.node.callspec.params["cases"][0])


#: Run a test once per spelling, with ``typed`` and the ``cases`` it names.
with_cases = pytest.mark.parametrize("cases", FORMS, indirect=True, ids=[form[0] for form in FORMS])


def staff_client() -> Client:
    registry_clerk = StaffFactory(group="Registry clerk")
    totp_for(registry_clerk)
    client = Client()
    client.force_login(registry_clerk)
    return client


def defence(user, case: Case) -> Submission:
    return submission_create(
        user=user,
        case=case,
        uploads=[DocumentUpload(document_type(case.case_type.prefix, "defence"), "Defence", pdf_file())],
    )


@with_cases
def test_the_admin_case_list_finds_the_case(cases, typed):
    wanted, _look_alikes = cases
    response = staff_client().get(reverse("admin:filing_case_changelist"), {"q": typed})
    assert response.status_code == 200
    assert [case.pk for case in response.context["cl"].result_list] == [wanted.pk]


@with_cases
def test_the_admin_filing_list_finds_the_cases_filings(cases, typed, firm_filer, document_storage):
    wanted, look_alikes = cases
    ours = defence(firm_filer, wanted)
    for case in look_alikes:
        defence(firm_filer, case)
    response = staff_client().get(reverse("admin:filing_submission_changelist"), {"q": typed})
    assert response.status_code == 200
    assert [submission.pk for submission in response.context["cl"].result_list] == [ours.pk]


@with_cases
def test_the_court_document_form_finds_the_case(cases, typed):
    from filing.case_numbers.numbering import numbered_case

    wanted, _look_alikes = cases
    assert numbered_case(typed) == wanted


@with_cases
def test_the_api_opens_the_case(cases, typed, firm_filer):
    wanted, _look_alikes = cases
    response = ApiClient(token_for(firm_filer)).get("/api/v1/cases/" + quote(typed, safe=""))
    assert response.status_code == 200, response.content
    assert response.json()["case_number"] == wanted.case_number


@with_cases
def test_the_api_files_in_the_case(cases, typed, firm_filer):
    wanted, _look_alikes = cases
    response = ApiClient(token_for(firm_filer)).post_json("/api/v1/filings", {"case_tracking_id": typed})
    assert response.status_code == 201, response.content
    assert response.json()["case_tracking_id"] == wanted.case_number


@with_cases
def test_the_api_cause_book_search_reads_it_as_the_case_number(cases, typed):
    wanted, _look_alikes = cases
    answer = Client().get(reverse("api:causebook_search"), {"q": typed}).json()
    assert answer["query"] == urlencode({"q": wanted.case_number})
    assert answer["count"] == 1


@with_cases
def test_the_public_cause_book_search_reads_it_as_the_case_number(cases, typed):
    wanted, _look_alikes = cases
    page = Client().get(reverse("causebook:search"), {"q": typed}).content.decode()
    assert f"Searched for case number {wanted.case_number}" in page


@with_cases
def test_the_filers_list_of_submissions_finds_the_cases_filings(cases, typed, firm_filer, document_storage):
    wanted, look_alikes = cases
    ours = defence(firm_filer, wanted)
    others = [defence(firm_filer, case) for case in look_alikes]
    client = Client()
    client.force_login(firm_filer)
    page = client.get(reverse("filing:submissions"), {"q": typed}).content.decode()
    assert reverse("filing:submission", args=[ours.reference]) in page
    for other in others:
        assert reverse("filing:submission", args=[other.reference]) not in page


@pytest.mark.parametrize(("typed", "number", "year"), FORMS, ids=[form[0] for form in FORMS])
def test_joining_reads_the_case_number_the_same_way(client, writ, joiner, typed, number, year):  # noqa: F811
    case = numbered(writ.case, "DCCJ", number, year)
    client.force_login(joiner)
    response = client.post(reverse("filing:join"), {"case_number": typed, "code": code_of(case, "CHAN Tai Man")})
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = SubmissionDraft.objects.get(owner=joiner)
    assert draft.case == case and draft.for_party.name_en == "CHAN Tai Man"


# The same spellings of a summons number (KCS 1/2026, say), at the summons enquiry.
SUMMONS_FORMS = [
    "{p}-{n}-{y}",
    "{p}/{n}/{y}",
    "{y} {p} {n}",
    "{lower} {n} of {yy}",
    "{split} {n}/{y}",
    "{lower} {n} of {y}",
]


@pytest.mark.parametrize("form", SUMMONS_FORMS)
def test_the_summons_enquiry_reads_the_summons_number_the_same_way(summons, form):  # noqa: F811
    prefix, number, year = summons.case_type.prefix, summons.number, summons.year
    typed = form.format(
        p=prefix, n=number, y=year, yy=str(year)[2:], lower=prefix.lower(), split=f"{prefix[0]} {prefix[1:]}"
    )
    response = enquire(typed, RIGHT_LAST_FOUR)
    assert response.status_code == 200, typed
    assert "Court No. 3" in response.content.decode()
