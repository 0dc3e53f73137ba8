"""What a search looks for, and how common it is: the query's terms and their kept counts.

The query's words, pairs and Chinese characters are made by the same SQL functions that
made the stored entries (:mod:`causebook.normal`), and their frequencies are read from
:class:`~causebook.models.TermCount`, which the database keeps (migration ``0011``):
never from the planner's estimate, which guessed 1-8 entries for word pairs that are in
136,700. The search chooses its plan from these counts (:mod:`causebook.search`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.db import connections, router
from django.db.backends.utils import CursorWrapper

from icms.core.kept import Kept, version_bump

from .models import CauseBookEntry
from .query import cjk_grams


def cursor() -> CursorWrapper:
    # Raw SQL passes no database router by itself: ask it, so that a public search reads
    # from the read replica when there is one (icms/core/db_router.py).
    return connections[router.db_for_read(CauseBookEntry)].cursor()


@dataclass(frozen=True)
class EnglishTerms:
    """An English query's normal words in order, their unordered pairs and ordered pairs."""

    words: tuple[str, ...]
    pairs: tuple[str, ...]
    bigrams: tuple[str, ...]

    @property
    def distinct(self) -> int:
        return len(set(self.words))

    @property
    def phrase(self) -> str:
        """The words as a phrase with a space either side, for ``strpos`` over a joined name."""
        return " " + " ".join(self.words) + " "

    @property
    def keys(self) -> tuple[str, ...]:
        """The terms that hold exactly when a name holds every word: the pairs, or the one word."""
        return self.pairs if self.distinct >= 2 else self.words[:1]


@dataclass(frozen=True)
class ChineseTerms:
    """A Chinese query's normal characters, and the grams the index is probed with."""

    text: str

    @property
    def grams(self) -> list[str]:
        return cjk_grams(self.text) if self.text else []

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f"z:{gram}" for gram in self.grams)


@lru_cache(maxsize=4096)
def english_terms(text: str) -> EnglishTerms:
    """The terms of ``text`` as the database makes them for names (one definition).

    The functions are IMMUTABLE, so remembering their answers is safe.
    """
    with cursor() as c:
        c.execute(
            "SELECT t, causebook_token_pairs(t), causebook_bigrams(t) FROM causebook_name_tokens(%s) AS t", [text]
        )
        words, pairs, bigrams = c.fetchone()
    return EnglishTerms(tuple(words), tuple(pairs or ()), tuple(bigrams or ()))


def name_tokens(text: str) -> tuple[str, ...]:
    """The normal words of ``text`` (``causebook_name_tokens``)."""
    return english_terms(text).words


@lru_cache(maxsize=4096)
def chinese_terms(text: str) -> ChineseTerms:
    """The normal characters of ``text`` as the database makes them for names (``causebook_name_zh``)."""
    with cursor() as c:
        c.execute("SELECT causebook_name_zh(%s)", [text])
        return ChineseTerms(str(c.fetchone()[0]))


class Counts:
    """Kept counts of entries: per term asked for, and per 28-day bucket (newest first).

    The buckets are read when first asked for: only the plan for many walks or samples them
    (:mod:`causebook.search_walk`), and reading all of them (one row per 28 days of the
    register, scattered over the table) cost more than the rest of a search that finds few
    (issue 16: 0.4 ms of Postgres and 0.2 ms of Python for "chan tai man").
    """

    __slots__ = ("_buckets", "terms")

    def __init__(self, terms: dict[str, int], buckets: list[tuple[int, int]] | None = None) -> None:
        self.terms = terms
        self._buckets = buckets

    def of(self, term: str) -> int:
        return self.terms.get(term, 0)

    def least(self, terms: Sequence[str]) -> int:
        """How many entries can hold all of ``terms`` at most: the rarest one's count."""
        return min((self.of(term) for term in terms), default=0)

    @property
    def buckets(self) -> list[tuple[int, int]]:
        """Every non-empty bucket and its count of entries, newest first (read once, when first asked for)."""
        if self._buckets is None:
            self._buckets = bucket_counts()
        return self._buckets

    @property
    def entries(self) -> int:
        return sum(n for _, n in self.buckets)


def term_counts(terms: Sequence[str]) -> Counts:
    """The kept counts of ``terms``, in one statement; the buckets' are read if asked for (:class:`Counts`)."""
    with cursor() as c:
        c.execute("SELECT term, entries FROM causebook_termcount WHERE term = ANY(%s)", [list(terms)])
        rows = c.fetchall()
    return Counts({str(term): int(entries) for term, entries in rows})


#: The buckets' counts change only when the queued changes are folded in (:func:`term_counts_apply`,
#: every minute), so each process keeps them, checked against this version on every request
#: (:mod:`icms.core.kept`: no extra round trip in a request); at most a minute in any case.
BUCKETS_VERSION_KEY = "causebook:term-buckets:version"
BUCKETS_SECONDS = 60
_kept_buckets: Kept[list[tuple[int, int]]] = Kept(BUCKETS_VERSION_KEY, max_age=BUCKETS_SECONDS, size=4)


def _read_bucket_counts() -> list[tuple[int, int]]:
    with cursor() as c:
        c.execute(
            "SELECT term, entries FROM causebook_termcount "
            "WHERE term >= '@' AND term < 'A' AND term LIKE '@%' AND entries > 0"
        )
        rows = c.fetchall()
    return sorted(((int(term[1:]), int(entries)) for term, entries in rows), reverse=True)


def bucket_counts() -> list[tuple[int, int]]:
    """The kept count of entries of every non-empty 28-day bucket (``@<bucket>`` terms), newest first.

    Kept per process and database until the counts are next applied (``BUCKETS_VERSION_KEY``).
    """
    return _kept_buckets.get(router.db_for_read(CauseBookEntry), _read_bucket_counts)


def term_counts_apply() -> int:
    """Fold the queued entry changes into the kept counts; returns the count rows changed."""
    with connections[router.db_for_write(CauseBookEntry)].cursor() as c:
        c.execute("SELECT causebook_term_counts_apply()")
        changed = int(c.fetchone()[0])
    version_bump(BUCKETS_VERSION_KEY)
    return changed
