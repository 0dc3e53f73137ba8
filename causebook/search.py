"""The cause book's search SQL: which cases match a query, ranked, counted and paged.

This module knows the indexes (migration ``0002_search_indexes``) and nothing of users:
:mod:`causebook.selectors` decides who sees what and passes a scope in. Every value
reaches PostgreSQL as a parameter; only fixed SQL fragments are joined here.

Ranking, best first (ties: later date of issue, then higher id, so pages are stable):

* English: 4 the same words in the same order; 3 the same words in another order;
  else 1 + the share of the name's words that the query gave. Misspelt searches (no
  exact match at all) are corrected word by word against the vocabulary and ranked
  by trigram word similarity, below every exact match.
* Chinese: 4 the whole name; 3 the start of it (surname first); 2.5 the given name;
  else 1 + the share of the name's characters that the query gave.

At most ``CAUSEBOOK_MAX_MATCHES`` party matches are considered (a [P] product rule:
"more than 1,000 cases; add filters or more of the name"), so a search for "Chan"
costs the same at two million cases as at two thousand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection

from .query import SearchQuery, cjk_grams, cjk_text

Fragment = tuple[str, list[Any]]

BASE = "c.number IS NOT NULL AND c.status IN ('active', 'closed')"

ENGLISH_SCORE = """CASE WHEN p.causebook_tokens = causebook_name_tokens(%s) THEN 4.0
         WHEN p.causebook_tokens <@ causebook_name_tokens(%s) THEN 3.0
         ELSE 1.0 + cardinality(causebook_name_tokens(%s))::float8
                    / greatest(cardinality(p.causebook_tokens), 1) END"""

CHINESE_SCORE = """CASE WHEN z.name = %s THEN 4.0
         WHEN left(z.name, %s) = %s THEN 3.0
         WHEN right(z.name, %s) = %s AND char_length(z.name) - %s <= 2 THEN 2.5
         ELSE 1.0 + %s::float8 / greatest(char_length(z.name), 1) END"""

# For each word of the query, the vocabulary words it may have been meant as: itself,
# trigram-similar words, words within a small edit distance that begin with the same
# letter (misspelt romanised names keep their first letter), and (for the last word
# only) words it begins. Each branch can use an index (trigram GIN, or a range on the
# text_pattern_ops index: tokens are lower-case letters and digits, all below '~'),
# so the vocabulary is never scanned whole.
CORRECTIONS = """
SELECT u.ord, u.t, coalesce((
  SELECT array_agg(v.token ORDER BY v.distance, v.sim DESC, v.token) FROM (
    SELECT w.token, levenshtein(w.token, u.t) AS distance, similarity(w.token, u.t) AS sim
    FROM (
      SELECT token FROM causebook_nametoken WHERE token = u.t
      UNION SELECT token FROM causebook_nametoken WHERE token %% u.t
      UNION SELECT token FROM causebook_nametoken
        WHERE token ~>=~ left(u.t, 1) AND token ~<~ (left(u.t, 1) || '~')
          AND char_length(token) BETWEEN char_length(u.t) - 1 AND char_length(u.t) + 1
          AND levenshtein_less_equal(token, u.t, CASE WHEN char_length(u.t) <= 3 THEN 1 ELSE 2 END)
              <= CASE WHEN char_length(u.t) <= 3 THEN 1 ELSE 2 END
      UNION SELECT token FROM causebook_nametoken
        WHERE u.ord = u.n AND char_length(u.t) >= 3 AND token ~>=~ u.t AND token ~<~ (u.t || '~')
    ) w
    ORDER BY 2, 3 DESC, 1
    LIMIT %s
  ) v), '{}') AS alternatives
