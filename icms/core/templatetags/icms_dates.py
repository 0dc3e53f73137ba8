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
Machine-readable ``<time datetime="...">`` values use ``|iso_datetime`` (HTML allows at most three
digits of fractional seconds, so never ``|date:"c"``, which gives six) or ``|date:"Y-m-d"``.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

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


@register.filter
def iso_datetime(value: object) -> str:
    """A ``<time datetime>`` value HTML accepts: ISO 8601 in the active time zone, with its
    offset and milliseconds (``2026-11-26T19:06:54.123+08:00``); a date stays a date."""
    if isinstance(value, datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    return ""
