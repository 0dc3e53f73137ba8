"""Formatting for the daily cause list, as the Judiciary prints it (icms-reference §4)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override, pgettext_lazy

from filing.models import Case, Court, Party

from ..cause_list import CauseListRow, hk_time, rows_html
from ..results_html import case_summaries_html
from ..summaries import CaseSummary

register = template.Library()

# The columns of the real lists, printed in both languages whatever the page's language.
COLUMNS = {
    "court": pgettext_lazy("cause list column: the courtroom", "Court"),
    "judge": _("Judge"),
    "magistrate": _("Magistrate"),
    "time": _("Time"),
    "case_no": _("Case No."),
    "parties": _("Parties"),
    "defendant": _("Defendant"),
    "nature": _("Nature"),
    "offence": _("Offence / nature"),
    "representation": _("Representation"),
}


@register.simple_tag
@cache
def bilingual(key: str) -> SafeString:
    """A column heading in English and Chinese, each marked with its language.

    Kept per process: it depends on nothing but the key and the catalogues, and switching
    the language twice for each heading of each list cost more than writing the list.
    """
    label = COLUMNS[key]
    with override("en"):
        english = str(label)
    with override("zh-hant"):
        chinese = str(label)
    return format_html('<span lang="en">{}</span> <span lang="zh-Hant-HK">{}</span>', english, chinese)


register.filter("hk_time", hk_time)


@register.simple_tag
def cause_list_rows(rows: Sequence[CauseListRow], court: Court) -> SafeString:
    """The rows of a daily cause list (causebook.cause_list): written in one pass, not a row at a time."""
    return rows_html(rows, magistrates=court.level == Court.Level.MAGISTRATES)


@register.simple_tag
def case_summary_items(cases: Sequence[CaseSummary], token: str | None = "") -> SafeString:
    """A page of results (causebook.summaries.CaseSummary) as list items: causebook.results_html."""
    return case_summaries_html(cases, token=token or "")


def _names(parties: list[Party], side: str, attr: str) -> str:
    return ", ".join(getattr(p, attr) or p.name_en for p in parties if p.side == side)


@register.simple_tag
def cause_list_parties(case: Case, court: Court) -> dict[str, str]:
    """The parties as the list prints them: "A v. B", or "HKSAR v. B" in the magistrates' courts."""
    parties = list(case.parties.all())
    respondents_en = _names(parties, Party.Side.RESPONDENT, "name_en")
    respondents_zh = _names(parties, Party.Side.RESPONDENT, "name_zh")
    if court.level == Court.Level.MAGISTRATES:
        return {"en": f"HKSAR v. {respondents_en}", "zh": f"香港特別行政區 訴 {respondents_zh}"}
    applicants_en = _names(parties, Party.Side.APPLICANT, "name_en")
    applicants_zh = _names(parties, Party.Side.APPLICANT, "name_zh")
    return {"en": f"{applicants_en} v. {respondents_en}", "zh": f"{applicants_zh} 訴 {respondents_zh}"}


@register.simple_tag
def search_access_hours() -> int:
    """How long a paid search stays open (``CAUSEBOOK_SEARCH_ACCESS_HOURS``), as the pages state it."""
    return int(settings.CAUSEBOOK_SEARCH_ACCESS_HOURS)


@register.simple_tag
def inspection_access_hours() -> int:
    """How long a paid inspection copy stays open (``CAUSEBOOK_INSPECTION_ACCESS_HOURS``)."""
    return int(settings.CAUSEBOOK_INSPECTION_ACCESS_HOURS)
