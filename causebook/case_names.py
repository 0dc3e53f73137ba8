"""Finding a case by a party's name for the registry's case list in the staff site.

The staff site's case list (filing/admin/cases.py) searched the parties' names with
``icontains``, which reads every party of the register: 5-8 s for "chan tai man" at
2,000,000 cases. The cause book already keeps every party's name in its search tables
(:mod:`causebook.search`), so the case list asks the same search as the registry
clerk's cause book page: the same words in any order, corrected misspellings, Chinese
characters, the best ``CAUSEBOOK_MAX_MATCHES`` first and an honest count. Filing cannot
import the cause book; it asks through :func:`filing.hooks.case_name_search`.

The cause book holds only numbered cases, active or closed. The others (drafts, cases
pending acceptance) are few, and are found as before, by the words inside their
parties' names, through an index of their own (migration ``0017``).
"""

from __future__ import annotations

from functools import reduce
from operator import and_

from django.db.models import Q

from filing.hooks import CaseListFilters, CaseNameMatches
from filing.models import Case

from .query import STATUSES, SearchQuery
from .reference import case_types_by_pk, reference
from .search import Hits, find_cases, max_matches

#: Cases the cause book does not hold (its entry triggers, migration 0006); the partial
#: index ``causebook_case_outside_cause_book`` holds exactly these.
OUTSIDE_CAUSE_BOOK = Q(number__isnull=True) | ~Q(status__in=[Case.Status.ACTIVE, Case.Status.CLOSED])


def cases_by_party_name(text: str, filters: CaseListFilters) -> CaseNameMatches | None:
    """The cases within ``filters`` a party of which is named ``text``, best first; None when ``text``
    is not a name.

    Only for staff, who may see every case: callers decide that.
    """
    query = SearchQuery.from_params({"q": text, **_search_filters(filters)})
    if query.mode not in ("english", "chinese"):
        return None
    cap = max_matches()
    in_cause_book = not filters.status or filters.status in STATUSES
    hits = find_cases(query, limit=cap) if in_cause_book else Hits(case_ids=[], total=0, capped=False)
    outside = _outside_cause_book(text, filters, limit=cap)
    return CaseNameMatches(
        case_ids=[*hits.case_ids, *outside], total=hits.total + len(outside), estimated=hits.estimated
    )


def _search_filters(filters: CaseListFilters) -> dict[str, str]:
    """The case list's filters as the cause book search's parameters (a court's code, a type's prefix),
    from the courts and case types kept per process (:mod:`causebook.reference`). An id it does not
    know ("-") matches nothing, as the list's own filter would."""
    params = {"status": filters.status} if filters.status in STATUSES else {}
    if filters.court_id is not None:
        codes = {court.pk: court.code for court in reference().courts}
        params["court"] = codes.get(filters.court_id, "-")
    if filters.case_type_id is not None:
        case_type = case_types_by_pk().get(filters.case_type_id)
        params["type"] = case_type.prefix if case_type else "-"
    return params


def _outside_cause_book(text: str, filters: CaseListFilters, *, limit: int) -> list[int]:
    """Drafts and cases pending acceptance within ``filters`` with a party whose name holds every word
    of ``text``."""
    words = [Q(parties__name_en__icontains=word) | Q(parties__name_zh__icontains=word) for word in text.split()]
    chosen = Q()
    if filters.court_id is not None:
        chosen &= Q(case_type__court_id=filters.court_id)
    if filters.case_type_id is not None:
        chosen &= Q(case_type_id=filters.case_type_id)
    if filters.status:
        chosen &= Q(status=filters.status)
    found = (
        Case.objects.filter(OUTSIDE_CAUSE_BOOK, chosen)
        .filter(reduce(and_, words))
        .order_by("-pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    return list(found[:limit])
