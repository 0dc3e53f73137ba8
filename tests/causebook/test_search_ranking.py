"""Best first across all matches (issue 16): the tiers, newest first within each, the cap, the count.

Each ranking test runs under both plans the search chooses between from its kept counts
(``plan="few"``: every match ranked; ``plan="many"``: tier by tier from the btree and
bucket-walk indexes, as for "Hong Kong Police Force" at two million cases).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from causebook import search
from causebook.query import SearchQuery
from causebook.search import find_cases
from causebook.terms import term_counts_apply
from filing.models import Case, CaseType, Party
from tests.factories import CaseFactory, PartyFactory

HKT = ZoneInfo("Asia/Hong_Kong")
pytestmark = pytest.mark.django_db
# "": the plan the search chooses itself: at this size, every match read at once and ranked in Python.
PLANS = ["few", "many", ""]


def entered(name_en: str, name_zh: str = "", *, issued: tuple[int, int, int], number: int | None = None) -> int:
    """A case in the cause book with one party, issued on ``issued`` (y, m, d); its id."""
    year = issued[0]
    case = CaseFactory(
        case_type=CaseType.objects.get(prefix="DCCJ"),
        number=number or CaseFactory._meta.model.objects.count() + 1000,
        year=year,
        issued_at=datetime(*issued, 10, 0, tzinfo=HKT),
    )
    PartyFactory(case=case, side=Party.Side.APPLICANT, name_en=name_en, name_zh=name_zh)
    return int(case.pk)


def ids(q: str, plan: str, **params: str) -> list[int]:
    term_counts_apply()
    return find_cases(SearchQuery.from_params({"q": q, **params}), limit=20, plan=plan).case_ids


@pytest.mark.parametrize("plan", PLANS)
def test_the_query_words_in_order_rank_above_the_same_words_in_another_order(plan):
    wong = entered("WONG Keung Chi", issued=(2026, 5, 1))  # newer, but the words are the other way round
    chan = entered("CHAN Chi Keung", issued=(2020, 5, 1))
    assert ids("Chi Keung", plan)[:2] == [chan, wong]


@pytest.mark.parametrize("plan", PLANS)
def test_a_misspelt_name_is_ranked_on_its_correction(plan):
    reordered = entered("LEUNG Keung-chi", issued=(2026, 1, 1))
    exact = entered("LEUNG Chi Keung", issued=(2019, 1, 1))
    other = entered("LEUNG Chi Keung Peter", issued=(2025, 1, 1))
    term_counts_apply()
    hits = find_cases(SearchQuery.from_params({"q": "Leung Chi Keugn"}), limit=20, plan=plan)
    assert hits.case_ids[:3] == [exact, reordered, other]
    assert hits.corrections == ("leung", "chi", "keung")


@pytest.mark.parametrize("plan", PLANS)
def test_a_company_name_in_its_own_order_ranks_first(plan):
    kong_cheung = entered("KONG CHEUNG HOLDINGS LIMITED", issued=(2026, 6, 1))
    cheung_kong = entered("CHEUNG KONG HOLDINGS LIMITED", issued=(2012, 6, 1))
    assert ids("Cheung Kong Holdings", plan)[:2] == [cheung_kong, kong_cheung]


@pytest.mark.parametrize("plan", PLANS)
def test_the_newest_come_first_within_a_tier(plan):
    oldest = entered("CHAN Tai Man", issued=(2011, 2, 1))
    newest = entered("CHAN Tai Man", issued=(2026, 2, 1))
    middle = entered("CHAN Tai Man", issued=(2018, 2, 1))
    longer_new = entered("CHAN Tai Man Peter", issued=(2026, 3, 1))
    assert ids("Chan Tai Man", plan) == [newest, middle, oldest, longer_new]


@pytest.mark.parametrize("plan", PLANS)
def test_a_capped_search_shows_the_best_of_all_matches_not_the_first_found(plan, settings):
    """Entered oldest last, so table order is not date order; the cap is 5 here."""
    settings.CAUSEBOOK_MAX_MATCHES = 5
    by_date = {}
    for year in [2026, 2010, 2024, 2011, 2025, 2012, 2013, 2023]:
        by_date[year] = entered("HONG KONG POLICE FORCE", "香港警務處", issued=(year, 7, 1))
    term_counts_apply()
    newest_five = [by_date[y] for y in [2026, 2025, 2024, 2023, 2013]]
    for q in ["Hong Kong Police Force", "香港警務處"]:
        hits = find_cases(SearchQuery.from_params({"q": q}), limit=20, plan=plan)
        assert hits.case_ids == newest_five, q
        assert hits.capped and hits.total == 8
        page_2 = find_cases(SearchQuery.from_params({"q": q}), limit=3, offset=3, plan=plan)
        assert page_2.case_ids == newest_five[3:]


def test_a_very_common_name_is_counted_honestly(settings, monkeypatch):
    """Above the bound the count is an estimate from what is there, never "more than" the cap."""
    settings.CAUSEBOOK_MAX_MATCHES = 5
    monkeypatch.setattr(search, "PROBE_MAX", 3)
    for year in range(2010, 2022):
        entered("HONG KONG POLICE FORCE", "香港警務處", issued=(year, 7, 1))
    entered("CHAN Tai Man", "陳大文", issued=(2020, 7, 1))
    term_counts_apply()
    for q in ["Hong Kong Police Force", "Police Force", "香港警務處", "警務"]:
        hits = find_cases(SearchQuery.from_params({"q": q}))
        assert (hits.total, hits.estimated, hits.capped) == (12, True, True), q


def test_the_count_page_says_about_how_many(client, settings, monkeypatch):
    settings.CAUSEBOOK_MAX_MATCHES = 5
    monkeypatch.setattr(search, "PROBE_MAX", 3)
    for year in range(2010, 2022):
        entered("HONG KONG POLICE FORCE", "香港警務處", issued=(year, 7, 1))
    term_counts_apply()
    body = client.get(reverse("causebook:search"), {"q": "Hong Kong Police Force"}).content.decode()
    assert "About 12 cases match" in body
    assert "More than" not in body
    body = client.get(reverse("causebook:search"), {"q": "香港警務處"}, HTTP_ACCEPT_LANGUAGE="zh-hant").content
    assert "12" in body.decode()


def test_a_short_common_word_is_never_corrected_into_a_name():
    entered("TSE Tai Man", issued=(2020, 1, 1))
    entered("THE GOLDEN DRAGON LIMITED", issued=(2020, 1, 1))
    hits = find_cases(SearchQuery.from_params({"q": "the"}), limit=20)
    assert hits.corrections == ()
    assert len(hits.case_ids) == 1
    nothing = find_cases(SearchQuery.from_params({"q": "of"}), limit=20)
    assert (nothing.total, nothing.corrections) == (0, ())


def test_filters_apply_on_the_plan_for_many(settings):
    new = entered("HONG KONG POLICE FORCE", issued=(2025, 7, 1))
    entered("HONG KONG POLICE FORCE", issued=(2015, 7, 1))
    assert ids("Hong Kong Police Force", "many", year_from="2020") == [new]
    assert ids("Police", "many", year_to="2012") == []


def test_a_name_typed_as_another_real_name_is_found_through_its_corrections():
    # Every word is in the register, but never together: "Men" is LEE Men's, and the
    # name meant is CHAN Tai Man. The probe is the rarest pair of corrections.
    meant = entered("CHAN Tai Man", issued=(2021, 1, 1))
    entered("LEE Men", issued=(2022, 1, 1))
    entered("CHAN Siu Ming", issued=(2023, 1, 1))  # holds two of the words, not the third
    assert ids("Chan Tai Men", "few") == [meant]


def test_a_repeated_word_is_probed_through_a_pair_of_different_words():
    # Both "chan"s have the same corrections: no pair of them can be probed, so the
    # probe pairs a "chan" with the last word instead.
    meant = entered("CHAN Chan Man", issued=(2021, 1, 1))
    entered("LEE Men", issued=(2022, 1, 1))
    entered("CHAN Tai Man", issued=(2020, 1, 1))  # one "chan" only
    assert ids("Chan Chan Men", "few")[:1] == [meant]


def test_a_company_is_found_by_its_rare_words_among_words_every_company_has():
    # The index is probed with the rarest pairs or grams only ("sunrise holdings", "旭日"),
    # the common ones ("company limited", "有限") checked on the rows found.
    rare = entered("SUNRISE HOLDINGS (HONG KONG) COMPANY LIMITED", "旭日控股（香港）有限公司", issued=(2024, 1, 1))
    for year in range(2000, 2012):
        entered("OTHER (HONG KONG) COMPANY LIMITED", "其他（香港）有限公司", issued=(year, 1, 1))
    assert ids("Sunrise Holdings Company Limited", "few") == [rare]
    assert ids("旭日控股有限公司", "few") == [rare]
    assert ids("旭日控股(香港)有限公司", "few") == [rare]


def test_a_name_outside_the_filters_is_not_corrected_into_other_names():
    entered("TSE Ching Lun", issued=(2015, 3, 1))  # there, but before the years asked for
    entered("TSE Ching Lung", issued=(2021, 3, 1))  # one letter away, inside them
    term_counts_apply()
    hits = find_cases(SearchQuery.from_params({"q": "Tse Ching Lun", "year_from": "2020"}), limit=20)
    assert (hits.total, hits.corrections) == (0, ())
    # Without a filter to explain the miss, a misspelling is still corrected.
    fixed = find_cases(SearchQuery.from_params({"q": "Tse Chinq Lung", "year_from": "2020"}), limit=20)
    assert fixed.corrections == ("tse", "ching", "lung")


def test_misspelt_words_common_together_are_read_newest_first_from_the_buckets(monkeypatch):
    # Above PROBE_MAX entries the corrections' pairs are walked bucket by bucket, newest first.
    monkeypatch.setattr(search, "PROBE_MAX", 1)
    older = entered("CHAN Tai Men", issued=(2019, 1, 1))
    newer = entered("CHEN Tai Men", issued=(2024, 1, 1))
    entered("LEE Tai Wai", issued=(2025, 1, 1))  # holds "tai" only
    entered("CHAN Mei", issued=(2025, 2, 1))  # holds "chan" and "mei", never with "tai"
    term_counts_apply()
    # Every word is known, never together: each is widened to the words one edit away.
    hits = find_cases(SearchQuery.from_params({"q": "Chan Tai Mei"}), limit=20)
    assert hits.case_ids == [newer, older]
    assert hits.corrections == ("chan", "tai", "mei")


def test_below_the_cap_a_page_and_the_count_give_the_same_exact_number(settings, monkeypatch):
    # Three words on the plan for many: no kept count is exact for them, so the page reads
    # on until it knows, rather than estimating a number the count page would contradict.
    settings.CAUSEBOOK_MAX_MATCHES = 50
    monkeypatch.setattr(search, "PROBE_MAX", 1)
    for year in range(2001, 2026):
        entered("CHAN Tai Man", issued=(year, 3, 1))
    term_counts_apply()
    query = SearchQuery.from_params({"q": "Chan Tai Man"})
    page = find_cases(query, limit=20)
    count = find_cases(query)
    assert (page.total, page.estimated, len(page.case_ids)) == (25, False, 20)
    assert (count.total, count.estimated) == (25, False)


def test_a_year_filter_walks_only_the_buckets_of_those_years(monkeypatch):
    # On the plan for many, newest first within the years asked for, and the buckets of other
    # years are not read: a case whose stored year disagrees with its date of issue (never
    # made by the portal, made here on purpose) is outside what is walked. The plan is forced:
    # through the tagged pairs the plan for few would read every match (the stray included).
    monkeypatch.setattr(search, "PROBE_MAX", 1)
    in_2019 = entered("HONG KONG POLICE FORCE", issued=(2019, 6, 1))
    in_2021 = entered("HONG KONG POLICE FORCE", issued=(2021, 6, 1))
    entered("HONG KONG POLICE FORCE", issued=(2025, 6, 1))
    stray = entered("HONG KONG POLICE FORCE", issued=(2024, 6, 1))
    Case.objects.filter(pk=stray).update(year=2020)
    term_counts_apply()
    assert ids("Police Force", "many", year_from="2019", year_to="2021") == [in_2021, in_2019]


def test_three_misspelt_words_are_probed_through_two_pairs():
    meant = entered("WONG Siu Ming", issued=(2020, 1, 1))
    entered("WONG Siu Kit", issued=(2021, 1, 1))  # two of the three
    entered("LEE Siu Ming", issued=(2022, 1, 1))  # two of the three
    entered("WANG Kit", issued=(2022, 1, 1))  # makes "wang" known
    term_counts_apply()
    # Every word known ("wang", "siu", "ming"), never together: widened one edit each.
    hits = find_cases(SearchQuery.from_params({"q": "Wang Siu Ming"}), limit=20)
    assert meant in hits.case_ids
    assert hits.corrections == ("wang", "siu", "ming")


def both_sides(applicant: tuple[str, str], respondent: tuple[str, str], *, issued: tuple[int, int, int]) -> int:
    """A case in the cause book whose two parties both match the same search; its id."""
    case_id = entered(*applicant, issued=issued)
    case = Case.objects.get(pk=case_id)
    PartyFactory(case=case, side=Party.Side.RESPONDENT, name_en=respondent[0], name_zh=respondent[1])
    return case_id


@pytest.mark.parametrize("plan", ["many", ""])
@pytest.mark.parametrize("q", ["Lee", "有限公司"])
def test_a_case_matching_twice_does_not_end_the_count_early(plan, q, monkeypatch):
    """Each read of the plan for many asks for as many entries as cases are still wanted; a case with two
    matching parties gives two of them. Reading on only when a read came back short had taken such a
    read for the last one: "Lee" and "有限公司" at 200,000 cases showed "19 cases match" and "13 cases
    match", with no second page, where thousands of cases match."""
    monkeypatch.setattr(search, "PROBE_MAX", 3)
    applicant, respondent = ("LEE Tai Man", "金龍印刷有限公司"), ("LEE Siu Ming", "太平洋旅遊有限公司")
    expected = [both_sides(applicant, respondent, issued=(2000 + n % 26, 1 + n % 12, 1)) for n in range(30)]
    term_counts_apply()
    query = SearchQuery.from_params({"q": q})
    page = find_cases(query, limit=20, plan=plan)
    rest = find_cases(query, limit=20, offset=20, plan=plan)
    assert len(page.case_ids) == 20
    assert sorted([*page.case_ids, *rest.case_ids]) == sorted(expected)
    # One word's kept count is of entries (two a case here: 60). Within the cap the cases are
    # counted, so the first page, the count page and the last page all say 30, exactly; before,
    # the first page and the count page said "about 60", with page links past the last.
    assert (page.total, page.estimated) == (30, False)
    assert (find_cases(query, plan=plan).total, find_cases(query, plan=plan).estimated) == (30, False)
    assert (rest.total, rest.estimated) == (30, False)
