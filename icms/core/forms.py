"""Forms of the portal's own pages (the accessibility statement's problem report)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AccessibilityReportForm(forms.Form):
    """Report a problem with accessibility: which page, what went wrong, and how to reply."""

    page = forms.CharField(
        label=_("Which page has the problem?"),
        help_text=_("The page's web address or its title."),
        max_length=500,
        error_messages={"required": _("Enter the page where you found the problem.")},
    )
    description = forms.CharField(
        label=_("What went wrong?"),
        help_text=_(
            "Tell us what you were trying to do, what happened, and any assistive technology you use. "
            "Do not include details of a case."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Describe the problem."),
            "max_length": _("Describe the problem in 5,000 characters or fewer."),
        },
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address (optional)"),
        help_text=_("Only if you would like a reply."),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.com.")},
    )
