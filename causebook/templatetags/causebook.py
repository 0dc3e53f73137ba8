"""Formatting for the daily cause list, as the Judiciary prints it (icms-reference §4)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override, pgettext_lazy

from filing.models import Case, Court, Party
from icms.core.time import HONG_KONG

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
def bilingual(key: str) -> str:
    """A column heading in English and Chinese, each marked with its language."""
    label = COLUMNS[key]
    with override("en"):
        english = str(label)
    with override("zh-hant"):
        chinese = str(label)
    return format_html('<span lang="en">{}</span> <span lang="zh-Hant-HK">{}</span>', english, chinese)


@register.filter
def hk_time(value: datetime) -> str:
    """``上午 09:30 am`` / ``下午 02:30 pm``, in Hong Kong time."""
    local = value.astimezone(HONG_KONG)
    morning = local.hour < 12
    hour = local.hour % 12 or 12
    return f"{'上午' if morning else '下午'} {hour:02d}:{local.minute:02d} {'am' if morning else 'pm'}"


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
