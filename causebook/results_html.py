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
from html import escape

from django.utils import timezone
from django.utils.dateformat import format as date_format_with
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from icms.core.templatetags.icms_lang import page_language, text_language
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


def case_summaries_html(cases: Sequence[CaseSummary], *, token: str = "") -> SafeString:
    """Each case as an ``<li class="result">``, its link carrying ``token`` (a bought result set's)."""
    page = page_language()
    court, case_type, parties, issued, nature, status = (
        escape(gettext("Court")),
        escape(gettext("Case type")),
        escape(gettext("Parties")),
        escape(gettext("Date of issue")),
        escape(gettext("Nature")),
        escape(gettext("Status")),
    )
    query = f"?token={escape(token)}" if token else ""
    items = []
    for case in cases:
        names = "".join(
            f"<li>{_in_language(party.name_en, page)}"
            + (f" {_in_language(party.name_zh, page)}" if party.name_zh else "")
            + f' <span class="muted">({escape(party.role)})</span></li>'
            for party in case.parties
        )
        if case.issued_at:
            local = timezone.localtime(case.issued_at)
            shown = escape(date_format(local, "DATE_FORMAT"))
            when = f'<time datetime="{date_format_with(local, "Y-m-d")}">{shown}</time>'
        else:
            when = "—"
        items.append(
            '<li class="result">\n'
            f'  <h3 class="result__number"><a href="{escape(url_with_pk("causebook:case", case.pk))}{query}">'
            f"{escape(case.case_number)}</a></h3>\n"
            '  <dl class="summary-list">\n'
            f"    <dt>{court}</dt><dd>{escape(case.court_name)}</dd>\n"
            f"    <dt>{case_type}</dt><dd>{escape(case.case_type_name)}</dd>\n"
            f"    <dt>{parties}</dt>\n"
            f'    <dd><ul class="plain-list">{names}</ul></dd>\n'
            f"    <dt>{issued}</dt><dd>{when}</dd>\n"
            f"    <dt>{nature}</dt><dd>{_in_language(case.nature, page) or '—'}</dd>\n"
            f"    <dt>{status}</dt><dd>{escape(case.status_display)}</dd>\n"
            "  </dl>\n"
            "</li>"
        )
    return mark_safe("".join(items))  # noqa: S308 (every value escaped above)
