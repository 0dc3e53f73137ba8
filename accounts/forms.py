"""Forms of the account screens. They validate input; the services enforce the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .hkid import validate_hkid
from .models import Membership, Organisation


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Given names (English)"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Surname (English)"), max_length=150, required=False)
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=150, required=False)
    preferred_language = forms.ChoiceField(label=_("Language for email and notices"), choices=settings.LANGUAGES)
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


class OrganisationApplicationForm(forms.Form):
    type = forms.ChoiceField(label=_("Type of organisation"), choices=Organisation.Type.choices)
    name_en = forms.CharField(label=_("Name in English"), max_length=255)
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=255, required=False)
    address = forms.CharField(label=_("Business address"), widget=forms.Textarea(attrs={"rows": 3}))
    telephone = forms.CharField(
        label=_("Office telephone"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "tel"})
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
    branch_code = forms.CharField(label=_("Branch code"), max_length=20, required=False)
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
    branch_code = forms.CharField(label=_("Branch code"), max_length=20, required=False)
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
