"""The grammar of a case number: what people type, and the form the court writes.

The court writes ``PREFIX NUMBER/YEAR`` (``DCCJ 1204/2026``). People type it in many
ways, and every reader of a case number (the cause book search, the registry admin, the
API, the court-document form, joining a case with an access code) uses
:func:`parse_case_number`, so one spelling that works in one place works in all. Pure
functions (the two-digit year reads today's year unless it is given): the models import
this module.

What is read, in any letter case, spacing or width (full-width forms are folded first):

- ``DCCJ 1204/2026``, ``dccj1204/2026``, ``DCCJ 01204 / 2026``;
- ``DCCJ No. 1204 of 2026``, ``dccj 1204 of 2026``;
- ``DCCJ-1204-2026``, ``DCCJ/1204/2026``, ``DCCJ.1204.2026`` (any of ``-`` ``/`` ``.``
  between the parts, and any dash for ``-``);
- ``2026 DCCJ 1204`` (the year first);
- ``DC CJ 1204/2026``: one space inside the prefix, only with the year, and only when the
  joined prefix has the shape of a prefix (2 to 6 letters), so that "Tai Man 12" is a name;
- ``DCCJ 12/26``, ``dccj 12 of 26``: a two-digit year is the latest year ending in those
  digits up to next year (with 2026 as this year: 00-27 are 2000-2027, 28-99 are 1928-1999);
- ``DCCJ 1204``: a prefix of 2 to 6 letters and a number, with no year, which a search
  reads as that number in every year.

A number is 1 to 7 digits and not 0; a year is 4 digits (or 2 after the number).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

_PREFIX = r"(?P<prefix>[A-Z]{2,6}|[A-Z]{1,5} [A-Z]{1,5})"
_NUMBER = r"\s*[-./]?\s*(?:NO\.?\s*)?0*(?P<number>\d{1,7})"
# "DCCJ 123/2026", "DCCJ No. 123 of 2026", "DCCJ-123-2026", "DCCJ 12/26", "DCCJ 123".
_PREFIX_FIRST = re.compile(_PREFIX + _NUMBER + r"(?:\s*(?:[-./]|OF)\s*(?P<year>\d{4}|\d{2}))?")
# "2026 DCCJ 123".
_YEAR_FIRST = re.compile(r"(?P<year>\d{4})\s*[-./]?\s*" + _PREFIX + _NUMBER)
# Dashes and hyphens that NFKC leaves alone, read as "-".
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-"))
# Words that follow a prefix but are not part of it.
_NOT_PREFIX_PARTS = frozenset({"NO", "OF"})


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


def full_year(two_digits: int, *, this_year: int) -> int:
    """The year ``two_digits`` (0-99) stands for: the latest such year up to next year.

    With 2026 as this year, 00-27 are 2000-2027 and 28-99 are 1928-1999; in 2099, 00 is 2100.
    """
    latest = this_year + 1
    return latest - (latest - two_digits) % 100


def parse_case_number(text: str, *, this_year: int | None = None) -> CaseNumber | None:
    """The case number in ``text``, in any spacing, letter case or width; None if it is not one.

    ``this_year`` places a two-digit year (``DCCJ 12/26``); by default it is the year today
    in Hong Kong.
    """
    normal = " ".join(unicodedata.normalize("NFKC", text).translate(_DASHES).upper().split())
    match = _PREFIX_FIRST.fullmatch(normal) or _YEAR_FIRST.fullmatch(normal)
    if match is None:
        return None
    prefix, number, year = match["prefix"], int(match["number"]), match["year"]
    if number == 0 or prefix in _NOT_PREFIX_PARTS:
        return None
    if " " in prefix:
        parts = prefix.split(" ")
        if year is None or len(prefix) - 1 > 6 or _NOT_PREFIX_PARTS.intersection(parts):
            return None
        prefix = "".join(parts)
    if year is None:
        return CaseNumber(prefix=prefix, number=number, year=None)
    if len(year) == 2:
        return CaseNumber(
            prefix=prefix,
            number=number,
            year=full_year(int(year), this_year=this_year or timezone.localdate().year),
        )
    return CaseNumber(prefix=prefix, number=number, year=int(year))


def format_case_number(prefix: str, number: int | None, year: int | None) -> str:
    """``PREFIX NUMBER/YEAR`` (``DCCJ 3618/2010``), or "" while the case has no number."""
    if number is None or year is None:
        return ""
    return f"{prefix} {number}/{year}"
