"""Courts, case types, cases and case assignments in the staff site."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from icms.core.http import client_ip

from ..case_numbers import parse_case_number
from ..hooks import CaseListFilters, case_name_search
from ..models import Case, CaseAssignment, CaseType, ClaimLimit, Court, Party
from ..party_ids import party_id_check, party_id_normalise
from ..services.parties import party_remove_by_staff, party_save_by_staff
from .joining import CaseJoiningAdminMixin
from .search import CaseNumberSearchMixin, name_search_capped


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
    # Not a field of the party: what the audit log keeps with a change (filing.services.parties).
    change_reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to add, correct or remove a party; kept in the audit log, such as the court's order."),
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

    def changes(self) -> list[str]:
        """The fields staff changed, besides the reason (removing the party counts: ``DELETE``)."""
        return [name for name in self.changed_data if name != "change_reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.changes() and not data.get("change_reason", "").strip():
            self.add_error("change_reason", _("Give the reason for the change."))
        id_kind = data.get("id_kind", "")
        number = data.get("new_id_number", "").strip() or (self.instance.id_number if id_kind else "")
        try:
            party_id_check(id_kind, number)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error("new_id_number" if field == "id_number" else field, messages)
            return data
        if data.get("new_id_number", "").strip() or "id_kind" in self.changed_data:
            # Only a number typed, or one read under another kind, is written: the audit log
            # records a number as replaced only when staff replaced it.
            self.instance.id_number = party_id_normalise(id_kind, number)
        return data


class PartyInlineFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        # A row marked for removal is not validated as a party any more, so its reason is checked here.
        for form in self.deleted_forms:
            if form.instance.pk is not None and not form.cleaned_data.get("change_reason", "").strip():
                raise ValidationError(
                    _("Give the reason for removing %(party)s, in its row.") % {"party": form.instance},
                    code="reason_needed",
                )


class PartyInline(admin.StackedInline[Party, Case]):
    model = Party
    form = PartyAdminForm
    formset = PartyInlineFormSet
    extra = 0
    fields = [
        ("side", "ordinal", "kind"),
        ("name_en", "name_zh"),
        "address_for_service",
        ("id_kind", "id_number_on_record", "new_id_number"),
        ("user", "representative"),
        "change_reason",
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
    # Searched through the cause book's index when it is installed (get_search_results below).
    search_fields = ["parties__name_en", "parties__name_zh"]
    # Counting the whole register again beside each search's own count costs a scan of every case.
    show_full_result_count = False
    inlines = [PartyInline]
    readonly_fields = ["parties_on_record"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Case], search_term: str
    ) -> tuple[QuerySet[Case], bool]:
        """A case number, else a party's name through the cause book's search (filing.hooks)."""
        found = None if parse_case_number(search_term) else case_name_search(search_term, _list_filters(request))
        if found is None:
            return super().get_search_results(request, queryset, search_term)
        if found.total > len(found.case_ids):
            messages.info(request, name_search_capped(len(found.case_ids), found.total, about=found.estimated))
        return queryset.filter(pk__in=found.case_ids), False

    def has_delete_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        # A case is part of the court record, with its filings and documents: never deleted.
        return False

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """The party rows are saved by filing.services.parties, each change audited with its reason."""
        if formset.model is not Party:
            super().save_formset(request, form, formset, change)
            return
        # Unsaved: this works out what was added, changed and removed (the admin's history reads it).
        formset.save(commit=False)
        # A row where only the reason was typed changed nothing.
        formset.changed_objects = [
            (party, fields)
            for party, fields in (
                (party, [f for f in fields if f != "change_reason"]) for party, fields in formset.changed_objects
            )
            if fields
        ]
        added = {id(party) for party in formset.new_objects}
        changed = {id(party) for party, _fields in formset.changed_objects}
        removed = {id(party) for party in formset.deleted_objects}
        actor, ip_address = cast(User, request.user), client_ip(request)
        for party_form in formset.forms:
            party, reason = party_form.instance, party_form.cleaned_data.get("change_reason", "")
            if id(party) in removed:
                party_remove_by_staff(party=party, actor=actor, reason=reason, ip_address=ip_address)
            elif id(party) in added or id(party) in changed:
                party_save_by_staff(party=party, actor=actor, reason=reason, ip_address=ip_address)


def _list_filters(request: HttpRequest) -> CaseListFilters:
    """The filters chosen on the case list (its ``list_filter``), read as the changelist reads them."""

    def number(name: str) -> int | None:
        raw = request.GET.get(name, "")
        return int(raw) if raw.isdigit() else None

    return CaseListFilters(
        court_id=number("case_type__court__id__exact"),
        case_type_id=number("case_type__id__exact"),
        status=request.GET.get("status__exact", ""),
    )


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
