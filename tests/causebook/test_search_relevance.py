"""The expected case is in the top 3 for every way people write a name or a case number."""

import pytest

from causebook.query import SearchQuery
from causebook.search import find_cases


def top(q: str, **params) -> list[int]:
    return find_cases(SearchQuery.from_params({"q": q, **params}), limit=20).case_ids


@pytest.mark.parametrize(
    "q",
    [
        "Chan Tai-man",
        "CHAN TAI MAN",
        "tai man chan",
        "chan, tai man",
        "Chan Tai",
        "陳大文",
        "大文",
        "陳 大 文",
        "CHAN Tai Maan",  # a misspelt given name
        "Cahn Tai Man",  # letters swapped in the surname
        "Golden Harbour",
        "golden harbor decoration",  # American spelling
        "Golden Harbour Decoration Engineering Ltd",
        "金港裝飾",
        "DCCJ 1204/2026",
        "dccj1204/2026",
        "DCCJ 01204 / 2026",
        "DCCJ No. 1204 of 2026",
        "dccj 1204 of 2026",
        "DCCJ-1204-2026",
        "dccj 1204",
    ],
)
def test_the_target_case_is_in_the_top_three(register, q):
    assert register["target"].pk in top(q)[:3], q


@pytest.mark.parametrize(
    ("q", "best"),
    [
        ("CHAN Tai Man", "target"),
        ("WONG Tai Man", "wong_tai_man"),
        ("陳大明", "chan_tai_ming"),
        ("黃大文", "wong_tai_man"),
    ],
)
def test_the_exact_name_ranks_first(register, q, best):
    assert top(q)[0] == register[best].pk


def test_the_same_words_in_order_rank_above_the_same_words_reordered_and_partial_matches(register):
    from tests.causebook.conftest import make_case

    reordered = make_case("DCCJ", 501, 2026, ("TAI Man CHAN", "戴文陳"), ("KAM WAH LIMITED", "金華有限公司"))
    longer = make_case("DCCJ", 502, 2026, ("CHAN Tai Man Peter", "陳大文"), ("KAM WAH LIMITED", "金華有限公司"))
    ids = top("Chan Tai Man")
    # All three were issued the same day: the score alone orders them (4, then 3, then 1.75).
    assert ids[:3] == [register["target"].pk, reordered.pk, longer.pk]


def test_a_two_character_given_name_finds_every_holder_of_it(register):
    assert set(top("大文")) == {register["target"].pk, register["wong_tai_man"].pk}


def test_drafts_and_cases_pending_acceptance_are_never_found(register):
    hits = find_cases(SearchQuery.from_params({"q": "Chan Tai Man"}), limit=20)
    assert hits.case_ids == [register["target"].pk]
    assert hits.total == 1


def test_a_misspelling_says_what_it_was_corrected_to(register):
    hits = find_cases(SearchQuery.from_params({"q": "Cahn Tai Man"}), limit=20)
    assert hits.corrections == ("chan", "tai", "man")


def test_nothing_matches_gibberish(register):
    hits = find_cases(SearchQuery.from_params({"q": "Xyzzyq Plughk"}), limit=20)
    assert (hits.total, hits.case_ids) == (0, [])


def test_a_case_number_that_does_not_exist_matches_nothing(register):
    assert top("DCCJ 1205/2026") == []


@pytest.mark.parametrize("q", ["大文", "陳", "有限公司", "Chan Tai Man", "Golden Harbour", "tai man"])
def test_walking_the_table_for_very_common_names_finds_what_the_indexes_find(register, monkeypatch, q):
    """At two million cases a name in very many entries is found by reading the table until
    enough are found, in a form no index answers (``search.MANY_NAMES``); same results."""
    from causebook import search

    query = SearchQuery.from_params({"q": q})
    monkeypatch.setattr(search, "MANY_NAMES", 10**9)
    by_index = search.find_cases(query, limit=20)
    monkeypatch.setattr(search, "MANY_NAMES", 0)
    walked = search.find_cases(query, limit=20)
    sql, _ = search.search_sql(query, limit=20)
    assert ("IS TRUE" in sql) or ("strpos(e.name_zh" in sql and "causebook_cjk_grams" not in sql.split("WHERE", 1)[1])
    assert walked == by_index and by_index.total
