"""The courts and case types the cause book's pickers offer, read once and kept in the cache.

The search form's court and case type filters, and the daily cause list's court picker,
are built on every request of the portal's busiest pages; reading them cost a query and
two dozen model instances each time (more than the count of a search). They change when
the registry edits a court or a case type in the admin: saving or deleting one forgets
them (:func:`reference_forget`, connected in ``apps.py``), and they are read again at
the latest after ``REFERENCE_SECONDS`` (bulk changes send no signal). Kept in the shared
cache, not in the process, so every worker forgets them at once.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

from filing.models import CaseType, Court

REFERENCE_KEY = "causebook:reference:2"
REFERENCE_SECONDS = 600


@dataclass(frozen=True, slots=True)
class CaseTypeChoice:
    prefix: str
    name_en: str
    name_zh: str
    court_code: str
    court_name_en: str
    court_name_zh: str
    # For the search's filters and the page of results (causebook/search.py, summaries.py),
    # which would otherwise join or query the case types on every search.
    pk: int = 0
    applicant_role_en: str = ""
    applicant_role_zh: str = ""
    respondent_role_en: str = ""
    respondent_role_zh: str = ""


@dataclass(frozen=True, slots=True)
class Reference:
    #: Every court, District Court first (the cause list's picker).
    courts: tuple[Court, ...]
    #: Every case type, by court level, court and prefix (the search form's filters).
    case_types: tuple[CaseTypeChoice, ...]


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


def _name(english: str, chinese: str) -> str:
    # BilingualNameMixin.name, for plain values.
    return chinese if chinese and _chinese() else english


def _read() -> Reference:
    case_types = tuple(
        CaseTypeChoice(
            t.prefix,
            t.name_en,
            t.name_zh,
            t.court.code,
            t.court.name_en,
            t.court.name_zh,
            pk=t.pk,
            applicant_role_en=t.applicant_role_en,
            applicant_role_zh=t.applicant_role_zh,
            respondent_role_en=t.respondent_role_en,
            respondent_role_zh=t.respondent_role_zh,
        )
        for t in CaseType.objects.select_related("court").order_by("court__level", "court__code", "prefix")
    )
    return Reference(courts=tuple(Court.objects.order_by("level", "code")), case_types=case_types)


def reference(*, fresh: bool = False) -> Reference:
    """The courts and case types, from the cache (one round trip) or read afresh.

    ``fresh``: read them from the database whatever is kept (a case type is missing).
    """
    kept: Reference | None = None if fresh else cache.get(REFERENCE_KEY)
    if kept is None:
        kept = _read()
        cache.set(REFERENCE_KEY, kept, REFERENCE_SECONDS)
    return kept


#: The case types by primary key as plain values, kept apart from :func:`reference`, whose
#: courts are model instances: reading those back cost about 0.6 ms, more than the join
#: this saves the page of results (causebook/summaries.py).
CASE_TYPES_KEY = "causebook:case-types:2"


def case_types_by_pk(*, fresh: bool = False) -> dict[int, CaseTypeChoice]:
    """Every case type with its court and roles, by primary key: from the cache or read afresh.

    Kept as plain tuples: unpickling the dataclasses themselves cost ten times as much.
    """
    kept: tuple[tuple[Any, ...], ...] | None = None if fresh else cache.get(CASE_TYPES_KEY)
    if kept is None:
        kept = tuple(astuple(case_type) for case_type in reference(fresh=fresh).case_types)
        cache.set(CASE_TYPES_KEY, kept, REFERENCE_SECONDS)
    by_pk = {}
    for values in kept:
        case_type = CaseTypeChoice(*values)
        by_pk[case_type.pk] = case_type
    return by_pk


def reference_forget(**kwargs: object) -> None:
    """Forget the kept courts and case types (a court or a case type was saved or deleted).

    Now, and again once the change commits: a page read meanwhile may have kept the old rows.
    """
    cache.delete_many([REFERENCE_KEY, CASE_TYPES_KEY])
    transaction.on_commit(lambda: cache.delete_many([REFERENCE_KEY, CASE_TYPES_KEY]))


def search_filter_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The search form's courts (those with a case type) and case types, named in the active language."""
    courts: dict[str, str] = {}
    types: list[tuple[str, str]] = []
    for case_type in reference().case_types:
        courts.setdefault(case_type.court_code, _name(case_type.court_name_en, case_type.court_name_zh))
        types.append((case_type.prefix, f"{case_type.prefix} — {_name(case_type.name_en, case_type.name_zh)}"))
    return list(courts.items()), types
