"""Names with filters through the index of tagged pairs (migration 0014): the same cases as the filters on the entries.

The few-matches plan asks the court, case type, years and status of the index of tagged
pairs ("chan tai#t1", "chan tai#2020", "chan tai#active") instead of reading every entry
holding the name and dropping those outside the filters. Each search here is run three
ways and must agree: through the tagged pairs with the planner's choice, with the
sequential scan switched off (so the index itself answers), and with the tags not asked
at all (the filters tested on the entries only, as before).
"""

from __future__ import annotations

from datetime import datetime
from itertools import product
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from causebook import filters
from causebook.query import SearchQuery
from causebook.search import find_cases
from causebook.terms import term_counts_apply
from filing.models import Case, CaseType, Party
from tests.factories import CaseFactory, PartyFactory

HKT = ZoneInfo("Asia/Hong_Kong")
pytestmark = pytest.mark.django_db

NAMES = ["CHAN Tai Man", "CHAN Tai Man Peter", "WONG Tai Man", "MAN Tai Chan", "CHAN Siu Ming"]
PREFIXES = ["DCCJ", "DCPI", "KCS"]
YEARS = [2017, 2019, 2021, 2024]
STATUSES = [Case.Status.ACTIVE, Case.Status.CLOSED]


@pytest.fixture
def register(db) -> dict[tuple[str, str, int, str], int]:
    """A case for every name, case type, year and status: their ids by those four."""
    cases: dict[tuple[str, str, int, str], int] = {}
    number = 1
    for name, prefix, year, status in product(NAMES, PREFIXES, YEARS, STATUSES):
        case = CaseFactory(
            case_type=CaseType.objects.get(prefix=prefix),
            number=number,
            year=year,
            status=status,
            issued_at=datetime(year, 1 + number % 12, 1 + number % 28, 10, 0, tzinfo=HKT),
        )
        PartyFactory(case=case, side=Party.Side.APPLICANT, name_en=name, name_zh="")
        cases[(name, prefix, year, status)] = int(case.pk)
        number += 1
    term_counts_apply()
    return cases


def _search(params: dict[str, str], *, tags: bool = True, seqscan: bool = True, monkeypatch=None):
    query = SearchQuery.from_params(params)
    if not tags:
        assert monkeypatch is not None
        monkeypatch.setattr(filters, "pair_tags", lambda query: [])
        monkeypatch.setattr("causebook.search.pair_tags", lambda query: [])
    with connection.cursor() as cursor:
        cursor.execute(f"SET enable_seqscan = {'on' if seqscan else 'off'}")
    try:
        return find_cases(query, limit=200, plan="few"), find_cases(query, limit=200)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = on")
        if not tags:
            monkeypatch.undo()


FILTERS = [
    {"court": "DC"},
    {"type": "DCPI"},
    {"court": "KCMAG"},
    {"status": "active"},
    {"status": "closed", "court": "DC"},
    {"year_from": "2018", "year_to": "2024"},
    {"year_from": "2019", "year_to": "2019", "status": "active"},
    {"court": "DC", "year_from": "2018", "year_to": "2024", "status": "active"},
    {"year_from": "2020"},  # an open end: years tested on the entries only
    {"year_to": "2020", "type": "DCCJ"},
    {"year_from": "1990", "year_to": "2030"},  # more years than are asked of the index
]


@pytest.mark.parametrize("extra", FILTERS)
@pytest.mark.parametrize("q", ["Chan Tai Man", "tai man", "Man Tai Chan Peter", "Siu Ming Chan"])
def test_the_tagged_pairs_find_the_cases_the_filters_find_on_the_entries(register, q, extra, monkeypatch):
    params = {"q": q, **extra}
    tagged_few, tagged = _search(params)
    index_few, index = _search(params, seqscan=False)
    plain_few, plain = _search(params, tags=False, monkeypatch=monkeypatch)
    assert tagged.case_ids == index.case_ids == plain.case_ids == tagged_few.case_ids == index_few.case_ids
    assert plain_few.case_ids == plain.case_ids
    assert tagged.total == index.total == plain.total == len(plain.case_ids)
    assert not tagged.estimated and not tagged.capped


def _expected(register, words: set[str], **allowed) -> set[int]:
    """The register's cases whose name holds ``words`` and which pass the filters, by Python."""
    return {
        pk
        for (name, prefix, year, status), pk in register.items()
        if words <= set(name.lower().split())
        and prefix in allowed.get("prefixes", PREFIXES)
        and allowed.get("year_from", 0) <= year <= allowed.get("year_to", 9999)
        and status in allowed.get("statuses", STATUSES)
    }


