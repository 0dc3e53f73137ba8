"""Reading a case number as people type it: ``DCCJ 1204/2026``."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from django.http import Http404

from .access import AnyUser, cases_visible_to
from .models import Case

_CASE_NUMBER = re.compile(r"([A-Z]{2,6})\s*([0-9]{1,7})\s*/\s*([0-9]{4})")


class CaseNumber(NamedTuple):
    prefix: str
    number: int
    year: int


def parse_case_number(text: str) -> CaseNumber | None:
    """``PREFIX NUMBER/YEAR`` from what someone typed (any spacing, letter case or full-width), else None."""
    match = _CASE_NUMBER.fullmatch(unicodedata.normalize("NFKC", text).strip().upper())
    if match is None:
        return None
    prefix, number, year = match.groups()
    return CaseNumber(prefix, int(number), int(year))


def case_for_user_by_number(user: AnyUser, text: str) -> Case:
    """The case numbered ``text`` if ``user`` may act for it; ``Http404`` otherwise, or if there is none."""
    parsed = parse_case_number(text)
    if parsed is None:
        raise Http404
    try:
        return (
            cases_visible_to(user)
            .select_related("case_type__court")
            .get(case_type__prefix=parsed.prefix, number=parsed.number, year=parsed.year)
        )
    except Case.DoesNotExist:
        raise Http404 from None
