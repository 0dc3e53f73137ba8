"""One grammar for case numbers: the cause book search, the registry admin and the API read the same spellings."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from accounts.tokens import api_token_create
from causebook.query import SearchQuery
from filing.case_numbers import CaseNumber, format_case_number, parse_case_number
from filing.models import CaseType
from tests.factories import CaseFactory, PartyFactory, StaffFactory, UserFactory, totp_for


@pytest.mark.parametrize(
    "typed",
    [
        "DCCJ 1204/2026",
        "dccj1204/2026",
        "  DCCJ 01204 / 2026 ",
        "DCCJ No. 1204 of 2026",
        "dccj no 1204 of 2026",
        "\uff24\uff23\uff23\uff2a\u3000\uff11\uff12\uff10\uff14\uff0f\uff12\uff10\uff12\uff16",  # full width
    ],
)
def test_every_common_spelling_reads_as_one_case_number(typed):
    assert parse_case_number(typed) == CaseNumber("DCCJ", 1204, 2026)


def test_a_number_without_its_year_is_read_but_names_no_single_case():
    parsed = parse_case_number("DCCJ 1204")
    assert parsed == CaseNumber("DCCJ", 1204, None)
    assert not parsed.is_complete
    assert str(parsed) == "DCCJ 1204"


@pytest.mark.parametrize(
    "typed", ["", "CHAN Tai Man", "1204/2026", "DCCJ", "DCCJ 1204/26", "D 1/2026", "DCCJ 12345678/2026"]
)
def test_what_is_not_a_case_number_is_none(typed):
    assert parse_case_number(typed) is None


def test_the_written_form_is_prefix_number_slash_year_and_empty_without_a_number():
    assert format_case_number("DCPI", 7, 2025) == "DCPI 7/2025"
    assert format_case_number("DCPI", None, None) == ""
    assert str(parse_case_number("dcpi no. 7 of 2025")) == "DCPI 7/2025"


def test_the_cause_book_search_normalises_to_the_written_form():
    query = SearchQuery.from_params({"q": "dccj no. 1204 of 2026"})
    assert query.mode == "case_number"
    assert query.normal_q == "DCCJ 1204/2026"


@pytest.mark.django_db
def test_the_registry_admin_finds_a_case_by_any_spelling_of_its_number():
    wanted = CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), number=1204, year=2026)
    CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), number=1205, year=2026)
    CaseFactory(case_type=CaseType.objects.get(prefix="DCPI"), number=1204, year=2026)
    staff = StaffFactory(group="Registry clerk")
    totp_for(staff)
    client = Client()
    client.force_login(staff)
    response = client.get("/admin/filing/case/", {"q": "dccj no. 1204 of 2026"})
    assert response.status_code == 200
    assert [case.pk for case in response.context["cl"].result_list] == [wanted.pk]


@pytest.mark.django_db
def test_the_api_reads_the_same_spellings():
    user = UserFactory()
    case = CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), number=1204, year=2026)
    PartyFactory(case=case, user=user)
    _row, token = api_token_create(user=user, name="practice software")
    for typed in ("DCCJ 1204/2026", "dccj no. 1204 of 2026"):
        response = Client().get("/api/v1/cases/" + quote(typed, safe=""), HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, typed
        assert response.json()["case_number"] == "DCCJ 1204/2026"
    missing = Client().get("/api/v1/cases/" + quote("DCCJ 1204", safe=""), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not Found"})
