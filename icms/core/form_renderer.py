"""The form renderer: Django's widget templates, with the common widgets written in Python.

Every ``{{ field }}`` renders its widget through the template engine
(``FORM_RENDERER = TemplatesSetting``): an ``<input>`` is three templates (``text.html``
includes ``input.html``, which includes ``attrs.html``), and a ``<select>`` one more
``{% include %}`` per option. On the cause book's search page the six fields' widgets
cost more than the rest of the page (the case types' select alone has two dozen
options), and the daily cause list's court picker as much as its sixty rows.

:class:`FormRenderer` writes the inputs, selects with their options, and textareas of
Django's own templates in Python, with the same escaping (``conditional_escape``, as
``{{ }}`` does) and the same markup; ``tests/core/test_form_renderer.py`` holds each to
what the template renders. Anything else goes to the templates as before: another
widget, an option label that the template would localise (a number, a date), or a
widget template that the project or an app overrides (looked up once per process:
an override under ``templates/django/forms/`` wins, as with ``TemplatesSetting``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import django.forms
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.functional import Promise
from django.utils.safestring import SafeData

WIDGETS = "django/forms/widgets/"
# Django's own widget templates (django/forms/templates), to tell them from an override.
DJANGO_TEMPLATES = Path(django.forms.__file__).resolve().parent / "templates"

# Each of these is only ``{% include "django/forms/widgets/input.html" %}``.
INPUTS = frozenset(
    WIDGETS + name
    for name in (
        "input.html",
        "text.html",
        "number.html",
        "email.html",
        "url.html",
        "password.html",
        "hidden.html",
        "date.html",
        "datetime.html",
        "time.html",
        "search.html",
        "tel.html",
        "color.html",
        "checkbox.html",
    )
)
# What select.html and textarea.html include: one of them overridden means the template path.
PARTS = (WIDGETS + "attrs.html", WIDGETS + "input.html", WIDGETS + "select_option.html")


class _Fallback(Exception):
    """A value the template would format otherwise (localised): render it with the template."""


def _text(value: object) -> str:
    # ``{{ value }}`` for text: escaped unless already safe (``conditional_escape``; its
    # ``escape`` is ``html.escape``, called here directly: the lazy wrapper cost more).
    # Anything else (a number, a date) the template would localise: the template path.
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, str):
        return escape(value)
    raise _Fallback


def _formatted(value: object) -> str:
    # ``{{ value|stringformat:'s' }}``: "%s", and escaped unless the value was safe
    # (stringformat is ``is_safe``, so a safe value stays as it is).
    if isinstance(value, tuple):
        value = str(value)
    text = "%s" % (value,)  # noqa: UP031 (exactly what stringformat:'s' does)
    return text if isinstance(value, SafeData) else escape(text)  # what Django's escape() calls


def _attrs(attrs: Mapping[str, Any]) -> str:
    # attrs.html: `` name="value"``, a bare `` name`` for True, nothing for False.
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _option(option: Mapping[str, Any]) -> str:
    if option.get("template_name") != WIDGETS + "select_option.html":
        raise _Fallback
    # The included select_option.html ends in a newline, which the select keeps.
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>\n'
    )


def _select(widget: Mapping[str, Any]) -> str:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        parts.extend(f"\n  {_option(option)}" for option in group_choices)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = _text(value) if value else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{shown}</textarea>'


WRITERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **dict.fromkeys(INPUTS, _input),
    WIDGETS + "select.html": _select,
    WIDGETS + "textarea.html": _textarea,
}


@cache
def _is_djangos_own(template_name: str) -> bool:
    """Whether ``template_name`` and what it includes are Django's own files, not an override."""
    for name in (template_name, *PARTS):
        origin = getattr(get_template(name), "origin", None)
        if origin is None or not Path(str(origin.name)).resolve().is_relative_to(DJANGO_TEMPLATES):
            return False
    return True


class FormRenderer(TemplatesSetting):
    """``TemplatesSetting``, with Django's common widget templates written in Python (see the module)."""

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        write = WRITERS.get(template_name)
        if write is not None and _is_djangos_own(template_name):
            try:
                return write(context["widget"])
            except _Fallback:
                pass
        return str(super().render(template_name, context, request))


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: object) -> None:
    # A test that swaps the templates' settings may bring an override in.
    if setting in {"TEMPLATES", "INSTALLED_APPS"}:
        _is_djangos_own.cache_clear()
