"""The offence of a summons on the new-case form (filing.forms_new_case.NewCaseForm).

A case type of a Magistrates' summons court (:func:`~filing.services.summonses.is_summons_case_type`)
asks for the offence instead of "The claim": the offence in English and Chinese, the
ordinance and section, the date and place, and the prosecutor's and officer's references.
The prosecuting department is the filer's organisation (none for a private informant), and
the return day and courtroom are allotted by the registry at acceptance, so neither is asked.
The case's nature (the cause book's and the cause list's "Offence / nature") is the offence.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icms.core.time import HONG_KONG

from .services.filing_input import SummonsInput

#: The names of the summons fields inside the new-case form, in the page's order.
SUMMONS_FIELD_NAMES: tuple[str, ...] = (
    "offence_en",
    "offence_zh",
    "ordinance",
    "section",
    "offence_date",
    "offence_place",
    "department_reference",
    "officer_reference",
)
# Case.nature_en and _zh hold 255 characters: a longer offence is shortened there (kept whole on the summons).
_NATURE_MAX = 255


def summons_fields() -> dict[str, forms.Field]:
    """New field objects for one form (a form must not share its fields with another)."""
    return {
        "offence_en": forms.CharField(
            label=_("Offence (English)"),
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("As the information states it, for example: Depositing litter in a public place."),
        ),
        "offence_zh": forms.CharField(
            label=_("Offence (Chinese)"),
            max_length=2000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        ),
        "ordinance": forms.CharField(
            label=_("Ordinance"), max_length=100, help_text=_("The chapter of the law, for example: Cap. 132.")
        ),
        "section": forms.CharField(
            label=_("Section"), max_length=50, help_text=_("The section that creates the offence, for example: s. 4.")
        ),
        "offence_date": forms.DateField(
            label=_("Date of the offence"),
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": _("Enter the date of the offence as a date, for example 2026-11-30.")},
        ),
        "offence_place": forms.CharField(
            label=_("Place of the offence"),
            max_length=255,
            help_text=_("For example: outside 1 Nathan Road, Tsim Sha Tsui."),
        ),
        "department_reference": forms.CharField(
            label=_("Prosecutor's reference"),
            max_length=60,
            help_text=_(
                "Your department's own reference for this summons (a private informant gives their own). "
                "Each summons has its own reference."
            ),
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        ),
        "officer_reference": forms.CharField(
            label=_("Officer's reference"),
            max_length=60,
            required=False,
            help_text=_("Optional: the reference of the officer in charge of the case."),
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        ),
    }


def summons_clean(form: forms.Form, data: dict[str, Any]) -> None:
    """The checks across the summons fields: an offence happened on or before today (Hong Kong)."""
    offence_date = data.get("offence_date")
    if offence_date is not None and offence_date > timezone.now().astimezone(HONG_KONG).date():
        form.add_error("offence_date", _("The date of the offence cannot be in the future."))


def summons_input(data: dict[str, Any]) -> SummonsInput:
    """The summons the valid form describes, for ``NewCase.summons``."""
    return SummonsInput(
        offence_en=data["offence_en"].strip(),
        offence_zh=data["offence_zh"].strip(),
        ordinance=data["ordinance"].strip(),
        section=data["section"].strip(),
        offence_date=data["offence_date"],
        offence_place=data["offence_place"].strip(),
        department_reference=data["department_reference"].strip(),
        officer_reference=data["officer_reference"].strip(),
    )


def nature_of(offence: str) -> str:
    """The case's nature for an offence: the offence itself, shortened to fit."""
    text = " ".join(offence.split())
    return text if len(text) <= _NATURE_MAX else text[: _NATURE_MAX - 1].rstrip() + "…"
