"""The return day a clerk allots when accepting a summons (on the review page's "Accept" form).

:func:`filing.services.filing_accept` takes it as a
:class:`~filing.services.summonses.SummonsListing` and refuses a new summons without one.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from icms.core.time import HONG_KONG

from ..models import Submission
from ..services.summonses import SummonsListing, is_summons_case_type


def allots_return_day(submission: Submission) -> bool:
    """Whether accepting ``submission`` allots a return day: an open filing that starts a summons."""
    return submission.is_open and submission.opens_case and is_summons_case_type(submission.case.case_type)


class SummonsListingForm(forms.Form):
    """The return day (Hong Kong time), the courtroom and, if nobody sits there yet that day, the magistrate."""

    return_date = forms.DateField(
        label=_("Return day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    return_time = forms.TimeField(
        label=_("Time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Hong Kong time, for example 09:30."),
    )
    courtroom = forms.CharField(label=_("Courtroom"), max_length=30, help_text=_("For example: Court No. 3."))
    magistrate_en = forms.CharField(
        label=_("Magistrate (English)"),
        max_length=150,
        required=False,
        help_text=_("Leave blank to list it before the magistrate already listed in that courtroom that day."),
    )
    magistrate_zh = forms.CharField(label=_("Magistrate (Chinese)"), max_length=150, required=False)

    def listing(self) -> SummonsListing:
        data = self.cleaned_data
        return SummonsListing(
            return_at=datetime.combine(data["return_date"], data["return_time"], tzinfo=HONG_KONG),
            courtroom=data["courtroom"],
            magistrate_en=data["magistrate_en"],
            magistrate_zh=data["magistrate_zh"],
        )
