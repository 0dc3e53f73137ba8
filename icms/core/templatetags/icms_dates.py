"""The portal's named date formats that Django's ``date`` filter does not know.

For Django's own names use ``date`` itself: ``{{ value|date:"DATE_FORMAT" }}``,
``{{ value|date:"DATETIME_FORMAT" }}``. For the portal's (see :mod:`icms.formats`)::

    {% load icms_dates %}
    {{ day|long_date }}                       Thursday 26 November 2026 / 2026年11月26日（星期四）
    {{ moment|long_datetime }}                Thursday 26 November 2026, 19:06 / 2026年11月26日（星期四）19:06
    {{ moment|datetime_seconds }}             26 Nov 2026, 19:06:54 / 2026年11月26日 19:06:54
    {{ moment|long_datetime_seconds }}        Thursday 26 November 2026, 19:06:54 / 2026年11月26日（星期四）19:06:54
    {{ day|weekday_month_day }}               Thu 26 Nov / 11月26日（星期四）

Aware datetimes are shown in the active time zone (Asia/Hong_Kong), as with ``date``.
Machine-readable ``<time datetime="...">`` values keep ``|date:"c"`` or ``|date:"Y-m-d"``.
"""

from __future__ import annotations

from django import template

from icms.core.dates import format_named

register = template.Library()


@register.filter(expects_localtime=True)
def long_date(value: object) -> str:
    return format_named(value, "LONG_DATE_FORMAT")


@register.filter(expects_localtime=True)
def long_datetime(value: object) -> str:
    return format_named(value, "LONG_DATETIME_FORMAT")


@register.filter(expects_localtime=True)
def datetime_seconds(value: object) -> str:
    return format_named(value, "DATETIME_SECONDS_FORMAT")


@register.filter(expects_localtime=True)
def long_datetime_seconds(value: object) -> str:
    return format_named(value, "LONG_DATETIME_SECONDS_FORMAT")


@register.filter(expects_localtime=True)
def weekday_month_day(value: object) -> str:
    return format_named(value, "WEEKDAY_MONTH_DAY_FORMAT")
