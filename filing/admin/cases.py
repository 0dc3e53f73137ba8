"""Courts, case types, cases and case assignments in the staff site."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from ..models import Case, CaseAssignment, CaseType, Court, Party
from .search import CaseNumberSearchMixin


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin[Court]):
    list_display = ["code", "name_en", "name_zh", "level"]
    list_filter = ["level"]


@admin.register(CaseType)
class CaseTypeAdmin(admin.ModelAdmin[CaseType]):
    list_display = ["prefix", "name_en", "name_zh", "court"]
    list_filter = ["court__level", "court"]


class PartyInline(admin.TabularInline[Party, Case]):
    model = Party
    extra = 0
    raw_id_fields = ["user", "representative"]


@admin.register(Case)
class CaseAdmin(CaseNumberSearchMixin[Case]):
    """Cases; the search box takes a case number or a party's name."""

    list_display = ["__str__", "case_type", "status", "issued_at"]
    list_filter = ["status", "case_type__court", "case_type"]
    list_select_related = ["case_type"]
    search_fields = ["parties__name_en", "parties__name_zh"]
    inlines = [PartyInline]

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
