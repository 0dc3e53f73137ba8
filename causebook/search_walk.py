"""The plan for many matches, its reading part: tier by tier, the newest first, bucket by bucket.

Split from :mod:`causebook.search`, which chooses the plan and the tiers. A very common
name ("Hong Kong Police Force", "陳", "有限公司") is read from btree indexes on the name
and the date of issue (:func:`_newest`) and from the walk index, whose keys are the terms
tagged with the 28-day bucket of the date of issue (:func:`_walk`), newest bucket first,
reading about as many entries as are shown; its count is then an honest estimate
(:func:`_sample_share`, :func:`_about`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .terms import Counts, cursor

Fragment = tuple[str, list[Any]]

ENTRIES = "causebook_causebookentry"
NEWEST = "e.issued_at DESC NULLS LAST, e.case_id DESC"
WALK_KEYS = "causebook_walk_keys(e.tokens, e.name_zh, e.issued_at)"
#: The share of matches is measured in the newest buckets holding this many entries.
SAMPLE_ENTRIES = 20_000


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with cursor() as c:
        c.execute(sql, params)
        return list(c.fetchall())


class Collector:
    """Case ids in rank order, each once, up to ``need``."""

    def __init__(self, need: int) -> None:
        self.need = need
        self.ids: list[int] = []
        self.seen: set[int] = set()

    @property
    def full(self) -> bool:
        return len(self.ids) >= self.need

    @property
    def ask(self) -> int:
        """Rows to ask for: enough even if every case seen so far comes back again."""
        return self.need - len(self.ids) + len(self.seen)

    def add(self, rows: Sequence[tuple[Any, ...]]) -> None:
        for row in rows:
            case_id = int(row[0])
            if case_id not in self.seen and not self.full:
                self.seen.add(case_id)
                self.ids.append(case_id)


def _newest(where: str, params: list[Any], tail: Fragment, limit: int) -> list[tuple[Any, ...]]:
    """The newest ``limit`` entries where ``where`` holds, in one index probe and a sort."""
    return _rows(
        f"SELECT e.case_id FROM {ENTRIES} e WHERE {where}{tail[0]} ORDER BY {NEWEST} LIMIT %s",  # noqa: S608
        [*params, *tail[1], limit],
    )


def _walk(
    keys: Sequence[str], where: Fragment, tail: Fragment, buckets: list[int], limit: int, *, any_key: bool = False
) -> list[tuple[Any, ...]]:
    """The newest ``limit`` entries holding every one of ``keys`` (and ``where``), bucket by bucket.

    Each bucket is one probe of the walk index with the keys tagged with it; the probes
    run newest bucket first and stop as soon as ``limit`` rows are found. ``any_key``:
    entries holding any one of ``keys`` instead.
    """
    holds = "&&" if any_key else "@>"
    sql = f"""SELECT h.case_id FROM unnest(%s::int[]) WITH ORDINALITY AS b(n, i)
CROSS JOIN LATERAL (
  SELECT e.case_id, e.issued_at FROM {ENTRIES} e
  WHERE {WALK_KEYS} {holds} causebook_at(%s::text[], b.n) AND {where[0]}{tail[0]}
  ORDER BY {NEWEST}
) h
LIMIT %s"""  # noqa: S608
    return _rows(sql, [buckets, list(keys), *where[1], *tail[1], limit])


def _sample_share(
    keys: Sequence[str], where: Fragment, tail: Fragment, counts: Counts, *, any_key: bool = False
) -> float:
    """The share of entries that match, measured in the newest buckets of ``SAMPLE_ENTRIES`` entries.

    ``OFFSET 0`` keeps each bucket a probe of the walk index: without it the planner may
    turn the join around and read the whole table once (19 s for a misspelt name at
    2,000,000 cases).
    """
    sample: list[int] = []
    entries = 0
    for bucket, n in counts.buckets:
        sample.append(bucket)
        entries += n
        if entries >= SAMPLE_ENTRIES:
            break
    if not entries:
        return 0.0
    holds = "&&" if any_key else "@>"
    sql = f"""SELECT count(*) FROM unnest(%s::int[]) AS b(n) CROSS JOIN LATERAL (
  SELECT 1 FROM {ENTRIES} e WHERE {WALK_KEYS} {holds} causebook_at(%s::text[], b.n) AND {where[0]}{tail[0]}
  OFFSET 0) h"""  # noqa: S608
    return int(_rows(sql, [sample, list(keys), *where[1], *tail[1]])[0][0]) / entries


def _about(n: float) -> int:
    """An estimate to three significant figures: 136,734 is "about 137,000"."""
    if n < 1000:
        return round(n)
    scale = 10 ** (int(math.log10(n)) - 2)
    return int(round(n / scale) * scale)
