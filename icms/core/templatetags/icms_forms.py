"""Form errors the GOV.UK Design System way, for every form of the portal (allauth's included).

::

    {% load icms_forms %}
    {% error_summary form %}                    one summary for the page, first in the form
    {% error_summary case_form formset extra=key_errors %}
    {{ field|error_anchor }}                    the id a summary link points to
    {{ field|field_error_messages }}            the field's errors, each naming its group
    {% error_title_prefix %}                    "Error: " / "錯誤：" when the page shows a form with errors

A form that repeats a group of fields (a party, a document row, a fee item) names the group,
so that two "Name in English" errors say whose name they are:

* ``form.error_group``: the whole form is one group, such as "Document 2" in a formset;
* ``form.error_groups``: ``{field name: group}`` where one form holds several groups.

A form that holds formsets of its own (the new-case form's party rows, "Defendant 2")
lists them in ``form.error_parts``: their errors are summarised after the form's own, and
count as the form's for the page's title.

The group is put before each of the field's errors, next to the field and in the summary
("Defendant: Enter the name in English, in Chinese, or both.").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.template.context import Context
from django.template.loader import get_template
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()

# Widgets whose label is not tied to one input: the summary links to the first one.
GROUPED_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget)


@dataclass(frozen=True)
class SummaryItem:
    text: str
    href: str = ""


def error_group(form: forms.BaseForm, field_name: str | None = None) -> str:
    """The group a form's field belongs to ("Defendant", "Document 2"), or ``""``."""
    groups: dict[str, Any] = getattr(form, "error_groups", None) or {}
    group = groups.get(field_name or "") or getattr(form, "error_group", "") or ""
    return str(group)


def _grouped(group: str, message: str) -> str:
    return gettext("%(group)s: %(error)s") % {"group": group, "error": message} if group else message


@register.filter
def error_anchor(field: forms.BoundField) -> str:
    """The id of the input a summary link moves to: the first of a group of radios or checkboxes."""
    if isinstance(field.field.widget, GROUPED_WIDGETS):
        subwidgets = field.subwidgets
        if subwidgets:
            return str(subwidgets[0].data["attrs"].get("id") or field.auto_id)
    return str(field.auto_id or "")


@register.filter
def field_error_messages(field: forms.BoundField) -> list[str]:
    """The field's errors, each naming the field's group where the form repeats one."""
    group = error_group(field.form, field.name)
    return [_grouped(group, str(message)) for message in field.errors]


def _first_anchor(form: forms.BaseForm) -> str:
    for field in form.visible_fields():
        return "#" + error_anchor(field)
    return ""


def _form_items(form: forms.BaseForm) -> list[SummaryItem]:
    if not form.is_bound:
        return []
    if not form.errors:
        return summary_items(*getattr(form, "error_parts", ()))
    first = _first_anchor(form)
    group = error_group(form)
    items = [SummaryItem(_grouped(group, str(error)), first) for error in form.non_field_errors()]
    for field in form.hidden_fields():
        items += [SummaryItem(_grouped(group, str(error))) for error in field.errors]
    for field in form.visible_fields():
        label = str(field.label or "")
        for message in field_error_messages(field):
            text = gettext("%(label)s: %(error)s") % {"label": label, "error": message} if label else message
            items.append(SummaryItem(text, "#" + error_anchor(field)))
    return items + summary_items(*getattr(form, "error_parts", ()))


def summary_items(*sources: Any, extra: Any = None) -> list[SummaryItem]:
    """Every error of the page's forms and formsets, in order, each linked to its field."""
    items = [SummaryItem(str(error)) for error in (extra or [])]
    for source in sources:
        if isinstance(source, BaseFormSet):
            if not source.is_bound:
                continue
            first = next((_first_anchor(form) for form in source.forms), "")
            items += [SummaryItem(str(error), first) for error in source.non_form_errors()]
            for form in source.forms:
                items += _form_items(form)
        elif isinstance(source, forms.BaseForm):
            items += _form_items(source)
    return items


@register.inclusion_tag("components/error_summary.html", takes_context=True)
def error_summary(context: Context, *sources: Any, extra: Any = None) -> dict[str, Any]:
    """The page's one error summary: focused on load, each error a link to its field.

    A form summarised once is not summarised again on the same page (allauth's email page
    passes one form to two of its form elements).
    """
    return {"items": _page_summary_items(context.get("request"), sources, extra)}


def _page_summary_items(request: Any, sources: tuple[Any, ...], extra: Any) -> list[SummaryItem]:
    shown: set[int] = getattr(request, "_icms_summarised_forms", set())
    fresh = [source for source in sources if id(source) not in shown]
    if request is not None:
        request._icms_summarised_forms = shown | {id(source) for source in fresh}
    if sources and not fresh and not extra:
        return []
    return summary_items(*fresh, extra=extra)


def error_summary_html(request: Any, *sources: Any, extra: Any = None) -> SafeString:
    """``{% error_summary %}`` for the Jinja2 pages (icms.core.jinja): the same template, the same rule."""
    items = _page_summary_items(request, sources, extra)
    if not items:
        return SafeString("")
    return SafeString(get_template("components/error_summary.html", using="django").render({"items": items}))


def _shows_errors(value: Any) -> bool:
    # type(), not isinstance(): isinstance would evaluate lazy objects in the context
    # (the CSRF token, the user), which has side effects.
    kind = type(value)
    if issubclass(kind, BaseFormSet):
        return bool(value.is_bound and value.total_error_count())
    if issubclass(kind, forms.BaseForm):
        parts = getattr(value, "error_parts", ())
        return bool(value.is_bound and value.errors) or any(_shows_errors(part) for part in parts)
    return False


def page_has_errors_in(values: Iterable[Any], *, page_errors: Any = None) -> bool:
    """Whether these context values hold a bound form or formset with errors (or ``page_errors`` says so)."""
    return bool(page_errors) or any(_shows_errors(value) for value in values)


def page_has_errors(context: Context) -> bool:
    """Whether the page shows a bound form or formset with errors (or says so: ``page_errors``)."""
    return page_has_errors_in(context.flatten().values(), page_errors=context.get("page_errors"))


@register.simple_tag(takes_context=True)
def error_title_prefix(context: Context) -> str:
    """ "Error: " before the page's title when it shows a form with errors (GOV.UK's pattern)."""
    if not page_has_errors(context):
        return ""
    prefix = gettext("Error:")
    # A full-width colon ("錯誤：") needs no space after it.
    return prefix if prefix.endswith("：") else prefix + " "
