"""A page of search results as plain values: one SQL statement, no model instances.

A results page shows, per case, its number, court, case type, parties with their
roles, date of issue, nature and status. Loading those as Django models took two ORM
queries whose compilation and model building cost more than the search itself
(1.4 ms of Python for 0.6 ms of SQL on a case number, ``bench/causebook_search.py``).
Here one statement brings each case with its parties as a JSON array, and the
templates and the API read frozen dataclasses. The case type and court come from the
kept reference (:mod:`causebook.reference`), not a join: joining them cost more than
reading the twenty cases (issue 16; a page of 20 cases went from about 2.3 to 1.2 ms of
SQL at 200,000 cases).

Callers must already have decided that the user may see these cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connections, router

from filing.case_numbers import format_case_number
from filing.models import Case
from icms.core.languages import in_language

from .models import SearchPurchase
from .reference import case_types_by_pk

# A case's columns as a results page shows them, its parties as a JSON array (applicants first).
_COLUMNS = """c.id, c.case_type_id, c.number, c.year, c.status, c.issued_at, c.nature_en, c.nature_zh,
       (SELECT coalesce(json_agg(json_build_array(p.side, p.ordinal, p.name_en, p.name_zh)
                                 ORDER BY p.side, p.ordinal, p.id), '[]')
        FROM filing_party p WHERE p.case_id = c.id)"""
SUMMARIES = f"""
SELECT {_COLUMNS}
FROM filing_case c
WHERE c.id = ANY(%s)
"""  # noqa: S608 (fixed SQL)

# A bought result set by its token, and the cases of one page of it while access lasts: two
# statements sent in one round trip (issue 16), each as cheap to plan as when sent alone; one
# statement joining the two (a UNION) cost Postgres more to plan than the round trip it saved.
# Several statements in one execute need client-side binding, Django's default for psycopg
# (``server_side_binding`` off; docs/deployment.md). The cast makes the subquery's one value the
# array that ``ANY`` reads (without it ``ANY`` would compare each id to the whole array).
_PURCHASE_FIELDS = list(SearchPurchase._meta.concrete_fields)
_PURCHASE = SearchPurchase._meta.db_table
_BOUGHT_PAGE = f"""
SELECT {", ".join(f.column for f in _PURCHASE_FIELDS)} FROM {_PURCHASE} WHERE token = %s;
SELECT {_COLUMNS}
FROM filing_case c
WHERE c.id = ANY((SELECT sp.case_ids[%s:%s] FROM {_PURCHASE} sp WHERE sp.token = %s AND sp.expires_at > %s)::bigint[])
"""  # noqa: S608 (a model's table and columns)


@dataclass(frozen=True, slots=True)
class PartySummary:
    side: str
    ordinal: int
    name_en: str
    name_zh: str
    role_en: str
    role_zh: str

    @property
    def role(self) -> str:
        """The role's name on this case type in the active language, such as "Plaintiff" or "被告人"."""
        return in_language(self.role_en, self.role_zh)


@dataclass(frozen=True, slots=True)
class CaseSummary:
    pk: int
    case_number: str
    court_code: str
    court_name_en: str
    court_name_zh: str
    case_type_prefix: str
    case_type_name_en: str
    case_type_name_zh: str
    status: str
    issued_at: datetime | None
    nature_en: str
    nature_zh: str
    parties: tuple[PartySummary, ...]

    @property
    def court_name(self) -> str:
        return in_language(self.court_name_en, self.court_name_zh)

    @property
    def case_type_name(self) -> str:
        return in_language(self.case_type_name_en, self.case_type_name_zh)

    @property
    def nature(self) -> str:
        return in_language(self.nature_en, self.nature_zh)

    @property
    def status_display(self) -> str:
        return str(Case.Status(self.status).label)


def case_summaries(case_ids: Sequence[int]) -> list[CaseSummary]:
    """The cases ``case_ids``, in that order, with their parties (applicants first). One query."""
    if not case_ids:
        return []
    # Raw SQL: the router's choice, as for the search (causebook/search.py).
    with connections[router.db_for_read(Case)].cursor() as cursor:
        cursor.execute(SUMMARIES, [list(case_ids)])
        rows = cursor.fetchall()
    return _summaries(rows, case_ids)


def purchase_with_page(
    token: str, *, offset: int, limit: int, now: datetime
) -> tuple[SearchPurchase, list[CaseSummary] | None] | None:
    """The purchase with ``token`` (None if there is none), and the cases ``offset`` to ``offset + limit``
    of its kept result set if access lasts at ``now``; else None for the cases. One query.

    Callers decide who may see the cases: the token's holder, while access lasts.
    """
    database = router.db_for_read(SearchPurchase)
    with connections[database].cursor() as cursor:
        cursor.execute(_BOUGHT_PAGE, [token, offset + 1, offset + limit, token, now])
        found = cursor.fetchone()
        cursor.nextset()
        rows = cursor.fetchall()
    if found is None:
        return None
    purchase = SearchPurchase.from_db(database, [f.attname for f in _PURCHASE_FIELDS], found)
    if purchase.case_ids is None or purchase.expires_at is None or purchase.expires_at <= now:
        return purchase, None
    return purchase, _summaries(rows, purchase.case_ids[offset : offset + limit])


def _summaries(rows: Sequence[Sequence[Any]], case_ids: Sequence[int]) -> list[CaseSummary]:
    types = case_types_by_pk()
    if any(row[1] not in types for row in rows):
        # A case type made since they were kept: read them afresh.
        types = case_types_by_pk(fresh=True)
    by_id: dict[int, CaseSummary] = {}
    for pk, case_type_id, number, year, status, issued_at, nature_en, nature_zh, parties in rows:
        t = types[case_type_id]
        by_id[pk] = CaseSummary(
            pk=pk,
            case_number=format_case_number(t.prefix, number, year),
            court_code=t.court_code,
            court_name_en=t.court_name_en,
            court_name_zh=t.court_name_zh,
            case_type_prefix=t.prefix,
            case_type_name_en=t.name_en,
            case_type_name_zh=t.name_zh,
            status=status,
            issued_at=issued_at,
            nature_en=nature_en,
            nature_zh=nature_zh,
            parties=tuple(
                PartySummary(
                    side=side,
                    ordinal=ordinal,
                    name_en=name_en,
                    name_zh=name_zh,
                    role_en=t.applicant_role_en if side == "applicant" else t.respondent_role_en,
                    role_zh=t.applicant_role_zh if side == "applicant" else t.respondent_role_zh,
                )
                for side, ordinal, name_en, name_zh in parties
            ),
        )
    return [by_id[pk] for pk in case_ids if pk in by_id]
