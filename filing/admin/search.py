"""Finding a case in the staff site by its number, in the grammar every other screen reads."""

from __future__ import annotations

from typing import TypeVar

from django.contrib import admin
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext

from ..case_numbers import parse_case_number

ModelT = TypeVar("ModelT", bound=models.Model)


class CaseNumberSearchMixin(admin.ModelAdmin[ModelT]):
    """A search box that takes a case number (``DCCJ 1204/2026``, ``dccj 1204``) as well as text.

    ``case_path`` leads from the listed model to its case: ``""`` for cases, ``"case__"``
    for filings.
    """

    case_path = ""

    def get_search_results(
        self, request: HttpRequest, queryset: models.QuerySet[ModelT], search_term: str
    ) -> tuple[models.QuerySet[ModelT], bool]:
        parsed = parse_case_number(search_term)
        if parsed is None:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(parsed.as_filter(self.case_path)), False


def name_search_capped(shown: int, total: int, *, about: bool) -> str:
    """What the case list says when a search by name matches more cases than it lists."""
    if about:
        message = gettext(
            "The best %(shown)s of about %(total)s cases with a party of this name are listed. "
            "Type more of the name, or choose a court, case type or status, to narrow the search."
        )
    else:
        message = gettext(
            "The best %(shown)s of %(total)s cases with a party of this name are listed. "
            "Type more of the name, or choose a court, case type or status, to narrow the search."
        )
    return message % {"shown": intcomma(shown), "total": intcomma(total)}
