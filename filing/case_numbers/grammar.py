"""The grammar of a case number: what people type, and the form the court writes.

The court writes ``PREFIX NUMBER/YEAR`` (``DCCJ 1204/2026``). People type it in many
ways, and every reader of a case number (the cause book search, the registry admin, the
API, the court-document form) uses :func:`parse_case_number`, so one spelling that works
in one place works in all. Pure functions: the models import this module.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q

# "DCCJ 123/2026", "dccj123/2026", "DCCJ 0123 / 2026", "DCCJ No. 123 of 2026", "DCCJ 123",
# and the full-width forms a Chinese keyboard gives (NFKC folds them first).
_CASE_NUMBER = re.compile(
    r"(?P<prefix>[A-Z]{2,6})\s*\.?\s*(?:NO\.?\s*)?0*(?P<number>\d{1,7})(?:\s*(?:/|OF)\s*(?P<year>\d{4}))?"
)


@dataclass(frozen=True)
class CaseNumber:
    """A case number as typed: the year may be left out (a search then matches every year)."""

    prefix: str
    number: int
    year: int | None

    @property
    def is_complete(self) -> bool:
        """Whether it names one case: a case number needs its year."""
        return self.year is not None

    def __str__(self) -> str:
        return format_case_number(self.prefix, self.number, self.year) or f"{self.prefix} {self.number}"

    def as_filter(self, case_path: str = "") -> Q:
        """A filter for this number (every year when the year is left out).

        ``case_path`` leads from the queried model to its case, such as ``"case__"``.
        """
        condition = Q(**{f"{case_path}case_type__prefix": self.prefix, f"{case_path}number": self.number})
        return condition & Q(**{f"{case_path}year": self.year}) if self.year is not None else condition


def parse_case_number(text: str) -> CaseNumber | None:
    """The case number in ``text``, in any spacing, letter case or width; None if it is not one."""
    normal = " ".join(unicodedata.normalize("NFKC", text).upper().split())
    match = _CASE_NUMBER.fullmatch(normal)
    if match is None:
        return None
    year = match["year"]
    return CaseNumber(prefix=match["prefix"], number=int(match["number"]), year=int(year) if year else None)


def format_case_number(prefix: str, number: int | None, year: int | None) -> str:
    """``PREFIX NUMBER/YEAR`` (``DCCJ 3618/2010``), or "" while the case has no number."""
    if number is None or year is None:
        return ""
    return f"{prefix} {number}/{year}"
