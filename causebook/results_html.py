"""A page of cause book results written in one pass: the markup of ``causebook/_case_summary.html``.

Twenty cases through an ``{% include %}`` each cost more than the rest of the page: about
thirty variable lookups, a ``{% url %}``, three ``lang_span`` filters and two date filters
per case, each through the template engine. The values are already plain
(:mod:`causebook.summaries`); here they are escaped with ``html.escape`` (what Django's
``escape`` calls) and written with f-strings. The template stays the reference for the
markup, and ``tests/causebook/test_results_html.py`` holds the two to the same output.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from html import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from filing.models import Case
from icms.core.languages import in_language
from icms.core.templatetags.icms_lang import CHINESE, page_language, text_language
from icms.core.templatetags.icms_urls import url_with_pk

from .summaries import CaseSummary


def _in_language(text: str, page: str) -> str:
    # icms_lang.lang_span, for plain text.
    if not text:
        return ""
    language = text_language(text)
    if language is None or language == page:
        return escape(text)
    return f'<span lang="{language}">{escape(text)}</span>'


@lru_cache(maxsize=4096)
def _issued(day: date, language: str | None) -> str:
    # A date of issue as the page shows it, in the reader's language (``language`` is the cache's key):
    # worked out once per day and language, as Django's date formatting costs about as much per
    # case as the rest of the case's markup (issue 16). DATE_FORMAT has no time in it.
    return f'<time datetime="{day.isoformat()}">{escape(date_format(day, "DATE_FORMAT"))}</time>'


def case_summaries_html(cases: Sequence[CaseSummary], *, token: str = "") -> SafeString:
    """Each case as an ``<li class="result">``, its link carrying ``token`` (a bought result set's)."""
    page = page_language()
    language = get_language()
    chinese = page == CHINESE

    def shown(english: str, chinese_text: str) -> str:
        return in_language(english, chinese_text, chinese_page=chinese)

    court, case_type, parties, issued, nature, status = (
        escape(gettext("Court")),
        escape(gettext("Case type")),
        escape(gettext("Parties")),
        escape(gettext("Date of issue")),
        escape(gettext("Nature")),
        escape(gettext("Status")),
    )
    query = f"?token={escape(token)}" if token else ""
    # CaseSummary's court_name, case_type_name, nature and status_display, with the language asked
    # once per page rather than four times per case (each asks the translation machinery).
    statuses = {value: escape(str(label)) for value, label in Case.Status.choices}
    items = []
    for case in cases:
        names = "".join(
            f"<li>{_in_language(party.name_en, page)}"
            + (f" {_in_language(party.name_zh, page)}" if party.name_zh else "")
            # PartySummary.role, without asking for the language per party.
            + f' <span class="muted">({escape(shown(party.role_en, party.role_zh))})</span></li>'
            for party in case.parties
        )
        when = _issued(timezone.localtime(case.issued_at).date(), language) if case.issued_at else "—"
        shown_nature = _in_language(shown(case.nature_en, case.nature_zh), page) or "—"
        items.append(
            '<li class="result">\n'
            f'  <h3 class="result__number"><a href="{escape(url_with_pk("causebook:case", case.pk))}{query}">'
            f"{escape(case.case_number)}</a></h3>\n"
            '  <dl class="summary-list">\n'
            f"    <dt>{court}</dt><dd>{escape(shown(case.court_name_en, case.court_name_zh))}</dd>\n"
            f"    <dt>{case_type}</dt>"
            f"<dd>{escape(shown(case.case_type_name_en, case.case_type_name_zh))}</dd>\n"
            f"    <dt>{parties}</dt>\n"
            f'    <dd><ul class="plain-list">{names}</ul></dd>\n'
            f"    <dt>{issued}</dt><dd>{when}</dd>\n"
            f"    <dt>{nature}</dt><dd>{shown_nature}</dd>\n"
            f"    <dt>{status}</dt><dd>{statuses.get(case.status) or escape(case.status_display)}</dd>\n"
            "  </dl>\n"
            "</li>"
        )
    return mark_safe("".join(items))  # noqa: S308 (every value escaped above)
