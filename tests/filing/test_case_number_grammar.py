"""One grammar for case numbers: the cause book search, the registry admin and the API read the same spellings."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import pytest
import time_machine
from django.test import Client

from accounts.tokens import api_token_create
from causebook.query import SearchQuery
from filing.case_numbers import CaseNumber, format_case_number, parse_case_number
from filing.case_numbers.grammar import full_year
from filing.case_numbers.numbering import numbered_case
from filing.models import CaseType
from tests.factories import CaseFactory, PartyFactory, StaffFactory, UserFactory, totp_for

# Every form people write, and what it reads as (two-digit years with 2026 as this year).
FORMS = [
    ("DCCJ 1204/2026", CaseNumber("DCCJ", 1204, 2026)),
    ("dccj1204/2026", CaseNumber("DCCJ", 1204, 2026)),
    ("  DCCJ 01204 / 2026 ", CaseNumber("DCCJ", 1204, 2026)),
    ("dccj 1204 of 2026", CaseNumber("DCCJ", 1204, 2026)),
    ("DCCJ No. 1204 of 2026", CaseNumber("DCCJ", 1204, 2026)),
    ("dccj no 1204 of 2026", CaseNumber("DCCJ", 1204, 2026)),
    ("DCCJ No.1204/2026", CaseNumber("DCCJ", 1204, 2026)),
    ("DCCJ-1204-2026", CaseNumber("DCCJ", 1204, 2026)),
    ("DCCJ-123-2025", CaseNumber("DCCJ", 123, 2025)),
    ("DCCJ\u2013123\u20132025", CaseNumber("DCCJ", 123, 2025)),  # en dashes
    ("DCCJ/123/2025", CaseNumber("DCCJ", 123, 2025)),
    ("DCCJ.123.2025", CaseNumber("DCCJ", 123, 2025)),
    ("DCCJ 123-2025", CaseNumber("DCCJ", 123, 2025)),
    ("2025 DCCJ 123", CaseNumber("DCCJ", 123, 2025)),
    ("2025-DCCJ-123", CaseNumber("DCCJ", 123, 2025)),
    ("DC CJ 123/2025", CaseNumber("DCCJ", 123, 2025)),
    ("dc cj 123 of 2025", CaseNumber("DCCJ", 123, 2025)),
    ("dccj 12 of 26", CaseNumber("DCCJ", 12, 2026)),
    ("DCCJ 12/26", CaseNumber("DCCJ", 12, 2026)),
    ("DCCJ 12/00", CaseNumber("DCCJ", 12, 2000)),
    ("DCCJ 12/27", CaseNumber("DCCJ", 12, 2027)),  # next year: a filing dated ahead
    ("DCCJ 12/28", CaseNumber("DCCJ", 12, 1928)),
    ("DCCJ 12/99", CaseNumber("DCCJ", 12, 1999)),
    ("\uff24\uff23\uff23\uff2a\u3000\uff11\uff12\uff13\uff0f\uff12\uff10\uff12\uff15", CaseNumber("DCCJ", 123, 2025)),
    ("\uff24\uff23\uff23\uff2a\uff0d\uff11\uff12\uff13\uff0d\uff12\uff10\uff12\uff15", CaseNumber("DCCJ", 123, 2025)),
    ("DCCJ 1204", CaseNumber("DCCJ", 1204, None)),  # every year
    ("dccj no. 1204", CaseNumber("DCCJ", 1204, None)),
    ("HCA 5", CaseNumber("HCA", 5, None)),
    ("CHAN 12", CaseNumber("CHAN", 12, None)),  # the shape of a prefix: read as one
]

NOT_FORMS = [
    "",
    "   ",
    "CHAN Tai Man",
    "Chan Tai Man 12",
    "Tai Man 12",  # a space inside a prefix only with the year
    "Chan Tai 12/2025",  # joined, 7 letters: not the shape of a prefix
    "1204/2026",
    "DCCJ",
    "2025 DCCJ",
    "D 1/2026",
    "ABCDEFG 1/2026",
    "DCCJ 12345678/2026",
    "DCCJ 0/2026",
    "DCCJ 1204 2026",  # a space alone does not separate number and year
    "DCCJ 1204/026",
    "DCCJ 1204/20261",
    "DCCJ 1204/6",
    "2025 DCCJ 123/2025",  # two years
    "26 DCCJ 123",  # the year first only in full
    "No. 12 of 2026",
    "DCCJ 12/2026 and more",
    "DCCJ 123/2025\u865f",  # the Chinese forms are not read
    "2025\u5e74\u7b2c123\u865f",
]


@pytest.mark.parametrize(("typed", "reads_as"), FORMS)
def test_every_common_spelling_reads_as_one_case_number(typed, reads_as):
    assert parse_case_number(typed, this_year=2026) == reads_as


@pytest.mark.parametrize("typed", NOT_FORMS)
def test_what_is_not_a_case_number_is_none(typed):
    assert parse_case_number(typed, this_year=2026) is None


def test_a_number_without_its_year_is_read_but_names_no_single_case():
    parsed = parse_case_number("DCCJ 1204")
    assert parsed == CaseNumber("DCCJ", 1204, None)
    assert not parsed.is_complete
    assert str(parsed) == "DCCJ 1204"


@pytest.mark.parametrize(
    ("this_year", "two_digits", "year"),
    [(2026, 0, 2000), (2026, 27, 2027), (2026, 28, 1928), (2099, 0, 2100), (2099, 99, 2099), (2100, 1, 2101)],
)
def test_a_two_digit_year_is_the_latest_such_year_up_to_next_year(this_year, two_digits, year):
    assert full_year(two_digits, this_year=this_year) == year


def test_a_two_digit_year_is_placed_by_the_year_today_in_hong_kong():
    # 31 December 2026 16:30 UTC is already 1 January 2027 in Hong Kong: 28 is next year.
    with time_machine.travel(datetime(2026, 12, 31, 16, 30, tzinfo=UTC), tick=False):
        assert parse_case_number("DCCJ 12/28") == CaseNumber("DCCJ", 12, 2028)
        assert parse_case_number("DCCJ 12/29") == CaseNumber("DCCJ", 12, 1929)
    with time_machine.travel(datetime(2026, 12, 31, 15, 30, tzinfo=UTC), tick=False):
        assert parse_case_number("DCCJ 12/28") == CaseNumber("DCCJ", 12, 1928)


def test_the_written_form_is_prefix_number_slash_year_and_empty_without_a_number():
    assert format_case_number("DCPI", 7, 2025) == "DCPI 7/2025"
    assert format_case_number("DCPI", None, None) == ""
    assert str(parse_case_number("dcpi no. 7 of 2025")) == "DCPI 7/2025"


# What each reader of a case number is shown to accept, besides the written form.
SPELLINGS = ["dccj no. 1204 of 2026", "dccj 1204 of 2026", "DCCJ-1204-2026", "2026 DCCJ 1204", "DC CJ 1204/2026"]


@pytest.mark.parametrize("typed", SPELLINGS)
def test_the_cause_book_search_normalises_to_the_written_form(typed):
    query = SearchQuery.from_params({"q": typed})
    assert query.mode == "case_number"
    assert query.normal_q == "DCCJ 1204/2026"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", SPELLINGS)
def test_the_registry_admin_finds_a_case_by_any_spelling_of_its_number(typed):
    wanted = CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), number=1204, year=2026)
    CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), number=1205, year=2026)
    CaseFactory(case_type=CaseType.objects.get(prefix="DCPI"), number=1204, year=2026)
    staff = StaffFactory(group="Registry clerk")
    totp_for(staff)
    client = Client()
    client.force_login(staff)
    response = client.get("/admin/filing/case/", {"q": typed})
    assert response.status_code == 200
    assert [case.pk for case in response.context["cl"].result_list] == [wanted.pk]


@pytest.mark.django_db
def test_the_api_reads_the_same_spellings():
    user = UserFactory()
    case = CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), number=1204, year=2026)
    PartyFactory(case=case, user=user)
    _row, token = api_token_create(user=user, name="practice software")
    for typed in ("DCCJ 1204/2026", *SPELLINGS):
        response = Client().get("/api/v1/cases/" + quote(typed, safe=""), HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, typed
        assert response.json()["case_number"] == "DCCJ 1204/2026"
    # Unquoted, the slashes of "DCCJ/1204/2026" are part of the path.
    response = Client().get("/api/v1/cases/DCCJ/1204/2026", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (response.status_code, response.json()["case_number"]) == (200, "DCCJ 1204/2026")
    missing = Client().get("/api/v1/cases/" + quote("DCCJ 1204", safe=""), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not Found"})


@pytest.mark.django_db
@pytest.mark.parametrize("typed", SPELLINGS)
def test_the_court_document_form_finds_the_case_by_the_same_spellings(typed):
    wanted = CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), number=1204, year=2026)
    CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), number=1204, year=2025)
    assert numbered_case(typed) == wanted
    assert numbered_case("DCCJ 1204") is None  # one case needs its year
