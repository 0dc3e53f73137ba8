"""The cause book's entries and vocabulary follow filing's tables, however they are written.

The triggers of migration 0006 are the only writers of ``CauseBookEntry``,
``NameToken`` and ``NameTokenVariant``; these tests write cases and parties through
the ORM, querysets and raw SQL and read the derived rows back.
"""

import pytest
from django.db import connection

from causebook.models import CauseBookEntry, NameToken, NameTokenVariant
from causebook.query import SearchQuery
from causebook.search import corrections_for, edit_distance, find_cases
from filing.models import Case, Party
from tests.causebook.conftest import make_case
from tests.factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db


def entries_of(case: Case) -> dict[int, tuple]:
    return {
        entry.party_id: (entry.tokens, entry.name_zh, entry.status, entry.year, entry.case_type_id)
        for entry in CauseBookEntry.objects.filter(case_id=case.pk)
    }


def test_a_numbered_active_case_has_one_entry_per_party_with_its_words_and_filters():
    case = make_case("DCPI", 12, 2024, ("CHAN Tai-man", "陳 大文"), ("ASIA INSURANCE LTD", "亞洲保險有限公司"))
    applicant, respondent = case.parties.order_by("side")
    assert entries_of(case) == {
        applicant.pk: (["chan", "tai", "man"], "陳大文", "active", 2024, case.case_type_id),
        respondent.pk: (["asia", "insurance", "limited"], "亞洲保險有限公司", "active", 2024, case.case_type_id),
    }
    assert CauseBookEntry.objects.get(party_id=applicant.pk).issued_at == case.issued_at


def test_a_case_enters_the_cause_book_when_numbered_and_follows_its_status():
    case = CaseFactory(number=None, year=None, status=Case.Status.PENDING)
    PartyFactory(case=case, name_en="LAM Ka Yan", name_zh="林嘉欣")
    assert entries_of(case) == {}

    Case.objects.filter(pk=case.pk).update(number=41, year=2026, status=Case.Status.ACTIVE)
    assert [value[:3] for value in entries_of(case).values()] == [(["lam", "ka", "yan"], "林嘉欣", "active")]

    case.refresh_from_db()
    case.status = Case.Status.CLOSED
    case.save()
    assert [value[2] for value in entries_of(case).values()] == ["closed"]

    # Not a registry action today, but whatever takes a case out of the cause book takes its parties.
    Case.objects.filter(pk=case.pk).update(status=Case.Status.DRAFT)
    assert entries_of(case) == {}


def test_renaming_moving_and_deleting_a_party_follow_through():
    first = make_case("DCCJ", 1, 2026, ("WONG Siu Ming", "黃小明"), ("HING FAT LIMITED", "興發有限公司"))
    second = make_case("DCCJ", 2, 2026, ("HO Ka Yee", "何嘉儀"), ("KAM WAH LIMITED", "金華有限公司"))
    party = first.parties.get(side=Party.Side.APPLICANT)

    with connection.cursor() as cursor:  # raw SQL, as a data fix would
        cursor.execute("UPDATE filing_party SET name_en = 'WONG Siu Ling' WHERE id = %s", [party.pk])
    assert CauseBookEntry.objects.get(party_id=party.pk).tokens == ["wong", "siu", "ling"]

    Party.objects.filter(pk=party.pk).update(case=second)
    assert CauseBookEntry.objects.get(party_id=party.pk).case_id == second.pk
    assert party.pk not in entries_of(first)

    party.delete()
    assert not CauseBookEntry.objects.filter(party_id=party.pk).exists()
    with connection.cursor() as cursor:  # the case first, as raw SQL with deferred keys could
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("DELETE FROM filing_case WHERE id = %s", [second.pk])
        assert not CauseBookEntry.objects.filter(case_id=second.pk).exists()
        cursor.execute("DELETE FROM filing_party WHERE case_id = %s", [second.pk])


def test_a_changed_filter_column_is_searched_at_once():
    case = make_case("DCCJ", 3, 2020, ("TSANG Wing Sze", "曾詠詩"), ("PACIFIC LIMITED", "太平洋有限公司"))

    def found(**params) -> bool:
        return case.pk in find_cases(SearchQuery.from_params({"q": "Tsang Wing Sze", **params}), limit=20).case_ids

    assert found(year_from="2020", year_to="2020")
    Case.objects.filter(pk=case.pk).update(year=2021)
    assert not found(year_from="2020", year_to="2020")
    assert found(year_from="2021")


def test_the_vocabulary_holds_the_words_of_cause_book_parties_only_with_their_deletes():
    draft = CaseFactory(number=None, year=None, status=Case.Status.DRAFT)
    PartyFactory(case=draft, name_en="ZOLTRAAK Unlisted")
    make_case("DCCJ", 4, 2026, ("KWOK Hoi Yan", "郭凱欣"), ("HING FAT LIMITED", "興發有限公司"))

    assert not NameToken.objects.filter(token="zoltraak").exists()
    assert NameToken.objects.filter(token="kwok").exists()
    assert set(NameTokenVariant.objects.filter(token="kwok").values_list("variant", flat=True)) == {
        "kwok",
        "wok",
        "kok",
        "kwk",
        "kwo",
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Cahn", "chan"),  # two letters swapped
        ("Chna", "chan"),
        ("Xhan", "chan"),  # the first letter wrong
        ("Chaan", "chan"),  # a letter doubled
        ("Cha", "chan"),  # the last word still being typed
    ],
)
def test_a_misspelt_word_is_corrected_to_the_nearest_word_first(typed, expected):
    make_case("DCCJ", 5, 2026, ("CHAN Tai Man", "陳大文"), ("CHI LIMITED", "志有限公司"))
    make_case("DCCJ", 6, 2026, ("CHU Ka Ho", "朱家豪"), ("CHUN LIMITED", "俊有限公司"))
    assert corrections_for(SearchQuery.from_params({"q": typed}))[0][0] == expected


def test_a_word_two_edits_away_is_not_a_correction():
    make_case("DCCJ", 7, 2026, ("CHEUNG Wai Kit", "張偉傑"), ("HING FAT LIMITED", "興發有限公司"))
    assert corrections_for(SearchQuery.from_params({"q": "Cehugn Wai Kit"}))[0] == []


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("chan", "chan", 0),
        ("cahn", "chan", 1),
        ("chan", "chen", 1),
        ("chan", "chaan", 1),
        ("chan", "chi", 2),
        ("", "ab", 2),
    ],
)
def test_edit_distance_counts_a_swap_as_one_edit(a, b, distance):
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_a_name_is_indexed_by_its_unordered_pairs_of_distinct_words():
    with connection.cursor() as cursor:
        cursor.execute("SELECT causebook_token_pairs(%s::text[])", [["chan", "tai", "man", "chan"]])
        assert sorted(cursor.fetchone()[0]) == ["chan man", "chan tai", "man tai"]


@pytest.mark.parametrize("q", ["Chan Chan", "man tai chan", "Tai Man", "CHAN"])
def test_repeated_reordered_and_single_words_all_find_the_name(q):
    case = make_case("DCCJ", 8, 2026, ("CHAN Tai Man", "陳大文"), ("HING FAT LIMITED", "興發有限公司"))
    assert find_cases(SearchQuery.from_params({"q": q}), limit=20).case_ids == [case.pk]
