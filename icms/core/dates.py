"""Dates and times in the reader's language, by named format (see :mod:`icms.formats`).

Django's ``date`` filter knows its own names (``DATE_FORMAT``, ``DATETIME_FORMAT``…).
The portal needs a few more, such as the long date with the weekday of a cause list
heading: each language's format module defines them, and :func:`format_named` looks
them up, falling back to Django's nearest format rather than printing a name.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.utils import dateformat, formats, timezone, translation

# The portal's named formats, each with the Django format it falls back to.
PORTAL_FORMATS: dict[str, str] = {
    "LONG_DATE_FORMAT": "DATE_FORMAT",
    "LONG_DATETIME_FORMAT": "DATETIME_FORMAT",
    "DATETIME_SECONDS_FORMAT": "DATETIME_FORMAT",
    "LONG_DATETIME_SECONDS_FORMAT": "DATETIME_FORMAT",
    "WEEKDAY_MONTH_DAY_FORMAT": "MONTH_DAY_FORMAT",
}


def format_string(name: str, lang: str | None = None) -> str:
    """The active language's format string for ``name`` (a Django or a portal format name)."""
    value = str(formats.get_format(name, lang=lang))
    if value == name and name in PORTAL_FORMATS:
        # Not defined for this language: get_format echoes the name back.
        value = str(formats.get_format(PORTAL_FORMATS[name], lang=lang))
    return value


def format_named(value: object, name: str) -> str:
    """``value`` in the named format of the active language; ``""`` for no date or time.

    An aware datetime is shown in the active time zone (Asia/Hong_Kong on the portal),
    as Django's ``date`` filter does.
    """
    if isinstance(value, datetime):
        if settings.USE_TZ and timezone.is_aware(value):
            value = timezone.localtime(value)
        return dateformat.format(value, format_string(name))
    if isinstance(value, date):
        return dateformat.format(value, format_string(name))
    if isinstance(value, time):
        return dateformat.time_format(value, format_string(name))
    return ""


@register(Tags.translation)
def check_portal_formats(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """Every language of the portal defines every portal format in ``icms.formats``."""
    errors: list[CheckMessage] = []
    for code, _name in settings.LANGUAGES:
        modules = [m for m in formats.get_format_modules(code) if m.__name__.startswith("icms.formats.")]
        if not modules:
            errors.append(
                Error(
                    f"No format module in icms.formats for language {code!r}.",
                    hint=f"Add icms/formats/{translation.to_locale(code)}/formats.py.",
                    id="icms.E010",
                )
            )
            continue
        missing = [name for name in PORTAL_FORMATS if not hasattr(modules[0], name)]
        if missing:
            errors.append(
                Error(
                    f"{modules[0].__name__} does not define {', '.join(missing)}.",
                    id="icms.E011",
                )
            )
    return errors
