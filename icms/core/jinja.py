"""The Jinja2 engine for the portal's busiest pages (issue 16): the page layout and the cause book.

The Django template language costs more per page than the whole of a minimal request:
every variable, tag and include goes through its nodes and contexts. Jinja2 compiles a
template to Python, so the same markup costs a fraction of it. The layout (header,
navigation, footer: ``templates/jinja2/layout.html``) has one home here; ``base.html``
hands its blocks to it (``icms.core.templatetags.icms_layout``), so pages of both
engines share the same header and footer, byte for byte.

Written to give the markup the Django template language gives:

* every ``{{ value }}`` is escaped with Django's ``conditional_escape`` (``finalize``), not
  markupsafe's, so quotes come out as ``&#x27;`` and ``&quot;`` as in the other pages;
* ``_("...")`` is ``{% translate "..." %}``: the translation, as markup (Django treats a
  string written in a template, and so its translation, as safe). ``makemessages``
  finds ``{{ _("...") }}`` and ``{% set x = _("...") %}`` in ``.html`` files (Django's
  ``templatize``), nothing else, so every string is written that way;
* ``_("... %(name)s ...")|fmt(name=value)`` is ``{% blocktranslate with name=value %}``:
  the translation is markup and the values are escaped. Plural messages are Python
  (``ngettext`` in a module), where ``makemessages`` finds them.

Dates: Django's ``date`` filter and the portal's named formats, in the active time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from importlib import import_module
from typing import Any

import jinja2
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import urlencode as django_urlencode
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext, pgettext
from markupsafe import Markup

from icms.core.dates import format_named
from icms.core.templatetags.icms_dates import iso_datetime
from icms.core.templatetags.icms_forms import error_summary_html, field_error_messages, page_has_errors_in
from icms.core.templatetags.icms_lang import lang_span
from icms.core.templatetags.icms_urls import fixed_url


def _finalize(value: Any) -> Any:
    # What the Django template language does with every {{ value }} (render_value_in_context):
    # localised, made a string, then escaped with Django's escape, unless it is safe already;
    # so both engines write the same entities.
    if type(value) is str:
        return Markup(escape(value))  # noqa: S704 (escaped)
    if value is None or isinstance(value, Markup):
        return value
    text = str(localize(value))
    return text if isinstance(text, SafeData) else Markup(escape(text))  # noqa: S704 (escaped)


def translate(message: str) -> Markup:
    """``{% translate "..." %}``: a string written in the template, translated; markup, as Django has it."""
    return Markup(gettext(message))  # noqa: S704 (the template's own text and its translation)


def fmt(message: str, **values: Any) -> Markup:
    """``{% blocktranslate with a=b %}``: the translated ``message`` is markup, the values are escaped."""
    return Markup(str(message) % {name: conditional_escape(value) for name, value in values.items()})  # noqa: S704


def _localtime(value: Any) -> Any:
    # What the Django template language does for filters marked expects_localtime.
    return timezone.localtime(value) if isinstance(value, datetime) and timezone.is_aware(value) else value


def date_filter(value: Any, format_string: str | None = None) -> str:
    """Django's ``|date``, with an aware datetime shown in the active time zone."""
    return str(django_date(_localtime(value), format_string))


def _named(format_name: str) -> Callable[[Any], str]:
    def apply(value: Any) -> str:
        return format_named(_localtime(value), format_name)

    apply.__name__ = format_name.lower()
    return apply


def url(name: str, *args: Any) -> str:
    """``{% url name arg %}``."""
    return reverse(name, args=args or None)


def urlencode(value: Any) -> str:
    """Django's ``|urlencode`` (``quote`` keeping ``/``), which Jinja2's own differs from."""
    return str(django_urlencode(value))


@jinja2.pass_context
def error_title_prefix(context: jinja2.runtime.Context) -> str:
    """``{% error_title_prefix %}``: "Error: " before the title of a page whose form shows errors."""
    if not page_has_errors_in(context.get_all().values(), page_errors=context.get("page_errors")):
        return ""
    prefix = gettext("Error:")
    return prefix if prefix.endswith("：") else prefix + " "


