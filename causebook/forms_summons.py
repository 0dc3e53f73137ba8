"""The Enquire Summons form (causebook/views_summons.py): the summons number and the ID's last four."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from filing.case_numbers import CaseNumber, parse_case_number

from .summons_enquiry import id_last_four_is_well_formed, id_last_four_normalise


class NotShownAgainInput(forms.TextInput):
    """A text box that never shows its value again: the ID's characters are not sent back to the page."""

    def format_value(self, value: Any) -> str | None:
        return None


class SummonsEnquiryForm(forms.Form):
    summons_number = forms.CharField(
        label=_("Summons number"),
        max_length=40,
        help_text=_("As printed on the summons, for example KCS 4021/2026."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    id_last_four = forms.CharField(
        label=_("Last four characters of your identity document"),
        max_length=20,
        help_text=_(
            "Of the identity card or other document the summons names you by, counting the check digit in "
            "brackets: for A123456(7), enter 4567."
        ),
        widget=NotShownAgainInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters", "inputmode": "text"}
        ),
    )

    def clean_summons_number(self) -> CaseNumber:
        number = parse_case_number(self.cleaned_data["summons_number"])
        if number is None or not number.is_complete:
            raise forms.ValidationError(
                _("Enter the summons number as printed on the summons, with its year: for example KCS 4021/2026."),
                code="invalid",
            )
        return number

    def clean_id_last_four(self) -> str:
        value: str = self.cleaned_data["id_last_four"]
        if not id_last_four_is_well_formed(value):
            raise forms.ValidationError(
                _("Enter exactly four letters or digits: the last four characters of your identity document."),
                code="invalid",
            )
        return id_last_four_normalise(value)
