"""The cause book's search SQL: which cases match a query, best first, counted and paged.

This module knows the search tables and their indexes (migrations ``0006``, ``0008``
and ``0011``: names are searched in ``causebook_causebookentry``, one narrow row per
party of a case in the cause book, kept by triggers) and nothing of users:
:mod:`causebook.selectors` decides who sees what and passes a scope in. Every value
reaches PostgreSQL as a parameter; only fixed SQL fragments are joined here.

Best first, across all matches (issue 16). Tiers, and the newest date of issue first
within each (then the higher case id, so pages are stable):

* English: 4 the same words in the same order (the whole name); 3 the query's words
  in the same order inside a longer name ("Chi Keung" in "CHAN Chi Keung"); 2 the same
  words in another order ("WONG Keung Chi"); misspelt searches are corrected word by
  word and ranked the same way on the corrected words.
* Chinese: 4 the whole name; 2 the characters inside a longer name.

Two plans, chosen from the kept counts (:mod:`causebook.terms`), never the planner's:

* **Few matches** (while the rarest term is in at most ``PROBE_SCAN`` entries): the GIN
  indexes are probed with the ``PROBE_KEYS`` rarest terms, and if at most ``PROBE_MAX``
  entries match, every match is ranked and counted exactly; the first one more gives up
  for the plan for many. Misspelt names read up to the cap this way (:func:`_fuzzy`).
* **Many** ("Hong Kong Police Force", "陳", "有限公司"): tier by tier, the newest first,
  reading about as many entries as are shown: the whole name from a btree on (name,
  date of issue); the rest from the walk index, whose keys are the terms tagged with
  the 28-day bucket of the date of issue, probed bucket by bucket from the newest until
  enough are found. The count is then an honest estimate: the kept count when it is
  exact for the query (one word, two words, one or two characters, no filters), else the
  share of matches in the newest buckets read times the register's size.

At most ``CAUSEBOOK_MAX_MATCHES`` (1,000) cases are ranked and shown: the best 1,000 of
all matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from .corrections import corrections_for, edit_distance
from .filters import by_tagged_pairs, pair_count_keys, pair_tags
from .filters import filters_sql as _filters
from .filters import has_filters as _has_filters
from .filters import tail as _tail
from .filters import type_ids_memo as _type_ids
from .query import SearchQuery
from .search_plans import Hits, _many, _ranked, _ranked_if_few, max_matches
from .search_walk import WALK_KEYS, _rows
from .terms import (
    ChineseTerms,
    Counts,
    EnglishTerms,
    chinese_terms,
    english_terms,
    name_tokens,
    term_counts,
)

__all__ = ["Fragment", "Hits", "corrections_for", "edit_distance", "find_cases", "max_matches", "name_tokens"]

Fragment = tuple[str, list[Any]]

# A case is in the cause book once numbered and while active or closed. The entries
# table holds only such cases' parties (its triggers say the same, migration 0006);
# a search by case number reads filing_case and says it here.
BASE = "c.number IS NOT NULL AND c.status IN ('active', 'closed')"

#: At most this many matching entries are read at once, ranked and counted exactly.
#: Ranking every match costs in proportion to how many there are; above this, reading
#: tier by tier costs in proportion to the page shown (20 of them) instead.
PROBE_MAX = 400
#: The few-matches plan is tried while the rarest term is in at most this many entries:
#: the index lists it reads are then short, and it gives up after ``PROBE_MAX`` matches.
PROBE_SCAN = 5_000
#: A query of more words than this is a list of names, not a misspelt one: its words'
#: best corrections are searched, but not every combination of every correction.
FUZZY_MAX_WORDS = 4
#: The index is probed with only this many of the query's rarest terms (by the kept
#: counts); the other terms are checked on the rows found. A common term's list in the
#: index ("公司", "hong kong") is as long as the register and reading it would make the
#: search grow with the register; the rarest term's is at most ``PROBE_SCAN`` long.
PROBE_KEYS = 2
#: With filters asked of the index of tagged pairs, up to the cap is read at once while
#: the rarest pair is in at most this many entries of the register (:func:`_few_bound`).
TAGGED_SCAN = 20_000

JOINED = "(' ' || array_to_string(e.tokens, ' ') || ' ')"
# Given that the name holds every query word: 5 the same words in the same order, 4 the
# same words in another order, 3 the query's words in order inside a longer name, else 2.
ENGLISH_TIER = f"""CASE WHEN e.tokens = %s::text[] THEN 5 WHEN e.tokens <@ %s::text[] THEN 4
         WHEN strpos({JOINED}, %s) > 0 THEN 3 WHEN e.tokens @> %s::text[] THEN 2 ELSE 1 END"""
CHINESE_TIER = "CASE WHEN e.name_zh = %s THEN 5 ELSE 2 END"
# The rarest pairs from the index, then every word checked on the rows found; ``IS TRUE``
# keeps the planner from answering the check from the words' index instead.
HAS_WORDS = "(e.tokens @> %s::text[]) IS TRUE"
BY_PAIRS = f"causebook_token_pairs(e.tokens) @> %s::text[] AND {HAS_WORDS}"
BY_WORD = "e.tokens @> %s::text[]"
BY_GRAMS = "causebook_cjk_grams(e.name_zh) @> %s::text[] AND strpos(e.name_zh, %s) > 0"
# Misspelt words: names holding one of the corrections of each of two words, from the index
# of pairs; the corrections of the other words checked on the rows found.
BY_ANY_PAIR = "causebook_token_pairs(e.tokens) && %s::text[]"
HAS_ANY = "(e.tokens && %s::text[]) IS TRUE"
# The same tests in a form no index answers: within a user's own cases, read by case id.
BY_WORDS_IN_SCOPE = "(e.tokens @> %s::text[]) IS TRUE"
BY_CHARACTERS_IN_SCOPE = "strpos(e.name_zh, %s) > 0"
SAME_WORDS = "causebook_sorted(e.tokens) = causebook_sorted(%s::text[])"


def _rarest(keys: Sequence[str], counts: Counts) -> list[str]:
    """The ``PROBE_KEYS`` least common of ``keys`` by the kept counts.

    The counts may lag the entries by a minute (:mod:`causebook.terms`): that only changes
    which keys are probed, never what matches, as every key is still checked.
    """
    return sorted(keys, key=lambda key: (counts.of(key), key))[:PROBE_KEYS]


# --- A case number ----------------------------------------------------------------------


def _by_case_number(query: SearchQuery, scope: Fragment | None, *, limit: int, offset: int) -> Hits:
    number = query.case_number
    assert number is not None  # noqa: S101  (mode says so)
    tail, tail_params = _filters(query, "c")
    if scope is not None:
        tail += f" AND c.id IN ({scope[0]})"
        tail_params = [*tail_params, *scope[1]]
    year_sql = " AND c.year = %s" if number.year else ""
    params: list[Any] = [number.prefix, number.number, *([number.year] if number.year else []), *tail_params]
    rows = _rows(
        "SELECT c.id FROM filing_case c JOIN filing_casetype ty ON ty.id = c.case_type_id "  # noqa: S608 (fixed SQL)
        f"WHERE ty.prefix = %s AND c.number = %s{year_sql} AND {BASE}{tail} "
        "ORDER BY c.issued_at DESC NULLS LAST, c.id DESC",
        params,
    )
    ids = [int(row[0]) for row in rows]
    return Hits(case_ids=ids[offset : offset + limit] if limit else [], total=len(ids), capped=False)


# --- English and Chinese names -------------------------------------------------------------


def _worth_trying_few(matching: int, *, exact: bool, query: SearchQuery, tagged: bool = False) -> bool:
    """Whether reading every match at once may succeed: the rarest term's count allows it.

    When that count is the query's own (one or two words, one or two characters, no
    filters), above ``PROBE_MAX`` it cannot: go straight to the plan for many. ``tagged``:
    the filters are asked of the index of tagged pairs, which yields only entries that
    pass them, so trying reads at most ``PROBE_MAX + 1`` entries however common the
    name is in the register.
    """
    if exact and not _has_filters(query):
        return matching <= PROBE_MAX
    return tagged or matching <= PROBE_SCAN


def _inside_keys(terms: EnglishTerms, query: SearchQuery) -> list[str] | None:
    """The kept count keys that count a two-word name's matches inside the filters; else None.

    For two words the entries holding their pair are exactly those holding both words, and
    the pair is counted tagged with each entry's case type, year and status together
    (migration 0016), so the sum of these keys' counts is the number of matching entries
    inside the filters, to within the minute the counts may lag (and a case holding the
    name twice counts twice): an honest "about". They are read with the query's other
    counts, in the same statement, so the search knows before reading any entry whether the
    matches are few enough to rank and count exactly.
    """
    if terms.distinct != 2 or not _has_filters(query):
        return None
    return pair_count_keys(terms.pairs[0], query)


def _few_bound(*, tagged: bool, matching: int, counted: bool = False) -> int:
    """How many matching entries the plan for few may read and rank before it gives up.

    ``counted``: the matches inside the filters are counted by the kept counts
    (:func:`_inside_keys`): exact up to ``PROBE_MAX``, the kept count above it.

    Through the index of tagged pairs every entry read is a match inside the filters, so
    up to the cap can be read at once: all of them ranked and counted exactly, or, when
    more than the cap match, known to be more without walking every bucket of the filters'
    years again to count them (the plan for many then walks only for the page). A tenth
    more entries than the cap are read, as a case may hold the name twice (two parties):
    "WONG Sze"'s first 1,001 entries at 2,000,000 cases were 1,000 cases, and the count
    was walked again. Only while
    the rarest pair is in at most ``TAGGED_SCAN`` entries of the register: a name as
    common as "Company Limited" has more than the cap inside most filters, and reading
    the cap's rows would only add to its walk. Otherwise ``PROBE_MAX``.

    Reading up to the cap grew with the register: at 2,000,000 cases the slowest two-word
    names have 700-1,221 matches inside the bench's filters, ten times as many as at
    200,000. A two-word name is therefore read only while the kept counts say it has at
    most ``PROBE_MAX`` matches inside the filters (up to that bound, should they lag), and
    counted from them above it.
    """
    if counted:
        return PROBE_MAX
    return max_matches() * 11 // 10 if tagged and matching <= TAGGED_SCAN else PROBE_MAX


def _english_match(terms: EnglishTerms, counts: Counts, query: SearchQuery) -> Fragment:
    if terms.distinct >= 2:
        rarest = _rarest(terms.pairs, counts)
        # With filters, the index of tagged pairs reads only the entries that pass them.
        tagged = by_tagged_pairs(rarest, query)
        if tagged is not None:
            return (f"{tagged[0]} AND {HAS_WORDS}", [*tagged[1], list(terms.words)])
        return (BY_PAIRS, [rarest, list(terms.words)])
    return (BY_WORD, [list(terms.words)])


def _english(
    query: SearchQuery, terms: EnglishTerms, scope: Fragment | None, *, limit: int, offset: int, plan: str = ""
) -> Hits:
    if not terms.words:
        return Hits(case_ids=[], total=0, capped=False)
    words = list(terms.words)
    inside_keys = _inside_keys(terms, query) if scope is None else None
    counts = term_counts([*terms.keys, *terms.bigrams, *(inside_keys or ())])
    matching = counts.least(terms.keys)
    inside = None if inside_keys is None else sum(counts.of(key) for key in inside_keys)
    tier: Fragment = (ENGLISH_TIER, [words, words, terms.phrase, words])
    if scope is not None or plan == "few":
        if scope is not None and matching > PROBE_MAX:
            match: Fragment = (BY_WORDS_IN_SCOPE, [words])
        else:
            match = _english_match(terms, counts, query)
        return _ranked(match, tier, _tail(query, scope), limit=limit, offset=offset)
    at_least = 0
    tagged = terms.distinct >= 2 and bool(pair_tags(query))
    counted = inside is not None
    few_enough = inside is None or inside <= PROBE_MAX
    if (
        plan != "many"
        and few_enough
        and _worth_trying_few(matching, exact=terms.distinct <= 2, query=query, tagged=tagged)
    ):
        match = _english_match(terms, counts, query)
        few = _ranked_if_few(
            match,
            tier,
            _tail(query, scope),
            limit=limit,
            offset=offset,
            bound=_few_bound(tagged=tagged, matching=matching, counted=counted),
        )
        if isinstance(few, Hits):
            return few
        # Above the cap the count says "about" the estimate, and never less than the cap and
        # one; what the read found beyond that is not counted (the estimate is the count).
        at_least = min(few, max_matches() + 1)
    longer = "NOT (e.tokens <@ %s::text[])"
    tiers: list[tuple[str, Any]] = [
        ("newest", ("e.tokens = %s::text[]", [words])),
        ("newest", (f"{SAME_WORDS} AND e.tokens <> %s::text[]", [words, words])),
    ]
    if terms.distinct >= 2:
        in_order = (f"strpos({JOINED}, %s) > 0 AND {longer}", [terms.phrase, words])
        if terms.bigrams and counts.least(terms.bigrams) <= PROBE_MAX:
            probe = f"{WALK_KEYS} @> %s::text[] AND {in_order[0]}"
            tiers.append(("newest", (probe, [list(terms.bigrams), *in_order[1]])))
        else:
            tiers.append(("walk", (terms.bigrams or terms.keys, in_order)))
        tiers.append(("walk", (terms.keys, (f"strpos({JOINED}, %s) = 0 AND {longer}", [terms.phrase, words]))))
    else:
        tiers.append(("walk", (terms.keys, (longer, [words]))))
    exact = matching if terms.distinct <= 2 else None
    count: tuple[Sequence[str], Fragment, int | None] = (terms.keys, ("TRUE", []), exact)
    return _many(
        query, tiers, count, counts, limit=limit, offset=offset, at_most=matching, at_least=at_least, inside=inside
    )


def _chinese(
    query: SearchQuery, terms: ChineseTerms, scope: Fragment | None, *, limit: int, offset: int, plan: str = ""
) -> Hits:
    text = terms.text
    if not text:
        return Hits(case_ids=[], total=0, capped=False)
    counts = term_counts(terms.keys)
    matching = counts.least(terms.keys)
    tier: Fragment = (CHINESE_TIER, [text])
    rarest = [key.removeprefix("z:") for key in _rarest(terms.keys, counts)]
    if scope is not None or plan == "few":
        if scope is not None and matching > PROBE_MAX:
            match: Fragment = (BY_CHARACTERS_IN_SCOPE, [text])
        else:
            match = (BY_GRAMS, [rarest, text])
        return _ranked(match, tier, _tail(query, scope), limit=limit, offset=offset)
    at_least = 0
    if plan != "many" and _worth_trying_few(matching, exact=len(text) <= 2, query=query):
        few = _ranked_if_few(
            (BY_GRAMS, [rarest, text]), tier, _tail(query, scope), limit=limit, offset=offset, bound=PROBE_MAX
        )
        if isinstance(few, Hits):
            return few
        at_least = few
    contains = ("strpos(e.name_zh, %s) > 0", [text])
    tiers: list[tuple[str, Any]] = [
        ("newest", ("e.name_zh = %s AND e.name_zh <> ''", [text])),
        ("walk", (terms.keys, ("strpos(e.name_zh, %s) > 0 AND e.name_zh <> %s", [text, text]))),
    ]
    exact = matching if len(text) <= 2 else None
    count = (terms.keys, contains, exact)
    return _many(query, tiers, count, counts, limit=limit, offset=offset, at_most=matching, at_least=at_least)


def _search(query: SearchQuery, scope: Fragment | None, *, limit: int, offset: int, plan: str = "") -> Hits:
    mode = query.mode
    if mode == "case_number":
        return _by_case_number(query, scope, limit=limit, offset=offset)
    if mode == "chinese":
        return _chinese(query, chinese_terms(query.q), scope, limit=limit, offset=offset, plan=plan)
    return _english(query, english_terms(query.q), scope, limit=limit, offset=offset, plan=plan)


def _probe_pairs(alternatives: list[list[str]]) -> tuple[list[list[str]], list[int], int] | None:
    """Pairs of word positions to probe the index of pairs with, covering as many words as can be.

    For each chosen pair of positions, the pair keys of their corrections ("chan man",
    "chan men", ...); the positions no chosen pair covers (their corrections are checked
    on the rows found); and how many entries can match at most (the least of the
    chosen pairs' kept counts, summed). The rarest pairs of positions are chosen first,
    and only positions whose corrections differ can pair (a repeated word cannot). The
    keys are made and counted in SQL, with the same ordering that made the stored pairs
    (``causebook_token_pairs``). None when no two positions can pair.
    """
    positions = [i for i, words in enumerate(alternatives) for _ in words]
    words = [word for group in alternatives for word in group]
    rows = _rows(
        """WITH alts AS (SELECT * FROM unnest(%s::int[], %s::text[]) AS a(pos, word)),
keys AS (SELECT DISTINCT a.pos AS i, b.pos AS j, least(a.word, b.word) || ' ' || greatest(a.word, b.word) AS key
         FROM alts a JOIN alts b ON a.pos < b.pos AND a.word <> b.word)
SELECT k.i, k.j, array_agg(k.key ORDER BY k.key), coalesce(sum(t.entries), 0)
FROM keys k LEFT JOIN causebook_termcount t ON t.term = k.key GROUP BY k.i, k.j""",
        [positions, words],
    )
    pairable = sorted(
        (int(entries), int(i), int(j), list(keys))
        for i, j, keys, entries in rows
        if not set(alternatives[i]) & set(alternatives[j])
    )
    groups: list[list[str]] = []
    bounds: list[int] = []
    covered: set[int] = set()
    for entries, i, j, keys in pairable:
        if i not in covered or j not in covered:
            groups.append(keys)
            bounds.append(entries)
            covered |= {i, j}
    if not groups:
        return None
    return groups, [k for k in range(len(alternatives)) if k not in covered], min(bounds)


def _fuzzy(
    query: SearchQuery, corrections: list[list[str]], scope: Fragment | None, *, limit: int, offset: int
) -> Hits:
    """Names holding, for each word, one of its corrections; ranked on the best corrections.

    With two words or more, the index of pairs is probed with the corrections of pairs of
    words (:func:`_probe_pairs`), so that the cost follows the matches, not the register;
    the corrections of a word no pair covers are checked on the rows found. When more than
    ``PROBE_MAX`` entries match, the newest matches are read bucket by bucket
    instead, as for a very common name, and the count is an estimate. No match holds every
    word meant (that search found nothing), so the newest first is the rank order.
    """
    meant = english_terms(" ".join(alternatives[0] for alternatives in corrections))
    meant_words = list(meant.words)
    tier: Fragment = (ENGLISH_TIER, [meant_words, meant_words, meant.phrase, meant_words])
    alternatives = [list(a) for a in corrections]
    probe = _probe_pairs(alternatives) if len(alternatives) >= 2 else None
    if probe is None:
        match: Fragment = (" AND ".join("e.tokens && %s::text[]" for _ in alternatives), alternatives)
        return _ranked(match, tier, _tail(query, scope), limit=limit, offset=offset)
    groups, uncovered, entries = probe
    rest = [alternatives[k] for k in uncovered]
    match = (" AND ".join([*(BY_ANY_PAIR for _ in groups), *(HAS_ANY for _ in rest)]), [*groups, *rest])
    if scope is not None:
        return _ranked(match, tier, _tail(query, scope), limit=limit, offset=offset)
    # Pairs covering the words leave few entries that do not match, so reading up to the cap
    # costs what the matches cost (bounded by the cap); walking the buckets for every
    # match, to count them, would cost far more (170 ms for "Mok Au Lo Ko").
    few = _ranked_if_few(match, tier, _tail(query, scope), limit=limit, offset=offset, bound=max_matches())
    if isinstance(few, Hits):
        return few
    at_least = few
    # The bucket walk probes the first group's keys; the other groups are probed in the same bucket.
    also = [f"{WALK_KEYS} && causebook_at(%s::text[], b.n)" for _ in groups[1:]]
    where: Fragment = (" AND ".join([*also, *(HAS_ANY for _ in rest)]) or "TRUE", [*groups[1:], *rest])
    tiers: list[tuple[str, Any]] = [("walk", (groups[0], where))]
    count: tuple[Sequence[str], Fragment, int | None] = (groups[0], where, None)
    return _many(
        query,
        tiers,
        count,
        Counts({}),
        limit=limit,
        offset=offset,
        any_key=True,
        at_most=entries,
        at_least=at_least,
    )


def find_cases(
    query: SearchQuery, *, scope: Fragment | None = None, limit: int = 0, offset: int = 0, plan: str = ""
) -> Hits:
    """The matching cases: a page of ids when ``limit`` > 0, else only the count.

    An English query with no exact match is retried once with corrected words: first
    the best correction of each word as a search of its own, then any of each word's
    corrections. ``plan`` ("few" or "many") forces a plan, for tests and benchmarks.
    """
    if query.mode == "empty":
        return Hits(case_ids=[], total=0, capped=False)
    memo = _type_ids.set({})
    try:
        return _find(query, scope, limit=limit, offset=offset, plan=plan)
    finally:
        _type_ids.reset(memo)


def _in_the_register(query: SearchQuery) -> bool:
    """Whether the query's words occur together in some name, by the kept counts.

    Exact for one or two words (a word's or a pair's own count); for more, every pair of
    them occurs in some name. The counts may lag by a minute: a name entered since is
    then corrected as before.
    """
    terms = english_terms(query.q)
    if not terms.words:
        return False
    counts = term_counts(terms.keys)
    return all(counts.of(key) > 0 for key in terms.keys)


def _find(query: SearchQuery, scope: Fragment | None, *, limit: int, offset: int, plan: str) -> Hits:
    hits = _search(query, scope, limit=limit, offset=offset, plan=plan)
    if hits.total or query.mode != "english":
        return hits
    if _has_filters(query) and _in_the_register(query):
        # The name is there, only not under these filters: not a misspelling to correct.
        return hits
    corrections = corrections_for(query)
    if not corrections or not all(corrections):
        return Hits(case_ids=[], total=0, capped=False)
    used = tuple(alternatives[0] for alternatives in corrections)
    if list(used) != list(name_tokens(query.q)):
        meant = replace(query, q=" ".join(used))
        hits = _search(meant, scope, limit=limit, offset=offset, plan=plan)
    if not hits.total and len(corrections) <= FUZZY_MAX_WORDS:
        hits = _fuzzy(query, corrections, scope, limit=limit, offset=offset)
    if not hits.total:
        return hits
    return Hits(
        case_ids=hits.case_ids, total=hits.total, capped=hits.capped, corrections=used, estimated=hits.estimated
    )