def session_timeout_notice(minutes: int) -> Markup:
    """The session's length, as the footer states it (templates/jinja2/layout/session_timeout.html)."""
    return fmt(
        ngettext(
            "For your security, you are signed out after %(minutes)s minute without activity. "
            "Before then, you will be asked if you want to stay signed in.",
            "For your security, you are signed out after %(minutes)s minutes without activity. "
            "Before then, you will be asked if you want to stay signed in.",
            minutes,
        ),
        minutes=minutes,
    )


def unread_count_label(unread: int) -> Markup:
    """ "(3 unread)" beside the message box in the navigation."""
    return fmt(ngettext("(%(unread)s unread)", "(%(unread)s unread)", unread), unread=unread)


def language_code() -> str:
    return get_language() or settings.LANGUAGE_CODE


@jinja2.pass_context
def error_summary(context: jinja2.runtime.Context, *sources: Any, extra: Any = None) -> SafeString:
    """``{% error_summary form %}`` (icms_forms): the page's one error summary."""
    return error_summary_html(context.get("request"), *sources, extra=extra)


class _CsrfToken:
    """The request's CSRF token for one page, masked once at its first use.

    As the Django template language's context has it (one masked token per page, however
    often it is written); Django's Jinja2 backend masks it anew at every use, three times a
    page here, each as dear as a dozen translated strings (issue 16).
    """

    __slots__ = ("_request", "_value")

    def __init__(self, request: HttpRequest) -> None:
        self._request = request
        self._value: str | None = None

    def __str__(self) -> str:
        if self._value is None:
            self._value = get_token(self._request)
        return self._value


class _CsrfInput:
    """``{{ csrf_input }}``: the hidden field with the page's one masked token."""

    __slots__ = ("_token",)

    def __init__(self, token: _CsrfToken) -> None:
        self._token = token

    def __str__(self) -> SafeString:
        return mark_safe(f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(self._token))}">')  # noqa: S308

    def __html__(self) -> str:
        return str(self)


def csrf(request: HttpRequest) -> dict[str, object]:
    """The Jinja2 engine's context processor (last, over the backend's own): ``csrf_token`` and
    ``csrf_input`` with one masked token per page."""
    token = _CsrfToken(request)
    return {"csrf_token": token, "csrf_input": _CsrfInput(token)}


def environment(**options: Any) -> jinja2.Environment:
    """The Jinja2 environment of ``settings.TEMPLATES``: Django's escaping, translations and helpers.

    ``OPTIONS["globals"]`` names modules the templates may call, ``{"cause_book": "causebook.pages"}``:
    an app's helpers without this module importing the app.
    """
    modules = {name: import_module(path) for name, path in options.pop("globals", {}).items()}
    options.setdefault("finalize", _finalize)
    # Django's templates keep a file's last newline; so do these, for the same markup.
    options.setdefault("keep_trailing_newline", True)
    env = jinja2.Environment(**options)  # noqa: S701 (autoescape is on: Django's backend sets it)
    env.globals.update(
        _=translate,
        pgettext=pgettext,
        static=static,
        url=url,
        fixed_url=fixed_url,
        language_code=language_code,
        error_title_prefix=error_title_prefix,
        session_timeout_notice=session_timeout_notice,
        unread_count_label=unread_count_label,
        error_summary=error_summary,
        **modules,
    )
    env.filters.update(
        fmt=fmt,
        date=date_filter,
        long_date=_named("LONG_DATE_FORMAT"),
        long_datetime=_named("LONG_DATETIME_FORMAT"),
        iso_datetime=iso_datetime,
        lang_span=lang_span,
        field_error_messages=field_error_messages,
        intcomma=intcomma,
        urlencode=urlencode,
    )
    return env


def render_markup(template_name: str, context: dict[str, Any]) -> SafeString:
    """Render a template of the Jinja2 engine with a ready context (no context processors):
    for the Django template language's bridges (``icms_layout``)."""
    from django.template import engines

    template = engines["jinja2"].env.get_template(template_name)  # type: ignore[attr-defined]
    return mark_safe(str(template.render(context)))  # noqa: S308 (autoescaped by the engine)
