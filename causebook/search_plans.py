"""The cause book search's two plans, below the query kinds (split from :mod:`causebook.search`).

* :func:`_ranked` and :func:`_ranked_if_few`: every match read at once, ranked and counted
  in one statement (the plan for few).
* :func:`_many`: tier by tier, the newest first, reading about as many entries as are shown,
  the count kept exact or estimated (the plan for many).

:mod:`causebook.search` decides which, from the kept counts; the thresholds (``PROBE_MAX``
and the rest) live there and are passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from .filters import filters_sql as _filters
from .filters import has_filters as _has_filters
from .filters import in_years as _in_years
from .query import SearchQuery
from .search_walk import ENTRIES, Collector, _about, _newest, _rows, _sample_share, _walk
from .terms import Counts

Fragment = tuple[str, list[Any]]


@dataclass(frozen=True)
class Hits:
    """One page of matching case ids in rank order, and how many cases match in all.

    ``estimated``: ``total`` is an estimate (above ``PROBE_MAX`` matches); ``capped``:
    more cases match than the ``CAUSEBOOK_MAX_MATCHES`` ranked and shown.
    """

    case_ids: list[int]
    total: int
    capped: bool
    corrections: tuple[str, ...] = field(default=())
    estimated: bool = False


def max_matches() -> int:
    return int(settings.CAUSEBOOK_MAX_MATCHES)


# --- Few matches: all of them, ranked and counted -----------------------------------------


def _ranked(match: Fragment, tier: Fragment, tail: Fragment, *, limit: int, offset: int) -> Hits:
    hits = f"SELECT e.case_id, {tier[0]} AS tier, e.issued_at FROM {ENTRIES} e WHERE {match[0]}{tail[0]}"  # noqa: S608
    params = [*tier[1], *match[1], *tail[1]]
    cap = max_matches()
    if not limit:
        rows = _rows(f"SELECT count(DISTINCT case_id) FROM ({hits}) h", params)  # noqa: S608
        total = int(rows[0][0])
        return Hits(case_ids=[], total=total, capped=total > cap)
    limit = max(0, min(limit, cap - offset))
    sql = f"""WITH hits AS MATERIALIZED ({hits}),
ranked AS (SELECT case_id, max(tier) AS tier, max(issued_at) AS issued_at FROM hits GROUP BY case_id)
SELECT case_id, count(*) OVER () FROM ranked
ORDER BY tier DESC, issued_at DESC NULLS LAST, case_id DESC LIMIT %s OFFSET %s"""  # noqa: S608
    rows = _rows(sql, [*params, limit, offset])
    if not rows:
        if offset:
            return _ranked(match, tier, tail, limit=0, offset=0)
        return Hits(case_ids=[], total=0, capped=False)
    total = int(rows[0][1])
    return Hits(case_ids=[int(row[0]) for row in rows], total=total, capped=total > cap)


def _ranked_if_few(
    match: Fragment, tier: Fragment, tail: Fragment, *, limit: int, offset: int, bound: int
) -> Hits | int:
    """Every match ranked and counted, as :func:`_ranked`, if at most ``bound`` entries match.

    Else (or when more cases than the cap match) how many cases match at least (those
    among the entries read). Reads
    at most ``bound + 1`` (``PROBE_MAX``, unless the caller knows better) matching entries, so a term common in
    the register but rare in the query's company ("公司" beside "興隆九龍") costs what its
    matches cost, and a query with many matches gives up early for the plan for many.
    The entries are ranked in the statement and only the page comes back: handing up to
    1,001 rows to Python and ranking them there cost about twice as much.
    """
    cap = max_matches()
    shown = max(0, min(limit, cap - offset))
    hits = f"SELECT e.case_id, {tier[0]} AS tier, e.issued_at FROM {ENTRIES} e WHERE {match[0]}{tail[0]} LIMIT %s"  # noqa: S608
    sql = f"""WITH hits AS MATERIALIZED ({hits}),
