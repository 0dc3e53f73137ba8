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


@pytest.mark.parametrize(
    "q", ["大文", "陳", "有限公司", "Chan Tai Man", "Golden Harbour", "tai man", "Man Tai Chan", "Chan", "Limited"]
)
def test_the_plan_for_very_common_names_finds_and_ranks_what_the_plan_for_few_finds(register, q):
    """At two million cases a name in very many entries is read tier by tier, newest first,
    from the btree and bucket-walk indexes (``search.PROBE_MAX``); same cases, same order."""
    from causebook.terms import term_counts_apply

    term_counts_apply()
    query = SearchQuery.from_params({"q": q})
    few = find_cases(query, limit=20, plan="few")
    many = find_cases(query, limit=20, plan="many")
    assert many.case_ids == few.case_ids and few.total
    assert many.total == few.total