def test_the_filters_give_exactly_the_cases_they_describe(register):
    hits = find_cases(
        SearchQuery.from_params(
            {"q": "Chan Tai Man", "court": "DC", "year_from": "2018", "year_to": "2024", "status": "active"}
        ),
        limit=200,
    )
    expected = _expected(
        register, {"chan", "tai", "man"}, prefixes=["DCCJ", "DCPI"], year_from=2018, year_to=2024, statuses=["active"]
    )
    assert set(hits.case_ids) == expected and hits.total == len(expected) == 18
    # Best first: the whole name in its own order (six cases), newest first; then the others.
    exact = {pk for (name, *_), pk in register.items() if name == "CHAN Tai Man"} & expected
    assert set(hits.case_ids[:6]) == exact
    issued = dict(Case.objects.filter(pk__in=exact).values_list("pk", "issued_at"))
    assert [issued[pk] for pk in hits.case_ids[:6]] == sorted(issued.values(), reverse=True)


def test_the_search_asks_the_filters_of_the_tagged_pairs(register):
    query = SearchQuery.from_params({"q": "Chan Tai Man", "court": "DC", "year_from": "2018", "year_to": "2024"})
    with CaptureQueriesContext(connection) as queries:
        find_cases(query, limit=20)
    searched = [q["sql"] for q in queries.captured_queries if "causebook_causebookentry" in q["sql"]]
    assert any("causebook_tagged_pairs(e.tokens, e.case_type_id, e.year, e.status) &&" in sql for sql in searched)
    assert any("#2018" in sql and "#t" in sql for sql in searched)


def test_an_entry_is_tagged_with_its_case_type_year_and_status():
    with connection.cursor() as cursor:
        cursor.execute("SELECT causebook_tagged_pairs(ARRAY['chan', 'tai', 'man'], 3, 2024::smallint, 'active')")
        keys = set(cursor.fetchone()[0])
    pairs = {"chan tai", "chan man", "man tai"}
    assert keys == {pair + tag for pair in pairs for tag in ("#t3", "#2024", "#active")}


def test_closing_a_case_moves_it_from_active_to_closed(register):
    pk = register[("CHAN Siu Ming", "DCCJ", 2021, "active")]
    params = {"q": "Chan Siu Ming", "type": "DCCJ", "year_from": "2021", "year_to": "2021"}
    assert pk in find_cases(SearchQuery.from_params({**params, "status": "active"}), limit=20).case_ids
    Case.objects.filter(pk=pk).update(status=Case.Status.CLOSED)
    assert pk not in find_cases(SearchQuery.from_params({**params, "status": "active"}), limit=20).case_ids
    assert pk in find_cases(SearchQuery.from_params({**params, "status": "closed"}), limit=20).case_ids


def test_a_common_name_with_filters_is_read_at_once_and_counted_exactly(monkeypatch):
    """More entries of the name than the plan for few would read, but few within the filters:
    the tagged pairs yield only those, so the plan for few is tried whatever the name's
    count in the register, and the count is exact (no bucket walk, nothing estimated)."""
    monkeypatch.setattr("causebook.search.PROBE_MAX", 5)
    monkeypatch.setattr("causebook.search.PROBE_SCAN", 5)
    dccj, kcs = CaseType.objects.get(prefix="DCCJ"), CaseType.objects.get(prefix="KCS")
    inside = []
    for number in range(1, 13):
        case_type, year = (dccj, 2020) if number <= 3 else (kcs, 2012)
        case = CaseFactory(
            case_type=case_type, number=number, year=year, issued_at=datetime(year, 2, number, 10, tzinfo=HKT)
        )
        PartyFactory(case=case, side=Party.Side.APPLICANT, name_en="LEE Ka Ho", name_zh="")
        if case_type == dccj:
            inside.append(int(case.pk))
    term_counts_apply()
    query = SearchQuery.from_params({"q": "Lee Ka Ho", "court": "DC", "year_from": "2018", "year_to": "2024"})
    with CaptureQueriesContext(connection) as queries:
        hits = find_cases(query, limit=20)
    assert hits.case_ids == inside[::-1] and hits.total == 3 and not hits.estimated
    assert not [q for q in queries.captured_queries if "causebook_walk_keys" in q["sql"]]


def _newest_bucket_outside_the_filters(magistracy_type: CaseType) -> None:
    """Twenty cases of 2024 with the name "LEE Ka Ho" in a magistracy: the newest bucket, outside
    the District Court filters the tests ask for."""
    for number in range(1, 21):
        case = CaseFactory(
            case_type=magistracy_type, number=number, year=2024, issued_at=datetime(2024, 12, 2, 10, tzinfo=HKT)
        )
        PartyFactory(case=case, side=Party.Side.APPLICANT, name_en="LEE Ka Ho", name_zh="")


