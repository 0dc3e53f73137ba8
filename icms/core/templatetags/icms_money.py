"""Money as the portal shows it: two decimals and a thousands separator, in both languages.

::

    {% load icms_money %}
    HK${{ order.amount|money }}          HK$1,468.00
    {{ order.amount|hkd }}               HK$1,468.00

``money`` is the number alone, for a ``HK$`` written in the template or inside a
``blocktranslate`` (``{% blocktranslate with amount=order.amount|money %}``). The PDFs use
:func:`icms.core.rendering.format_hkd`, which gives the same text.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from icms.core.rendering import format_hkd

register = template.Library()


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value: object) -> object:
    """``1468`` → ``1,468.00``; anything that is not a number is shown as it is."""
    amount = _decimal(value)
    if amount is None:
        return value
    return format_hkd(amount).removeprefix("HK$")


@register.filter
def hkd(value: object) -> object:
    """``1468`` → ``HK$1,468.00``."""
    amount = _decimal(value)
    if amount is None:
        return value
    return format_hkd(amount)
