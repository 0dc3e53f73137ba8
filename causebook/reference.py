"""The courts and case types the cause book's pickers offer, read once and kept in each process.

The search form's court and case type filters, the daily cause list's court picker and
every page of results (their case types and courts) need them on every request of the
portal's busiest pages; reading them cost a query and two dozen model instances each time
(more than the count of a search), and later, kept in the shared cache, a round trip and
an unpickling (1.0-1.4 ms a page). Now each worker keeps its own copy, and the choices the
search form offers in each language, checked on every request against a version in the
cache (:mod:`icms.core.kept`, read with the calendar's notices in the request's one round
trip). They change when the registry edits a court or a case type in the admin: saving or
deleting one bumps the version (:func:`reference_forget`, connected in ``apps.py``), so
every worker reads them again on its next request; and they are read again at the latest
after ``REFERENCE_SECONDS`` (bulk changes send no signal).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from filing.models import CaseType, Court
from icms.core.kept import Kept, version_bump
from icms.core.languages import in_language

#: The version of the courts and case types, in the shared cache (icms/core/kept.py).
REFERENCE_VERSION_KEY = "causebook:reference:version"
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


_kept_reference: Kept[Reference] = Kept(REFERENCE_VERSION_KEY, max_age=REFERENCE_SECONDS)
_kept_case_types: Kept[dict[int, CaseTypeChoice]] = Kept(REFERENCE_VERSION_KEY, max_age=REFERENCE_SECONDS)
_kept_choices: Kept[tuple[list[tuple[str, str]], list[tuple[str, str]]]] = Kept(
    REFERENCE_VERSION_KEY, max_age=REFERENCE_SECONDS
)


def reference(*, fresh: bool = False) -> Reference:
    """The courts and case types, as kept in this process or read afresh.

    ``fresh``: read them from the database whatever is kept (a case type is missing).
    """
    return _kept_reference.get(None, _read, fresh=fresh)


def case_types_by_pk(*, fresh: bool = False) -> dict[int, CaseTypeChoice]:
    """Every case type with its court and roles, by primary key: as kept in this process or read afresh.

    The caller must not change the dictionary: it is the process's copy.
    """
    return _kept_case_types.get(
        None, lambda: {case_type.pk: case_type for case_type in reference(fresh=fresh).case_types}, fresh=fresh
    )


def reference_forget(**kwargs: object) -> None:
    """Forget the kept courts and case types (a court or a case type was saved or deleted): every
    process reads them again on its next request; now, and again once the change commits."""
    version_bump(REFERENCE_VERSION_KEY)


def _filter_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    courts: dict[str, str] = {}
    types: list[tuple[str, str]] = []
    for case_type in reference().case_types:
        courts.setdefault(case_type.court_code, in_language(case_type.court_name_en, case_type.court_name_zh))
        types.append((case_type.prefix, f"{case_type.prefix} — {in_language(case_type.name_en, case_type.name_zh)}"))
    return list(courts.items()), types


def search_filter_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The search form's courts (those with a case type) and case types, named in the active language.

    Kept per language: the caller must not change the lists (the form copies them).
    """
    return _kept_choices.get(get_language(), _filter_choices)
