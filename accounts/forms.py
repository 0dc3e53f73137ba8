"""Forms of the account screens. They validate input; the services enforce the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from . import registration
from .hkid import validate_hkid
from .models import Membership, Organisation
from .telephone import validate_telephone

# Autocomplete tokens (WCAG 1.3.5, 3.3.8): a browser or password manager fills what it knows
# about the person. A name in Chinese has no token of its own ("name" would fill the English
# one), and fields about someone else (an invitee's email) or about the organisation's internal
# structure (a branch code) are "off".


def _text(autocomplete: str, **attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": autocomplete, **attrs})


class SignupDetailsForm(forms.Form):
    """The fields our registration adds to allauth's (``ACCOUNT_SIGNUP_FORM_CLASS``).

    The name in English is required (it names the person on filings and member lists);
    the name in Chinese is optional. Registering from an invitation link shows the invited
    email address and keeps it: the posted value is replaced by it (accounts.registration).
    """

    first_name = forms.CharField(label=_("Given names (English)"), max_length=150, widget=_text("given-name"))
    last_name = forms.CharField(label=_("Surname (English)"), max_length=150, widget=_text("family-name"))
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=150, required=False)
    field_order = ["first_name", "last_name", "name_zh", "email", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = registration.invitation_pending()
        if self.invitation is not None and "email" in self.fields:
            self.initial["email"] = self.invitation.email
            email = self.fields["email"]
            email.widget.attrs["readonly"] = True
            email.help_text = _("The address your invitation was sent to.")
            if self.is_bound:
                data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
                data[self.add_prefix("email")] = self.invitation.email
                self.data = data

    def signup(self, request: Any, user: Any) -> None:
        """allauth's hook after it saves the new user: our fields and the invitation."""
        registration.signup_complete(
            request=request,
            user=user,
            name_zh=self.cleaned_data.get("name_zh", ""),
            invitation=self.invitation,
        )


class ProfileForm(forms.Form):
    first_name = forms.CharField(
        label=_("Given names (English)"), max_length=150, required=False, widget=_text("given-name")
    )
    last_name = forms.CharField(
        label=_("Surname (English)"), max_length=150, required=False, widget=_text("family-name")
    )
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=150, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language for email and notices"),
        choices=settings.LANGUAGES,
        widget=forms.Select(attrs={"autocomplete": "language"}),
    )
    hkid = forms.CharField(
        label=_("HKID number"),
        max_length=12,
        required=False,
        validators=[validate_hkid],
        help_text=_(
            "Optional. Needed only for the registry's identity check before your first filing. "
            "Leave it empty to keep the number on file."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    remove_hkid = forms.BooleanField(label=_("Remove the HKID number on file"), required=False)
    hearing_reminders = forms.BooleanField(
        label=_("Email me on the working day before each hearing in my cases"),
        required=False,
        help_text=_(
            "A reminder with the date, time and courtroom. The notice of hearing always reaches your message box."
        ),
    )


class OrganisationApplicationForm(forms.Form):
    type = forms.ChoiceField(label=_("Type of organisation"), choices=Organisation.Type.choices)
    name_en = forms.CharField(label=_("Name in English"), max_length=255, widget=_text("organization"))
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=255, required=False)
    address = forms.CharField(
        label=_("Business address"), widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"})
    )
    telephone = forms.CharField(
        label=_("Office telephone"),
        max_length=30,
        validators=[validate_telephone],
        help_text=_("For example 2869 0869, or with the country code, +44 20 7946 0958."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    declaration = forms.BooleanField(
        label=_("I am authorised to register this organisation and to act as its primary administrator.")
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (Membership.Role.MEMBER, Membership.Role.MEMBER.label),
            (Membership.Role.SECONDARY_ADMIN, Membership.Role.SECONDARY_ADMIN.label),
        ],
        help_text=_("Only Organisation Users can file. Only the primary administrator can add administrators."),
    )
    branch_code = forms.CharField(label=_("Branch code"), max_length=20, required=False, widget=_text("off"))
    sees_all_cases = forms.BooleanField(label=_("May see all the organisation's cases"), required=False)


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (Membership.Role.MEMBER, Membership.Role.MEMBER.label),
            (Membership.Role.SECONDARY_ADMIN, Membership.Role.SECONDARY_ADMIN.label),
        ],
    )


class AccessForm(forms.Form):
    branch_code = forms.CharField(label=_("Branch code"), max_length=20, required=False, widget=_text("off"))
    sees_all_cases = forms.BooleanField(label=_("May see all the organisation's cases"), required=False)


class MemberChoiceField(forms.ModelChoiceField[Membership]):
    """A member of the organisation, shown by name and email address."""

    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.display_name} ({obj.user.email})"


class TransferForm(forms.Form):
    to_membership = MemberChoiceField(
        label=_("New primary administrator"), queryset=Membership.objects.none(), empty_label=None
    )
    confirm = forms.BooleanField(label=_("I understand that I will become a secondary administrator."))

    def __init__(self, *args: Any, secondaries: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(MemberChoiceField, self.fields["to_membership"]).queryset = secondaries


class MfaRuleForm(forms.Form):
    require_mfa = forms.BooleanField(label=_("Require two-factor authentication of every member"), required=False)
