"""The cause book search form and the cause list's court and date picker (GET forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from filing.models import Court

from .query import MAX_QUERY_LENGTH, MAX_YEAR, MIN_YEAR
from .reference import search_filter_choices


class SearchForm(forms.Form):
    """Only renders and explains the fields: :class:`causebook.query.SearchQuery` reads the values."""

    q = forms.CharField(
        label=_("Party name or case number"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        help_text=_("In English or Chinese, for example CHAN Tai Man, 陳大文 or DCCJ 3618/2010."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    court = forms.ChoiceField(label=_("Court"), required=False)
    type = forms.ChoiceField(label=_("Case type"), required=False)
    year_from = forms.IntegerField(label=_("From year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), ("active", _("Active")), ("closed", _("Closed"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        courts, types = search_filter_choices()  # kept in the cache: causebook/reference.py
        self.fields["court"].choices = [("", _("All courts")), *courts]  # type: ignore[attr-defined]
        self.fields["type"].choices = [("", _("All case types")), *types]  # type: ignore[attr-defined]
        for name in ("year_from", "year_to"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric"})


class CauseListForm(forms.Form):
    court = forms.ChoiceField(label=_("Court"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, courts: list[Court], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].choices = [(court.code, court.name) for court in courts]  # type: ignore[attr-defined]
