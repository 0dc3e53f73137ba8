"""Courts, case types, cases and case assignments in the staff site."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..models import Case, CaseAssignment, CaseType, ClaimLimit, Court, Party
from ..party_ids import party_id_check, party_id_normalise
from .joining import CaseJoiningAdminMixin
from .search import CaseNumberSearchMixin


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin[Court]):
    list_display = ["code", "name_en", "name_zh", "level"]
    list_filter = ["level"]


@admin.register(CaseType)
class CaseTypeAdmin(admin.ModelAdmin[CaseType]):
    list_display = ["prefix", "name_en", "name_zh", "court"]
    list_filter = ["court__level", "court"]


class PartyAdminForm(forms.ModelForm[Party]):
    """A party as staff correct it. The identity number is never shown whole, not even here:
    staff see it masked and may type a new one (filing.party_ids checks it)."""

    new_id_number = forms.CharField(
        label=_("New identity document number"),
        required=False,
        max_length=40,
        help_text=_("Leave blank to keep the number on record. Choose no identity document to remove it."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Party
        # Not id_number: it is set from new_id_number, and never put in a page.
        fields = [
            "side",
            "ordinal",
            "kind",
            "name_en",
            "name_zh",
            "address_for_service",
            "id_kind",
            "user",
            "representative",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        id_kind = data.get("id_kind", "")
        number = data.get("new_id_number", "").strip() or (self.instance.id_number if id_kind else "")
        try:
            party_id_check(id_kind, number)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error("new_id_number" if field == "id_number" else field, messages)
            return data
        self.instance.id_number = party_id_normalise(id_kind, number)
        return data


class PartyInline(admin.StackedInline[Party, Case]):
    model = Party
    form = PartyAdminForm
    extra = 0
    fields = [
        ("side", "ordinal", "kind"),
        ("name_en", "name_zh"),
        "address_for_service",
        ("id_kind", "id_number_on_record", "new_id_number"),
        ("user", "representative"),
    ]
    # Who acts for a party changes only through the audited representation page
    # (filing/admin/joining.py), which keeps the Representation history.
    readonly_fields = ["id_number_on_record", "user", "representative"]

    @admin.display(description=_("identity document number"))
    def id_number_on_record(self, obj: Party) -> str:
        return obj.id_number_masked or "—"


@admin.register(Case)
class CaseAdmin(CaseJoiningAdminMixin, CaseNumberSearchMixin[Case]):
    """Cases; the search box takes a case number or a party's name. Who is on record and the
    respondents' access codes are changed from the case page (filing/admin/joining.py)."""

    list_display = ["__str__", "case_type", "status", "amount_claimed", "issued_at"]
    list_filter = ["status", "case_type__court", "case_type"]
    list_select_related = ["case_type"]
    search_fields = ["parties__name_en", "parties__name_zh"]
    inlines = [PartyInline]
    readonly_fields = ["parties_on_record"]

    def has_delete_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        # A case is part of the court record, with its filings and documents: never deleted.
        return False


@admin.register(CaseAssignment)
class CaseAssignmentAdmin(admin.ModelAdmin[CaseAssignment]):
    """Account linking, read-only here: organisation administrators assign cases in the portal."""

    list_display = ["case", "membership", "assigned_by", "created_at"]
    list_select_related = ["case__case_type", "membership__user", "membership__organisation", "assigned_by"]
    raw_id_fields = ["case", "membership", "assigned_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CaseAssignment | None = None) -> bool:
        return False


@admin.register(ClaimLimit)
class ClaimLimitAdmin(admin.ModelAdmin[ClaimLimit]):
    """The most a court may award, per case type and from a date: the new-case form and the
    service that starts a case read it (filing.claim_limits). A change of the law is a new row
    from its date, with its source; rows are never deleted, since cases were checked against them."""

    list_display = ["case_type", "amount", "effective_from", "source_note"]
    list_filter = ["case_type"]
    list_select_related = ["case_type"]
    fields = ["case_type", "amount", "effective_from", "source_note"]

    def has_delete_permission(self, request: HttpRequest, obj: ClaimLimit | None = None) -> bool:
        return False
