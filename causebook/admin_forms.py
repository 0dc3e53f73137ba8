"""The registry's forms to fix, adjourn and vacate a hearing (causebook.admin's custom views)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from filing.models import Case, Court
from icms.calendar.admin import LabelledSplitDateTime

from .models import Hearing


def _reason() -> forms.CharField:
    return forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed on the notice to the parties, and kept in the audit log."),
    )


def _starts_at(label: Any) -> forms.SplitDateTimeField:
    return forms.SplitDateTimeField(
        label=label,
        widget=LabelledSplitDateTime,
        help_text=_("Hong Kong time. The hearing must be in the future."),
    )


class HearingFixForm(forms.Form):
    """Fix a hearing in one case: the listing and its notice, in one step."""

    court = forms.ModelChoiceField(label=_("Court"), queryset=Court.objects.order_by("level", "code"))
    courtroom = forms.CharField(label=_("Courtroom"), max_length=30, help_text=_("For example: Court No. 31."))
    starts_at = _starts_at(_("Date and time (Hong Kong time)"))
    judge_en = forms.CharField(label=_("Judge or master (English)"), max_length=150)
    judge_zh = forms.CharField(label=_("Judge or master (Chinese)"), max_length=150, required=False)
    hearing_type = forms.ChoiceField(label=_("Hearing type"), choices=Hearing.HearingType.choices)
    nature_en = forms.CharField(
        label=_("Nature of the hearing (English)"),
        max_length=255,
        required=False,
        help_text=_("Leave blank to use the case's nature."),
    )
    nature_zh = forms.CharField(label=_("Nature of the hearing (Chinese)"), max_length=255, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("court", case.case_type.court_id)
        super().__init__(*args, **kwargs)


class HearingAdjournForm(forms.Form):
    new_starts_at = _starts_at(_("New date and time (Hong Kong time)"))
    courtroom = forms.CharField(
        label=_("Courtroom"),
        max_length=30,
        required=False,
        help_text=_("Leave blank to keep the same courtroom."),
    )
    reason = _reason()


class HearingVacateForm(forms.Form):
    reason = _reason()