def test_more_matches_than_the_cap_are_never_counted_below_it(monkeypatch, settings):
    """The sample of the newest buckets can see none of a name's matches under the filters
    (there, the name is in other courts' cases): when the exact count then finds more than
    the cap, the total says more than the cap, not the sample's estimate. "WONG Sze" in the
    District Court's active cases of 2018-2024 showed "About 400" for 1,221 matches."""
    monkeypatch.setattr("causebook.search.PROBE_MAX", 5)
    monkeypatch.setattr("causebook.search.PROBE_SCAN", 5)
    monkeypatch.setattr("causebook.search_walk.SAMPLE_ENTRIES", 1)
    settings.CAUSEBOOK_MAX_MATCHES = 8
    dccj, kcs = CaseType.objects.get(prefix="DCCJ"), CaseType.objects.get(prefix="KCS")
    for number in range(1, 11):  # ten matches inside the filters, in 2020
        case = CaseFactory(
            case_type=dccj, number=number, year=2020, issued_at=datetime(2020, 3, number, 10, tzinfo=HKT)
        )
        PartyFactory(case=case, side=Party.Side.APPLICANT, name_en="LEE Ka Ho", name_zh="")
    _newest_bucket_outside_the_filters(kcs)  # the same name, in a magistracy's cases
    term_counts_apply()
    query = SearchQuery.from_params({"q": "Lee Ka Ho", "court": "DC", "year_from": "2018", "year_to": "2024"})
    hits = find_cases(query, limit=2)
    assert hits.capped and hits.total > 8
    assert len(hits.case_ids) == 2


def _count_statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "causebook_termcount" in q["sql"]]


def _entry_statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "causebook_causebookentry" in q["sql"]]


def _wong_sze_register() -> tuple[list[int], list[int]]:
    """Sixteen cases of 2020, half District Court: "WONG Sze" and "WONG Sze Wing" in turn.

    Returns the District Court cases with the whole name and with the longer one, oldest first.
    """
    dccj, kcs = CaseType.objects.get(prefix="DCCJ"), CaseType.objects.get(prefix="KCS")
    inside, longer = [], []
    for number in range(1, 17):
        case_type = dccj if number % 2 else kcs
        case = CaseFactory(
            case_type=case_type, number=number, year=2020, issued_at=datetime(2020, 2, number, 10, tzinfo=HKT)
        )
        name = "WONG Sze" if number % 4 == 1 else "WONG Sze Wing"
        PartyFactory(case=case, side=Party.Side.APPLICANT, name_en=name, name_zh="")
        if case_type == dccj:
            (inside if name == "WONG Sze" else longer).append(int(case.pk))
    term_counts_apply()
    return inside, longer


WONG_SZE_DC = {"q": "Wong Sze", "court": "DC", "year_from": "2018", "year_to": "2024"}


def test_a_two_word_name_above_the_bound_inside_the_filters_is_counted_from_the_kept_counts(monkeypatch):
    """More matches inside the filters than ``PROBE_MAX``: a two-word name is counted from the
    kept counts of its pair by case type, year and status (migration 0016), read with the
    query's other counts, not by reading every match ("WONG Sze": 1,221 at 2,000,000 cases,
    read up to 1,101 entries). The page comes best first from the whole name, newest first;
    nothing is walked, and no entry is read beyond the page."""
    monkeypatch.setattr("causebook.search.PROBE_MAX", 5)
    inside, longer = _wong_sze_register()
    query = SearchQuery.from_params(WONG_SZE_DC)
    with CaptureQueriesContext(connection) as queries:
        hits = find_cases(query, limit=3)
    assert hits.case_ids == inside[::-1][:3]
    assert hits.total == 8 and hits.estimated and not hits.capped
    # One statement of counts (the pair's tagged counts with the rest) and the page from the whole name.
    assert len(_count_statements(queries)) == 1
    assert len(_entry_statements(queries)) == 1 and "e.tokens = " in _entry_statements(queries)[0]
    # The count page says the same, from the same kept counts, reading no entry at all.
    with CaptureQueriesContext(connection) as queries:
        count = find_cases(query)
    assert count.total == 8 and count.estimated
    assert len(_count_statements(queries)) == 1 and not _entry_statements(queries)
    # Every page of the same order as the plan for few's, which ranks all of them.
    assert find_cases(query, limit=20).case_ids == inside[::-1] + longer[::-1]
    assert find_cases(query, limit=20, plan="few").case_ids == inside[::-1] + longer[::-1]


