"""What the cause book's Jinja2 templates call (``cause_book.*`` there): plural sentences and rows.

``makemessages`` finds ``{{ _("...") }}`` in a Jinja2 template but not a plural, so each
plural sentence is written here with ``ngettext``, with the msgids the pages had as
``{% blocktranslate count %}`` (the same catalogue entries). Each returns markup, its
values escaped, as ``{% blocktranslate %}`` did.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from typing import Any

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import ngettext
from markupsafe import Markup

from icms.core.jinja import fmt

from .results_html import case_summaries_html as case_summaries
from .templatetags.causebook import bilingual, cause_list_rows

__all__ = ["bilingual", "case_summaries", "cause_list_rows", "regroup"]


def regroup(items: Iterable[Any], attribute: str) -> list[tuple[Any, list[Any]]]:
    """``{% regroup items by attribute %}``: runs of equal values in the given order (not sorted,
    unlike Jinja2's ``groupby``), as ``(grouper, list)``."""
    return [(key, list(group)) for key, group in groupby(items, key=lambda item: getattr(item, attribute))]


def access_hours() -> int:
    """How long a paid search stays open (``CAUSEBOOK_SEARCH_ACCESS_HOURS``)."""
    return int(settings.CAUSEBOOK_SEARCH_ACCESS_HOURS)


def search_lede() -> Markup:
    hours = access_hours()
    return fmt(
        ngettext(
            "Seeing how many cases match is free. Viewing the results costs the search fee, which gives you "
            "%(hours)s hour of access to them. Parties see their own cases free of charge.",
            "Seeing how many cases match is free. Viewing the results costs the search fee, which gives you "
            "%(hours)s hours of access to them. Parties see their own cases free of charge.",
            hours,
        ),
        hours=hours,
    )


def cases_match(results: Any) -> Markup:
    """ "12 cases match", or "About 136,700 cases match" for an estimate."""
    total = int(results.total)
    if results.estimated:
        message = ngettext("About %(number)s case matches", "About %(number)s cases match", total)
    else:
        message = ngettext("%(number)s case matches", "%(number)s cases match", total)
    return fmt(message, number=intcomma(total), counter=total)


def own_cases(count: int) -> Markup:
    return fmt(
        ngettext(
            "%(counter)s of them is your own case, shown free of charge.",
            "%(counter)s of them are your own cases, shown free of charge.",
            count,
        ),
        counter=count,
    )


def pay_prompt() -> Markup:
    hours = access_hours()
    return fmt(
        ngettext(
            "Pay the search fee to see every matching case, with its parties, date of issue, nature and status, "
            "for %(hours)s hour. You get a receipt.",
            "Pay the search fee to see every matching case, with its parties, date of issue, nature and status, "
            "for %(hours)s hours. You get a receipt.",
            hours,
        ),
        hours=hours,
    )


def awaiting_payment(count: int) -> Markup:
    return fmt(
        ngettext(
            "%(counter)s case matches. The results open here as soon as the search fee is paid.",
            "%(counter)s cases match. The results open here as soon as the search fee is paid.",
            count,
        ),
        counter=count,
    )
