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

from django.db import connections, router

from filing.case_numbers import format_case_number
from filing.models import Case
from icms.core.languages import in_language

from .reference import case_types_by_pk

SUMMARIES = """
SELECT c.id, c.case_type_id, c.number, c.year, c.status, c.issued_at, c.nature_en, c.nature_zh,
       (SELECT coalesce(json_agg(json_build_array(p.side, p.ordinal, p.name_en, p.name_zh)
                                 ORDER BY p.side, p.ordinal, p.id), '[]')
        FROM filing_party p WHERE p.case_id = c.id)
FROM filing_case c
WHERE c.id = ANY(%s)
"""


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
