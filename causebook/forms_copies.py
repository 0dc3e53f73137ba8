"""The forms of an application for a copy, a certified true copy or a certificate (causebook/copies.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .copies import MAX_COPIES
from .models import CopyApplication

Kind = CopyApplication.Kind


def _copies() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Number of copies"),
        min_value=1,
        max_value=MAX_COPIES,
        initial=1,
        help_text=_("From 1 to %(most)s. The copies come as one PDF, one after another.") % {"most": MAX_COPIES},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Enter the number of copies."),
            "invalid": _("Enter the number of copies as a whole number, such as 1."),
            "min_value": _("Ask for at least 1 copy."),
            "max_value": _("Ask for at most %(limit_value)s copies."),
        },
    )


class CopyForm(forms.Form):
    """A party's application for a copy of one document."""

    kind = forms.ChoiceField(
        label=_("What do you need?"),
        choices=[
            (Kind.COPY, _("A copy: stamped COPY with a document reference number")),
            (Kind.CERTIFIED_COPY, _("A certified true copy: certified by the registry on every page")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a copy or a certified true copy.")},
    )
    copies = _copies()


class CertificateForm(forms.Form):
    """A party's application for a certificate of trial or of conviction (summons cases)."""

    kind = forms.ChoiceField(
        label=_("Which certificate do you need?"),
        choices=[
            (Kind.CERTIFICATE_OF_TRIAL, _("Certificate of trial")),
            (Kind.CERTIFICATE_OF_CONVICTION, _("Certificate of conviction")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the certificate you need.")},
    )
    copies = _copies()


class PublicCopyForm(CopyForm):
    """A member of the public's application for a copy of a document open to public inspection."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name.")},
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send the link to your copy here. Only that link opens it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address in the right form, such as name@example.com."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["name", "email", "kind", "copies"])


class CopyIssueForm(forms.Form):
    """The registry issues an application: certificates need the particulars they certify."""

    particulars = forms.CharField(
        label=_("Particulars certified"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Certificates only: the trial, or the conviction and sentence, as the court's record shows them. "
            "Printed on the certificate as entered."
        ),
    )


class CopyRefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusing"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant is told this. A paid fee is refunded."),
    )