FROM (
  SELECT t, ord, count(*) OVER () AS n
  FROM unnest(causebook_name_tokens(%s)) WITH ORDINALITY AS x(t, ord)
) u
ORDER BY u.ord
"""


@dataclass(frozen=True)
class Hits:
    """One page of matching case ids in rank order, and how many cases match in all."""

    case_ids: list[int]
    total: int
    capped: bool
    corrections: tuple[str, ...] = field(default=())


def max_matches() -> int:
    return int(settings.CAUSEBOOK_MAX_MATCHES)


def _filters(query: SearchQuery) -> Fragment:
    sql: list[str] = []
    params: list[Any] = []
    if query.court or query.case_type:
        inner = ["TRUE"]
        if query.court:
            inner.append("ct.code = %s")
            params.append(query.court)
        if query.case_type:
            inner.append("t.prefix = %s")
            params.append(query.case_type)
        sql.append(
            "c.case_type_id IN (SELECT t.id FROM filing_casetype t JOIN filing_court ct ON ct.id = t.court_id "  # noqa: S608 (fixed SQL; values are parameters)
            f"WHERE {' AND '.join(inner)})"
        )
    if query.status:
        sql.append("c.status = %s")
        params.append(query.status)
    if query.year_from:
        sql.append("c.year >= %s")
        params.append(query.year_from)
    if query.year_to:
        sql.append("c.year <= %s")
        params.append(query.year_to)
    return "".join(f" AND {part}" for part in sql), params


def _where_tail(query: SearchQuery, scope: Fragment | None) -> Fragment:
    filter_sql, params = _filters(query)
    sql = f" AND {BASE}{filter_sql}"
    if scope is not None:
        sql += f" AND c.id IN ({scope[0]})"
        params = [*params, *scope[1]]
    return sql, params


def _hits_sql(query: SearchQuery, scope: Fragment | None, corrections: Sequence[Sequence[str]] = ()) -> Fragment:
    """The ``hits`` CTE body: (case_id, score) per matching party, at most max_matches() + 1 rows."""
    tail, tail_params = _where_tail(query, scope)
    limit = max_matches() + 1
    mode = query.mode
    if mode == "case_number":
        number = query.case_number
        assert number is not None  # noqa: S101  (mode says so)
        year_sql = " AND c.year = %s" if number.year else ""
        params: list[Any] = [number.prefix, number.number]
        if number.year:
            params.append(number.year)
        sql = (
            "SELECT c.id AS case_id, 1.0::float8 AS score FROM filing_case c "  # noqa: S608 (fixed SQL; values are parameters)
            "JOIN filing_casetype ty ON ty.id = c.case_type_id "
            f"WHERE ty.prefix = %s AND c.number = %s{year_sql}{tail} LIMIT %s"
        )
        return sql, [*params, *tail_params, limit]
    if mode == "chinese":
        text = cjk_text(query.q)
        n = len(text)
        sql = (
            f"SELECT p.case_id, {CHINESE_SCORE} AS score FROM filing_party p "  # noqa: S608 (fixed SQL; values are parameters)
            "JOIN filing_case c ON c.id = p.case_id "
            "CROSS JOIN LATERAL (SELECT regexp_replace(p.name_zh, '\\s+', '', 'g') AS name) z "
            f"WHERE p.causebook_grams @> %s::text[] AND strpos(z.name, %s) > 0{tail} LIMIT %s"
        )
        return sql, [text, n, text, n, text, n, n, cjk_grams(text), text, *tail_params, limit]
    if corrections:
        words = " ".join(alternatives[0] for alternatives in corrections)
        overlap = " AND ".join("p.causebook_tokens && %s::text[]" for _ in corrections)
        sql = (
            "SELECT p.case_id, word_similarity(%s, array_to_string(p.causebook_tokens, ' ')) AS score "  # noqa: S608 (fixed SQL; values are parameters)
            f"FROM filing_party p JOIN filing_case c ON c.id = p.case_id WHERE {overlap}{tail} LIMIT %s"
        )
        return sql, [words, *[list(a) for a in corrections], *tail_params, limit]
    sql = (
        f"SELECT p.case_id, {ENGLISH_SCORE} AS score FROM filing_party p JOIN filing_case c ON c.id = p.case_id "  # noqa: S608 (fixed SQL; values are parameters)
        f"WHERE p.causebook_tokens @> causebook_name_tokens(%s){tail} LIMIT %s"
    )
    return sql, [query.q, query.q, query.q, query.q, *tail_params, limit]


def _page_sql(hits: Fragment, *, limit: int, offset: int) -> Fragment:
    sql = f"""WITH hits AS MATERIALIZED ({hits[0]}),
ranked AS (SELECT case_id, max(score) AS score FROM hits GROUP BY case_id)
SELECT r.case_id, count(*) OVER () AS total, (SELECT count(*) FROM hits) AS nhits
FROM ranked r JOIN filing_case c ON c.id = r.case_id
ORDER BY r.score DESC, c.issued_at DESC NULLS LAST, c.id DESC
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


def corrections_for(query: SearchQuery) -> list[list[str]]:
    """For each word of an English query, the words to look for instead, best first.

    When some words are not in the vocabulary at all, only those are corrected (the
    others stay as typed); when every word is known but they never occur together, each
    may be corrected. A word with no candidate leaves an empty list: nothing can match.
    """
    with connection.cursor() as cursor:
        cursor.execute(CORRECTIONS, [settings.CAUSEBOOK_MAX_CORRECTIONS, query.q])
        rows = [(str(row[1]), list(row[2])) for row in cursor.fetchall()]
    unknown = [not alternatives or alternatives[0] != word for word, alternatives in rows]
    if any(unknown):
        return [
            alternatives if is_unknown else [word]
            for (word, alternatives), is_unknown in zip(rows, unknown, strict=True)
        ]
    return [alternatives for _, alternatives in rows]


def _run(sql: Fragment, *, limit: int) -> tuple[list[int], int, bool]:
    cap = max_matches()
    with connection.cursor() as cursor:
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
