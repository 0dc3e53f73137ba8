"""The registry's case list finds a case by a party's name through the cause book's search.

Searched with ``icontains``, the staff site read every party of the register (5-8 s for
"chan tai man" at 2,000,000 cases). It now asks the cause book's search for the numbered
cases it holds, and finds drafts and cases pending acceptance, which the cause book does
not hold, by the words inside their parties' names (causebook/case_names.py).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from causebook.terms import term_counts_apply
from filing import hooks
from filing.models import Case, CaseType
from tests.factories import CaseFactory, PartyFactory, StaffFactory
from tests.filing.test_review_admin import staff_client

pytestmark = pytest.mark.django_db
HKT = ZoneInfo("Asia/Hong_Kong")
CASES = reverse("admin:filing_case_changelist")


def case_with(name_en: str, name_zh: str = "", **fields: object) -> Case:
    case = CaseFactory(**{"issued_at": datetime(2026, 3, 2, 10, tzinfo=HKT), **fields})
    PartyFactory(case=case, name_en=name_en, name_zh=name_zh)
    return case


def listed(client, q: str, **headers: str) -> tuple[set[int], str]:
    term_counts_apply()
    response = client.get(CASES, {"q": q}, **headers)
    assert response.status_code == 200
    found = {case.pk for case in response.context["cl"].result_list}
    return found, response.content.decode()


@pytest.fixture
def clerk_client(db):
    return staff_client(StaffFactory(group="Registry clerk"))


def test_a_clerk_finds_cases_in_the_cause_book_and_those_it_does_not_hold_by_a_name(clerk_client):
    active = case_with("CHAN Tai Man", "陳大文")
    closed = case_with("Mr CHAN Tai-man", status=Case.Status.CLOSED)
    pending = case_with("CHAN Tai Man", "陳大文", number=None, year=None, status=Case.Status.PENDING)
    draft = case_with("CHAN TAI MAN LIMITED", number=None, year=None, status=Case.Status.DRAFT)
    case_with("WONG Siu Ming", "王小明")
    case_with("CHAN Siu Ming")

    assert listed(clerk_client, "Chan Tai Man")[0] == {active.pk, closed.pk, pending.pk, draft.pk}
    assert listed(clerk_client, "陳大文")[0] == {active.pk, pending.pk}
    # The cause book's corrections find a misspelt name; a pending case is found by the words it holds.
    assert listed(clerk_client, "Cahn Tai Man")[0] == {active.pk, closed.pk}
    # A case number is still read as one.
    assert listed(clerk_client, f"DCCJ {active.number}/{active.year}")[0] == {active.pk}


def test_a_name_in_more_cases_than_the_cap_says_how_many_and_lists_the_best(clerk_client, settings):
    settings.CAUSEBOOK_MAX_MATCHES = 2
    newest = case_with("LEE Ka Wai", issued_at=datetime(2026, 5, 1, tzinfo=HKT))
    case_with("LEE Ka Wai", issued_at=datetime(2019, 5, 1, tzinfo=HKT))
    next_newest = case_with("LEE Ka Wai", issued_at=datetime(2025, 5, 1, tzinfo=HKT))
    found, page = listed(clerk_client, "Lee Ka Wai")
    assert found == {newest.pk, next_newest.pk}
    # Above the cap the search says "about" (causebook.search_plans).
    assert "The best 2 of about 3 cases with a party of this name are listed." in page
    _, page = listed(clerk_client, "Lee Ka Wai", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert "在約 3 宗有此名稱當事人的案件中，已列出最相符的 2 宗。" in page


def test_without_the_cause_book_the_case_list_searches_the_names_itself(clerk_client, monkeypatch):
    monkeypatch.setattr(hooks, "_case_name_searches", [])
    active = case_with("CHAN Tai Man")
    case_with("WONG Siu Ming")
    assert listed(clerk_client, "tai ma")[0] == {active.pk}


def test_the_best_cases_are_chosen_within_the_lists_filters(clerk_client, settings):
    """Chosen among every match and filtered after, the newest two of a common name (both in the
    District Court) would leave a summons court's list empty."""
    settings.CAUSEBOOK_MAX_MATCHES = 2
    summons = CaseType.objects.get(prefix="KCS")
    older = case_with("LEE Ka Wai", case_type=summons, issued_at=datetime(2018, 5, 1, tzinfo=HKT))
    case_with("LEE Ka Wai", issued_at=datetime(2026, 5, 1, tzinfo=HKT))
    case_with("LEE Ka Wai", issued_at=datetime(2025, 5, 1, tzinfo=HKT))
    pending = case_with("LEE Ka Wai", case_type=summons, number=None, year=None, status=Case.Status.PENDING)
    term_counts_apply()

    def found(**filters: object) -> set[int]:
        response = clerk_client.get(CASES, {"q": "Lee Ka Wai", **filters})
        return {case.pk for case in response.context["cl"].result_list}

    assert found(case_type__court__id__exact=summons.court_id) == {older.pk, pending.pk}
    assert found(case_type__id__exact=summons.pk) == {older.pk, pending.pk}
    assert found(case_type__id__exact=summons.pk, status__exact="active") == {older.pk}
    assert found(status__exact="pending") == {pending.pk}
