"""The cause book's search SQL: which cases match a query, ranked, counted and paged.

This module knows the search tables and their indexes (migrations ``0002`` and ``0006``:
names are searched in ``causebook_causebookentry``, one narrow row per party of a case
in the cause book, kept by triggers) and nothing of users:
:mod:`causebook.selectors` decides who sees what and passes a scope in. Every value
reaches PostgreSQL as a parameter; only fixed SQL fragments are joined here.

Ranking, best first (ties: later date of issue, then higher id, so pages are stable):

* English: 4 the same words in the same order; 3 the same words in another order;
  else 1 + the share of the name's words that the query gave. Misspelt searches (no
  exact match at all) are corrected word by word against the vocabulary (within one
  edit, see :func:`corrections_for`) and ranked by trigram word similarity.
* Chinese: 4 the whole name; 3 the start of it (surname first); 2.5 the given name;
  else 1 + the share of the name's characters that the query gave.

At most ``CAUSEBOOK_MAX_MATCHES`` party matches are considered (a [P] product rule:
"more than 1,000 cases; add filters or more of the name"), so a search for "Chan"
costs the same at two million cases as at two thousand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.backends.utils import CursorWrapper

from filing.models import CaseType

from .models import CauseBookEntry
from .query import SearchQuery, cjk_grams, cjk_text

Fragment = tuple[str, list[Any]]

# A case is in the cause book once numbered and while active or closed. The entries
# table holds only such cases' parties (its triggers say the same, migration 0006);
# a search by case number reads filing_case and says it here.
BASE = "c.number IS NOT NULL AND c.status IN ('active', 'closed')"
ENTRIES = "causebook_causebookentry"

ENGLISH_SCORE = """CASE WHEN e.tokens = %s::text[] THEN 4.0
         WHEN e.tokens <@ %s::text[] THEN 3.0
         ELSE 1.0 + cardinality(%s::text[])::float8 / greatest(cardinality(e.tokens), 1) END"""
# Two or more distinct words: the index over the name's pairs of words (migration 0008),
# far rarer than common single words; one word: the index over words.
BY_PAIRS = "causebook_token_pairs(e.tokens) @> causebook_token_pairs(%s::text[])"
BY_WORD = "e.tokens @> %s::text[]"
GRAMS = "causebook_cjk_grams(e.name_zh) @> %s::text[]"
BY_GRAMS = f"{GRAMS} AND strpos(e.name_zh, %s) > 0"

# When a search is in very many names ("有限公司", "陳", "Company Limited"), reading the
# table until the 1,001st match is found is cheaper than building the index's bitmap of
# all of them (in 6 % of names: 2-3 ms instead of 50-100 ms). The planner does this by
# itself for a single word, whose frequency it knows and whose test is cheap; for pairs
# and CJK grams the per-row function makes it choose the index. So the search asks the
# planner's estimate of the indexed test first (143,106 estimated for 141,802 "company
# limited"; 293,335 for 293,809 "陳"; but 97,994 for "有限公司", whose grams always go
# together, in 1.6 million) and, above this many, states the match in a form no index
# answers. At this many, both ways cost about the same (a bitmap of 50,000 entries, or
# reading ~100,000 rows of 4.9 million to find 1,001): a wrong guess near it is cheap.
MANY_NAMES = 50_000
BY_CHARACTERS = "strpos(e.name_zh, %s) > 0"
BY_WORDS_WALKING = "(e.tokens @> %s::text[]) IS TRUE"


CHINESE_SCORE = """CASE WHEN e.name_zh = %s THEN 4.0
         WHEN left(e.name_zh, %s) = %s THEN 3.0
         WHEN right(e.name_zh, %s) = %s AND char_length(e.name_zh) - %s <= 2 THEN 2.5
         ELSE 1.0 + %s::float8 / greatest(char_length(e.name_zh), 1) END"""

# The vocabulary words each query word may have been meant as: those within one edit
# of it, a letter wrong, missing, doubled or two letters swapped (they share a
# one-letter delete: the symmetric-delete method, migration 0006), and, for the last
# word only, the words it begins (a name still being typed). Every branch is a lookup
# by index; nothing scans the vocabulary.
WITHIN_ONE_EDIT = "SELECT %s::int, token FROM causebook_nametokenvariant WHERE variant = ANY(%s)"
BEGUN = "SELECT %s::int, token FROM causebook_nametoken WHERE token ~>=~ %s AND token ~<~ %s ORDER BY token LIMIT %s"


@dataclass(frozen=True)
class Hits:
    """One page of matching case ids in rank order, and how many cases match in all."""

    case_ids: list[int]
    total: int
    capped: bool
    corrections: tuple[str, ...] = field(default=())


def _cursor() -> CursorWrapper:
    # Raw SQL passes no database router by itself: ask it, so that a public search reads
    # from the read replica when there is one (icms/core/db_router.py).
    return connections[router.db_for_read(CauseBookEntry)].cursor()


def max_matches() -> int:
    return int(settings.CAUSEBOOK_MAX_MATCHES)


def _in_many_names(where: str, params: list[Any]) -> bool:
    """Whether the planner expects ``where`` to hold for at least ``MANY_NAMES`` entries."""
    with _cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {ENTRIES} e WHERE {where}", params)  # noqa: S608
        plan = cursor.fetchone()[0]  # psycopg reads the JSON
    return float(plan[0]["Plan"]["Plan Rows"]) >= MANY_NAMES


def _case_type_ids(query: SearchQuery) -> list[int]:
    """The case types the court and type filters allow, looked up before the search.

    Passing the ids as values (not a subquery) lets the planner use its statistics: with
    a subquery it guessed 7,000 District Court cases instead of a million and walked the
    filtered cases rather than the name's few matches (0.6-0.9 s instead of 20 ms).
    """
    types = CaseType.objects.all()
    if query.court:
        types = types.filter(court__code=query.court)
    if query.case_type:
        types = types.filter(prefix=query.case_type)
    return list(types.values_list("pk", flat=True))


def _filters(query: SearchQuery, alias: str) -> Fragment:
    sql: list[str] = []
    params: list[Any] = []
    if query.court or query.case_type:
        sql.append(f"{alias}.case_type_id = ANY(%s)")
        params.append(_case_type_ids(query))
    if query.status:
        sql.append(f"{alias}.status = %s")
        params.append(query.status)
    if query.year_from:
        sql.append(f"{alias}.year >= %s")
        params.append(query.year_from)
    if query.year_to:
        sql.append(f"{alias}.year <= %s")
        params.append(query.year_to)
    return "".join(f" AND {part}" for part in sql), params


def _where_tail(query: SearchQuery, scope: Fragment | None, *, alias: str, case_id: str) -> Fragment:
    sql, params = _filters(query, alias)
    if scope is not None:
        sql += f" AND {case_id} IN ({scope[0]})"
        params = [*params, *scope[1]]
    return sql, params


def _hits_sql(query: SearchQuery, scope: Fragment | None, corrections: Sequence[Sequence[str]] = ()) -> Fragment:
    """The ``hits`` CTE body: (case_id, score, issued_at) per matching party, at most max_matches() + 1 rows.

    Names are searched in the entries table alone (one narrow row per party, the case's
    filters beside it); a case number in filing_case by its unique index.
    """
    limit = max_matches() + 1
    mode = query.mode
    if mode == "case_number":
        number = query.case_number
        assert number is not None  # noqa: S101  (mode says so)
        tail, tail_params = _where_tail(query, scope, alias="c", case_id="c.id")
        year_sql = " AND c.year = %s" if number.year else ""
        params: list[Any] = [number.prefix, number.number]
        if number.year:
            params.append(number.year)
        sql = (
            "SELECT c.id AS case_id, 1.0::float8 AS score, c.issued_at FROM filing_case c "  # noqa: S608 (fixed SQL; values are parameters)
            "JOIN filing_casetype ty ON ty.id = c.case_type_id "
            f"WHERE ty.prefix = %s AND c.number = %s{year_sql} AND {BASE}{tail} LIMIT %s"
        )
        return sql, [*params, *tail_params, limit]
    tail, tail_params = _where_tail(query, scope, alias="e", case_id="e.case_id")
    if mode == "chinese":
        text = cjk_text(query.q)
        n = len(text)
        match, match_params = BY_GRAMS, [cjk_grams(text), text]
        if scope is None and _in_many_names(GRAMS + tail, [cjk_grams(text), *tail_params]):
            match, match_params = BY_CHARACTERS, [text]
        sql = (
            f"SELECT e.case_id, {CHINESE_SCORE} AS score, e.issued_at FROM {ENTRIES} e "  # noqa: S608 (fixed SQL; values are parameters)
            f"WHERE {match}{tail} LIMIT %s"
        )
        return sql, [text, n, text, n, text, n, n, *match_params, *tail_params, limit]
    if corrections:
        meant = " ".join(alternatives[0] for alternatives in corrections)
        overlap = " AND ".join("e.tokens && %s::text[]" for _ in corrections)
        sql = (
            "SELECT e.case_id, word_similarity(%s, array_to_string(e.tokens, ' ')) AS score, e.issued_at "  # noqa: S608 (fixed SQL; values are parameters)
            f"FROM {ENTRIES} e WHERE {overlap}{tail} LIMIT %s"
        )
        return sql, [meant, *[list(a) for a in corrections], *tail_params, limit]
    words = list(name_tokens(query.q))
    match = BY_PAIRS if len(set(words)) >= 2 else BY_WORD
    if match == BY_PAIRS and scope is None and _in_many_names(match + tail, [words, *tail_params]):
        match = BY_WORDS_WALKING
    sql = (
        f"SELECT e.case_id, {ENGLISH_SCORE} AS score, e.issued_at FROM {ENTRIES} e "  # noqa: S608 (fixed SQL; values are parameters)
        f"WHERE {match}{tail} LIMIT %s"
    )
    return sql, [words, words, words, words, *tail_params, limit]


def _page_sql(hits: Fragment, *, limit: int, offset: int) -> Fragment:
    # The hits carry the date of issue, so ranking needs no second visit to the cases.
    sql = f"""WITH hits AS MATERIALIZED ({hits[0]}),