def test_within_the_bound_a_two_word_name_is_ranked_and_counted_exactly_at_once():
    """Up to ``PROBE_MAX`` matches inside the filters: one statement, every match ranked and
    counted exactly, as before."""
    inside, longer = _wong_sze_register()
    query = SearchQuery.from_params(WONG_SZE_DC)
    with CaptureQueriesContext(connection) as queries:
        hits = find_cases(query, limit=20)
    assert hits.case_ids == inside[::-1] + longer[::-1]
    assert hits.total == 8 and not hits.estimated and not hits.capped
    assert len(_entry_statements(queries)) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"court": "DC"},
        {"status": "active"},
        {"court": "DC", "status": "closed"},
        {"type": "KCS", "year_from": "2019", "year_to": "2021"},
        {"year_from": "2021"},
        {"year_to": "2019", "status": "active"},
    ],
)
def test_the_kept_count_inside_the_filters_is_the_count_of_matching_entries(register, params, monkeypatch):
    """Any filters, an open end of years included: the kept count of a two-word name's pair
    inside them is the number of entries the filters find on the entries themselves."""
    monkeypatch.setattr("causebook.search.PROBE_MAX", 1)
    query = SearchQuery.from_params({"q": "Tai Man", **params})
    exact = find_cases(query, limit=1000, plan="few").total  # ranks every match
    assert exact > 1
    hits = find_cases(query)
    assert hits.estimated and hits.total == exact


def test_more_than_the_cap_inside_the_filters_is_not_walked_again_to_count(monkeypatch, settings):
    """Above the cap the page is walked bucket by bucket, newest first, as before; but the
    read through the tagged pairs already found more cases than the cap, so the count is
    not walked again up to the cap (the second walk cost 5 of WONG Sze's 19-22 ms). The
    sample of the newest buckets sees none of them (there the name is in a magistracy's
    cases), as for WONG Sze, whose estimate said about 400."""
    monkeypatch.setattr("causebook.search.PROBE_MAX", 5)
    monkeypatch.setattr("causebook.search_walk.SAMPLE_ENTRIES", 1)
    settings.CAUSEBOOK_MAX_MATCHES = 8
    dccj, kcs = CaseType.objects.get(prefix="DCCJ"), CaseType.objects.get(prefix="KCS")
    made = []
    for number in range(1, 13):
        case = CaseFactory(
            case_type=dccj, number=number, year=2020, issued_at=datetime(2020, 3, number, 10, tzinfo=HKT)
        )
        PartyFactory(case=case, side=Party.Side.APPLICANT, name_en="LEE Ka Ho", name_zh="")
        made.append(int(case.pk))
    _newest_bucket_outside_the_filters(kcs)
    term_counts_apply()
    query = SearchQuery.from_params({"q": "Lee Ka Ho", "court": "DC", "year_from": "2018", "year_to": "2024"})
    with CaptureQueriesContext(connection) as queries:
        hits = find_cases(query, limit=3)
    assert hits.case_ids == made[::-1][:3]
    assert hits.capped and hits.total > 8
    # The read through the tagged pairs, the page (the whole name, newest first) and the
    # sample of the newest buckets for the estimate; nothing more.
    assert len(_entry_statements(queries)) == 3


def test_a_case_holding_the_name_twice_does_not_send_the_count_walking(monkeypatch, settings):
    """A tenth more entries than the cap are read: a case with two parties of the name is two
    entries, and "WONG Sze"'s first 1,001 entries at 2,000,000 cases were 1,000 cases, which
    left the count at the cap and walked every bucket again to count it."""
    monkeypatch.setattr("causebook.search.PROBE_MAX", 5)
    monkeypatch.setattr("causebook.search_walk.SAMPLE_ENTRIES", 1)
    settings.CAUSEBOOK_MAX_MATCHES = 20
    dccj, kcs = CaseType.objects.get(prefix="DCCJ"), CaseType.objects.get(prefix="KCS")
    for number in range(1, 22):  # 21 cases inside the filters, the first with the name twice
        case = CaseFactory(case_type=dccj, number=number, year=2020, issued_at=datetime(2020, 3, 1, 10, tzinfo=HKT))
        PartyFactory(case=case, side=Party.Side.APPLICANT, name_en="LEE Ka Ho", name_zh="")
        if number == 1:
            PartyFactory(case=case, side=Party.Side.RESPONDENT, name_en="LEE Ka Ho", name_zh="")
    _newest_bucket_outside_the_filters(kcs)
    term_counts_apply()
    query = SearchQuery.from_params({"q": "Lee Ka Ho", "court": "DC", "year_from": "2018", "year_to": "2024"})
    with CaptureQueriesContext(connection) as queries:
        hits = find_cases(query, limit=3)
    assert hits.capped and hits.total == 21
    assert len(_entry_statements(queries)) == 3