ranked AS (SELECT case_id, max(tier) AS tier, max(issued_at) AS issued_at FROM hits GROUP BY case_id)
SELECT (SELECT count(*) FROM hits), (SELECT count(*) FROM ranked), ARRAY(
  SELECT case_id FROM ranked ORDER BY tier DESC, issued_at DESC NULLS LAST, case_id DESC LIMIT %s OFFSET %s)"""  # noqa: S608
    entries, cases, page = _rows(sql, [*tier[1], *match[1], *tail[1], bound + 1, shown, offset])[0]
    if entries > bound or cases > cap:
        return int(cases)
    return Hits(case_ids=[int(case_id) for case_id in page], total=int(cases), capped=cases > cap)


# --- Many matches: tier by tier, the newest first -----------------------------------------


def _many(
    query: SearchQuery,
    tiers: list[tuple[str, Any]],
    count: tuple[Sequence[str], Fragment, int | None],
    counts: Counts,
    *,
    limit: int,
    offset: int,
    any_key: bool = False,
    at_most: int | None = None,
    at_least: int = 0,
    inside: int | None = None,
) -> Hits:
    """Collect the best ``offset + limit`` cases tier by tier; count them, or estimate.

    ``tiers``: ("newest", (where, params)) for a btree probe, or ("walk", (keys, where))
    for a bucket walk. ``count``: the keys and test that hold for every match, and the
    kept count when it is exact for this query. ``any_key``: every match holds one of
    the keys, not all of them (misspelt words' corrections). ``at_most``: how many
    entries can match at most, by the kept counts; an estimate never says more (a name
    common only in the newest buckets would otherwise be estimated from them alone).
    ``at_least``: how many cases are already known to match; an estimate never says less.
    ``inside``: the kept count of the entries matching inside the filters, when it is this
    query's own (two words: :func:`_inside_keys`); the count says about that.
    """
    cap = max_matches()
    tail = _filters(query, "e")
    keys, where, exact_count = count
    if exact_count is not None and not _has_filters(query):
        estimate: int | None = exact_count
    else:
        estimate = inside

    # The buckets' counts are read only to walk or sample them: a count kept exact, or kept
    # inside the filters, needs none (terms.Counts).
    def in_years() -> Counts:
        return _in_years(counts, query)

    def collect(need: int) -> Collector:
        """The best ``need`` cases, tier by tier. Not full only when every tier was read to its end."""
        collector = Collector(need)
        for kind, spec in tiers:
            asked = 0
            while not collector.full:
                # A read brings entries, not cases: a case with two matching parties comes twice, so
                # a read that fills its limit may still leave the page short. Ask again, for at least
                # twice as many; only a read that comes back short has reached the tier's end.
                ask = max(collector.ask, 2 * asked)
                if kind == "newest":
                    rows = _newest(spec[0], spec[1], tail, ask)
                else:
                    # The buckets are read here, at the first walk (terms.Counts): a count kept exact needs none.
                    buckets = [bucket for bucket, _ in in_years().buckets]
                    rows = _walk(spec[0], spec[1], tail, buckets, ask, any_key=any_key)
                collector.add(rows)
                if len(rows) < ask:
                    break
                asked = ask
        return collector

    # A kept count is of entries, and a case with two matching parties ("CHAN v CHAN") is two
    # of them: "about 700" on the first page where the last page counts 600 cases, and page
    # links past the last. Within the cap the cases themselves are counted (up to the cap's
    # worth of entries), so that the count page and every page say the same. Not inside the
    # filters: there the kept count by case type, year and status stands, as a read of the
    # matches up to the cap is what made a name under filters grow tenfold with the register.
    within_cap = estimate is not None and estimate <= cap and inside is None and not _has_filters(query)
    collect_all = (estimate is None or within_cap) and not limit
    if limit or collect_all:
        collector = collect(cap + 1 if collect_all or within_cap else min(cap, offset + limit))
        if not collector.full:
            # Every match was found: the count is exact.
            total, page = len(collector.ids), collector.ids[offset : offset + limit] if limit else []
            return Hits(case_ids=page, total=total, capped=total > cap)
        if within_cap:
            # The kept count lags the register by up to a minute: more than the cap match now.
            at_least = len(collector.ids)
    else:
        collector = Collector(0)
    if estimate is None:
        scoped = in_years()
        estimate = round(_sample_share(keys, where, tail, scoped, any_key=any_key) * scoped.entries)
        if at_most is not None:
            estimate = min(estimate, at_most)
        estimate = max(estimate, at_least)
        if limit and estimate <= cap:
            # A page was read and the estimate is within the cap: count exactly instead, as
            # the count page does, so the two never disagree below the cap.
            everything = collect(cap + 1)
            if not everything.full:
                total = len(everything.ids)
                return Hits(case_ids=collector.ids[offset : offset + limit], total=total, capped=False)
            # More than the cap match, whatever the sample said ("WONG Sze" under filters was
            # estimated at 400 with 1,221 matches): the count says at least that many.
            at_least = len(everything.ids)
    # At least what was found, and one more: the collection stopped when it was full.
    total = max(_about(estimate), len(collector.ids) + 1 if collector.need else 0, at_least)
    return Hits(
        case_ids=collector.ids[offset : offset + limit] if limit else [],
        total=total,
        capped=total > cap,
        estimated=True,
    )