ranked AS (SELECT case_id, max(score) AS score, max(issued_at) AS issued_at FROM hits GROUP BY case_id)
SELECT case_id, count(*) OVER () AS total, (SELECT count(*) FROM hits) AS nhits
FROM ranked
ORDER BY score DESC, issued_at DESC NULLS LAST, case_id DESC
LIMIT %s OFFSET %s"""  # noqa: S608
    return sql, [*hits[1], limit, offset]


def _count_sql(hits: Fragment) -> Fragment:
    sql = f"""WITH hits AS MATERIALIZED ({hits[0]})
SELECT (SELECT count(DISTINCT case_id) FROM hits), (SELECT count(*) FROM hits)"""  # noqa: S608
    return sql, hits[1]


def search_sql(
    query: SearchQuery,
    *,
    scope: Fragment | None = None,
    limit: int = 0,
    offset: int = 0,
    corrections: Sequence[Sequence[str]] = (),
) -> Fragment:
    """The one SQL statement for a page (``limit`` > 0) or for the count (``limit`` 0).

    Public so that the benchmark times exactly the SQL the pages run.
    """
    hits = _hits_sql(query, scope, corrections)
    return _page_sql(hits, limit=limit, offset=offset) if limit else _count_sql(hits)


@lru_cache(maxsize=4096)
def name_tokens(text: str) -> tuple[str, ...]:
    """The normal words of ``text``, as the database makes them for names (``causebook_name_tokens``).

    Asked of PostgreSQL so that there is one definition (unaccent, splitting, "ltd");
    the function is IMMUTABLE, so remembering its answers is safe.
    """
    with _cursor() as cursor:
        cursor.execute("SELECT causebook_name_tokens(%s)", [text])
        return tuple(str(word) for word in cursor.fetchone()[0])


def _deletes(word: str) -> list[str]:
    """``word`` and each one-letter deletion of it; mirrors ``causebook_deletes()`` in SQL."""
    return sorted({word, *(word[:i] + word[i + 1 :] for i in range(len(word)))} - {""})


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: Levenshtein, with a swap of two letters as one edit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _candidates_sql(words: Sequence[str], per_word: int) -> Fragment:
    branches: list[str] = []
    params: list[Any] = []
    for position, word in enumerate(words):
        branches.append(WITHIN_ONE_EDIT)
        params += [position, _deletes(word)]
        if position == len(words) - 1 and len(word) >= 3:
            branches.append(f"({BEGUN})")
            params += [position, word, word + "~", per_word]
    return " UNION ALL ".join(branches), params


def corrections_for(query: SearchQuery) -> list[list[str]]:
    """For each word of an English query, the words to look for instead, best first.

    Best first: fewest edits (a swap is one; completing the last word is none), then
    the same first letter, then the closest length, then alphabetical. When some words are not in the vocabulary at
    all, only those are corrected (the others stay as typed); when every word is known
    but they never occur together, each may be corrected. A word with no candidate
    leaves an empty list: nothing can match.
    """
    per_word = int(settings.CAUSEBOOK_MAX_CORRECTIONS)
    words = name_tokens(query.q)
    if not words:
        return []
    with _cursor() as cursor:
        cursor.execute(*_candidates_sql(words, per_word))
        found: dict[int, set[str]] = {}
        for position, token in cursor.fetchall():
            found.setdefault(int(position), set()).add(str(token))
    rows = []
    for position, word in enumerate(words):
        still_typing = position == len(words) - 1

        def nearness(token: str, word: str = word, still_typing: bool = still_typing) -> tuple[int, bool, int, str]:
            # A word the last one begins counts as no edit: the name is still being typed.
            edits = 0 if still_typing and token.startswith(word) else edit_distance(word, token)
            return edits, token[:1] != word[:1], abs(len(token) - len(word)), token

        rows.append((word, sorted(found.get(position, set()), key=nearness)[:per_word]))
    unknown = [not alternatives or alternatives[0] != word for word, alternatives in rows]
    if any(unknown):
        return [
            alternatives if is_unknown else [word]
            for (word, alternatives), is_unknown in zip(rows, unknown, strict=True)
        ]
    return [alternatives for _, alternatives in rows]


def _run(sql: Fragment, *, limit: int) -> tuple[list[int], int, bool]:
    cap = max_matches()
    with _cursor() as cursor:
        cursor.execute(*sql)
        rows = cursor.fetchall()
    if not limit:
        total, nhits = rows[0]
        return [], int(total), int(nhits) > cap
    if not rows:
        return [], 0, False
    return [int(row[0]) for row in rows], int(rows[0][1]), int(rows[0][2]) > cap


def find_cases(query: SearchQuery, *, scope: Fragment | None = None, limit: int = 0, offset: int = 0) -> Hits:
    """The matching cases: a page of ids when ``limit`` > 0, else only the count.

    An English query with no exact match is retried once with corrected words.
    """
    if query.mode == "empty":
        return Hits(case_ids=[], total=0, capped=False)
    ids, total, capped = _run(search_sql(query, scope=scope, limit=limit, offset=offset), limit=limit)
    if limit and not ids and offset:
        # Past the last page: still say how many there are.
        _, total, capped = _run(search_sql(query, scope=scope), limit=0)
    if total or query.mode != "english":
        return Hits(case_ids=ids, total=total, capped=capped)
    corrections = corrections_for(query)
    if not corrections or not all(corrections):
        return Hits(case_ids=[], total=0, capped=False)
    fuzzy = search_sql(query, scope=scope, limit=limit, offset=offset, corrections=corrections)
    ids, total, capped = _run(fuzzy, limit=limit)
    if limit and not ids and offset:
        _, total, capped = _run(search_sql(query, scope=scope, corrections=corrections), limit=0)
    used = tuple(alternatives[0] for alternatives in corrections)
    return Hits(case_ids=ids, total=total, capped=capped, corrections=used if total else ())
