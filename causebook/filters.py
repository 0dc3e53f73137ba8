"""The search's filters (court, case type, status, years) as SQL, and as keys of the index of tagged pairs.

Split from :mod:`causebook.search`. A filter is always tested on the entry's own columns
(``case_type_id``, ``status``, ``year``); it can also be asked of the index of tagged pairs
(migration ``0014_filtered_name_pairs``), whose keys are each pair of a name's words tagged
with the entry's case type, year and status ("chan tai#t1", "chan tai#2020", "chan
tai#active"). Before it, a name with filters read every entry holding its rarest pairs and
dropped those outside the filters (83 % of them for "District Court, 2018-2024, active"), so
the search grew with the name's entries in the whole register rather than with its matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from icms.core.time import HONG_KONG

from .query import SearchQuery
from .reference import case_types_by_pk
from .terms import Counts, bucket_counts

Fragment = tuple[str, list[Any]]

TAGGED_PAIRS = "causebook_tagged_pairs(e.tokens, e.case_type_id, e.year, e.status)"
#: A year range of more years than this is not asked of the tagged pairs (too many keys
#: to look up); the years are then tested on the entries only.
TAGGED_MAX_YEARS = 30

#: The walk index's buckets are 28 days of the date of issue (``causebook_bucket``).
BUCKET_SECONDS = 28 * 24 * 3600
#: The statuses a case in the cause book can have (``search.BASE``).
IN_THE_CAUSE_BOOK = ("active", "closed")
#: The kept counts inside the filters are summed over at most this many keys (case types x
#: years x statuses); a query whose filters leave more is counted as before.
COUNT_KEYS_MAX = 2_000

# The case types of the filters, looked up once per search (find_cases), which may run
# several statements: the search, then the same with corrected words.
type_ids_memo: ContextVar[dict[tuple[str, str], list[int]] | None] = ContextVar("causebook_type_ids", default=None)


def case_type_ids(query: SearchQuery) -> list[int]:
    """The case types the court and type filters allow, looked up before the search.

    Passing the ids as values (not a subquery) lets the planner use its statistics: with
    a subquery it guessed 7,000 District Court cases instead of a million. They come from
    the kept reference (:mod:`causebook.reference`), not a query per search.
    """
    memo = type_ids_memo.get()
    key = (query.court, query.case_type)
    if memo is not None and key in memo:
        return memo[key]
    ids = [
        case_type.pk
        for case_type in case_types_by_pk().values()
        if (not query.court or case_type.court_code == query.court)
        and (not query.case_type or case_type.prefix == query.case_type)
    ]
    if memo is not None:
        memo[key] = ids
    return ids


def filters_sql(query: SearchQuery, alias: str) -> Fragment:
    """The filters as tests of the columns of ``alias`` (an entry, or a case)."""
    sql: list[str] = []
    params: list[Any] = []
    if query.court or query.case_type:
        sql.append(f"{alias}.case_type_id = ANY(%s)")
        params.append(case_type_ids(query))
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


def has_filters(query: SearchQuery) -> bool:
    return bool(query.court or query.case_type or query.status or query.year_from or query.year_to)


def tail(query: SearchQuery, scope: Fragment | None) -> Fragment:
    """The filters on the entry ``e``, and the user's scope (case ids) if any."""
    sql, params = filters_sql(query, "e")
    if scope is not None:
        sql += f" AND e.case_id IN ({scope[0]})"
        params = [*params, *scope[1]]
    return sql, params


def pair_tags(query: SearchQuery) -> list[list[str]]:
    """The tags each filter allows ("#t1", "#2020", "#active"), one group per filter asked of the index.

    An entry passes a filter exactly when one of its group's tags is on its pairs. Years are
    asked only with both ends (an open end would need every year there is) and at most
    ``TAGGED_MAX_YEARS`` of them; a filter not asked here is still tested on the entries.
    """
    groups: list[list[str]] = []
    if query.court or query.case_type:
        groups.append([f"#t{pk}" for pk in case_type_ids(query)])
    if query.year_from and query.year_to and query.year_to - query.year_from < TAGGED_MAX_YEARS:
        groups.append([f"#{year}" for year in range(query.year_from, query.year_to + 1)])
    if query.status:
        groups.append([f"#{query.status}"])
    return groups


def by_tagged_pairs(pairs: Sequence[str], query: SearchQuery) -> Fragment | None:
    """Entries holding every one of ``pairs`` and passing the filters, from the index of tagged pairs.

    None when no filter can be asked of it. Each pair must carry one tag of each group:
    ``&&`` per pair and group (any of the group's tags), all of them together.
    """
    groups = pair_tags(query)
    if not groups or not pairs:
        return None
    sql: list[str] = []
    params: list[Any] = []
    for pair in pairs:
        for tags in groups:
            sql.append(f"{TAGGED_PAIRS} && %s::text[]")
            params.append([pair + tag for tag in tags])
    return " AND ".join(sql), params


def _bucket_year(bucket: int) -> int:
    return datetime.fromtimestamp(bucket * BUCKET_SECONDS, tz=HONG_KONG).year


def pair_count_keys(pair: str, query: SearchQuery) -> list[str] | None:
    """The kept count keys of ``pair`` inside the filters: one per case type, year and status they allow.

    ``causebook_pair_count_keys`` (migration 0016) counts each pair of a name's words tagged
    with its entry's case type, year and status together ("sze wong#t3#2020#active"), so the
    sum of these keys' counts is how many entries hold the pair inside the filters. A filter
    not asked allows every value: every case type, both statuses, and for an open end of
    years the oldest or newest year of the register (the kept buckets', one either side).
    None when that is more than ``COUNT_KEYS_MAX`` keys, or the register is empty.
    """
    types = case_type_ids(query) if query.court or query.case_type else sorted(case_types_by_pk())
    statuses = [query.status] if query.status else list(IN_THE_CAUSE_BOOK)
    first, last = query.year_from, query.year_to
    if not (first and last):
        buckets = [bucket for bucket, _ in bucket_counts()]
        if not buckets:
            return None
        first = first or _bucket_year(buckets[-1] - 1)
        last = last or _bucket_year(buckets[0] + 1)
    years = range(first, last + 1)
    if len(types) * len(years) * len(statuses) > COUNT_KEYS_MAX:
        return None
    return [f"{pair}#t{pk}#{year}#{status}" for pk in types for year in years for status in statuses]


def in_years(counts: Counts, query: SearchQuery) -> Counts:
    """Only the buckets that can hold cases of the years the filters ask for.

    A case's year is the Hong Kong year of its date of issue: both are set from the deemed
    receipt when the registry accepts it (``filing.services.review``). One bucket either
    side is kept all the same. Without this, a filter to earlier years walked every newer
    bucket to find nothing in it.
    """
    if not (query.year_from or query.year_to):
        return counts
    first = last = None
    if query.year_from:
        first = int(datetime(query.year_from, 1, 1, tzinfo=HONG_KONG).timestamp()) // BUCKET_SECONDS - 1
    if query.year_to:
        last = int(datetime(query.year_to + 1, 1, 1, tzinfo=HONG_KONG).timestamp()) // BUCKET_SECONDS + 1
    kept = [
        (bucket, n)
        for bucket, n in counts.buckets
        if (first is None or bucket >= first) and (last is None or bucket <= last)
    ]
    return Counts(counts.terms, kept)
