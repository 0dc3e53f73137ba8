"""A cause book search as a value: parsed, validated and in one normal form.

The normal form is what a :class:`~causebook.models.SearchPurchase` stores and what
result URLs carry, so that equal searches ("CHAN Tai-man" and "chan  tai-man") are one
purchase and one shareable URL.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import urlencode

from django.http import QueryDict

from filing.case_numbers import CaseNumber, parse_case_number

# CJK Unified Ideographs (and extension A, compatibility ideographs, extension B and on).
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
STATUSES = ("active", "closed")
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_QUERY_LENGTH = 200

Mode = Literal["case_number", "chinese", "english", "empty"]


def cjk_text(text: str) -> str:
    """The CJK characters of ``text``, in order, without spaces or anything else."""
    return "".join(CJK.findall(text))


def cjk_grams(text: str) -> list[str]:
    """What to look up in the bigram index: the character alone, or every adjacent pair.

    Mirrors ``causebook_cjk_grams()`` in SQL, which indexes both.
    """
    if len(text) == 1:
        return [text]
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


@dataclass(frozen=True)
class SearchQuery:
    """What the user asked for. Build it with :meth:`from_params`; it never raises."""

    q: str = ""
    court: str = ""
    case_type: str = ""
    year_from: int | None = None
    year_to: int | None = None
    status: str = ""

    @classmethod
    def from_params(cls, params: QueryDict | dict[str, str]) -> SearchQuery:
        """From GET parameters (``q``, ``court``, ``type``, ``year_from``, ``year_to``, ``status``).

        Values that make no sense are dropped rather than refused: a shared URL keeps working.
        """

        def year(name: str) -> int | None:
            raw = (params.get(name) or "").strip()
            if raw.isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR:
                return int(raw)
            return None

        status = (params.get("status") or "").strip().lower()
        query = cls(
            q=_clean(params.get("q") or ""),
            court=(params.get("court") or "").strip().upper()[:10],
            case_type=(params.get("type") or "").strip().upper()[:10],
            year_from=year("year_from"),
            year_to=year("year_to"),
            status=status if status in STATUSES else "",
        )
        if query.year_from and query.year_to and query.year_from > query.year_to:
            query = replace(query, year_from=query.year_to, year_to=query.year_from)
        return query

    @property
    def mode(self) -> Mode:
        if not self.q:
            return "empty"
        if parse_case_number(self.q):
            return "case_number"
        if CJK.search(self.q):
            return "chinese"
        if any(ch.isalnum() for ch in self.q):
            return "english"
        return "empty"

    @property
    def case_number(self) -> CaseNumber | None:
        return parse_case_number(self.q)

    def params(self) -> dict[str, str]:
        """The GET parameters of this search, in a fixed order, without empty values."""
        pairs = {
            "q": self.normal_q,
            "court": self.court,
            "type": self.case_type,
            "year_from": str(self.year_from or ""),
            "year_to": str(self.year_to or ""),
            "status": self.status,
        }
        return {key: value for key, value in pairs.items() if value}

    @property
    def normal_q(self) -> str:
        """The query text in normal form: case-folded words, or the canonical case number."""
        number = self.case_number
        if number:
            return str(number)
        return self.q.casefold()

    def normal_form(self) -> str:
        """One string per distinct search: the canonical query string."""
        return urlencode(self.params())
