"""The cause book search form and the cause list's court and date picker (GET forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from filing.models import Court
from icms.core.kept import Kept

from .query import MAX_QUERY_LENGTH, MAX_YEAR, MIN_YEAR
from .reference import REFERENCE_SECONDS, REFERENCE_VERSION_KEY, search_filter_choices


def _search_fields() -> dict[str, forms.Field]:
    # The search form's fields in the active language, with the courts and case types kept
    # (causebook/reference.py). Written in this order, with these attributes, as the page shows them.
    courts, types = search_filter_choices()
    fields: dict[str, forms.Field] = {
        "q": forms.CharField(
            label=_("Party name or case number"),
            max_length=MAX_QUERY_LENGTH,
            required=False,
            help_text=_("In English or Chinese, for example CHAN Tai Man, 陳大文 or DCCJ 3618/2010."),
            widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
        ),
        "court": forms.ChoiceField(label=_("Court"), required=False, choices=[("", _("All courts")), *courts]),
        "type": forms.ChoiceField(label=_("Case type"), required=False, choices=[("", _("All case types")), *types]),
        "year_from": forms.IntegerField(label=_("From year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR),
        "year_to": forms.IntegerField(label=_("To year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR),
        "status": forms.ChoiceField(
            label=_("Status"),
            required=False,
            choices=[("", _("Any status")), ("active", _("Active")), ("closed", _("Closed"))],
        ),
    }
    for name in ("year_from", "year_to"):
        fields[name].widget.attrs.update({"inputmode": "numeric"})
    return fields


# Built once per language while the courts and case types hold: a form deep-copies its fields,
# and copying these six (two selects of every court and case type) cost about 0.3 ms a page,
# on every search (issue 16).
_kept_fields: Kept[dict[str, forms.Field]] = Kept(REFERENCE_VERSION_KEY, max_age=REFERENCE_SECONDS)


class SearchForm(forms.Form):
    """Only renders and explains the fields: :class:`causebook.query.SearchQuery` reads the values.

    Its fields are shared by every form of a language in the process (``_kept_fields``): nothing
    may change them on a form; give the form a copy of one first.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = dict(_kept_fields.get(get_language(), _search_fields))


class CauseListForm(forms.Form):
    court = forms.ChoiceField(label=_("Court"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, courts: list[Court], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].choices = [(court.code, court.name) for court in courts]  # type: ignore[attr-defined]
