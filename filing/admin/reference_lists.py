"""Lists registry supervisors maintain: document types per case type, and return reasons.

Neither is ever deleted (filings refer to them); a supervisor sets ``active`` off instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ..models import DocumentType, ReturnReason


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin[DocumentType]):
    list_display = ["name_en", "name_zh", "case_type", "code", "starts_case", "public_inspection", "active"]
    list_filter = ["case_type__court", "case_type", "starts_case", "public_inspection", "active"]
    list_select_related = ["case_type"]
    search_fields = ["name_en", "name_zh", "code"]
    ordering = ["case_type__prefix", "ordering", "name_en"]
    fields = [
        "case_type",
        "code",
        "name_en",
        "name_zh",
        "starts_case",
        "public_inspection",
        "fee_item_code",
        "ordering",
        "active",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The code and case type identify the type in filings already made.
        return ["case_type", "code"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReturnReason)
class ReturnReasonAdmin(admin.ModelAdmin[ReturnReason]):
    list_display = ["code", "name_en", "name_zh", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name_en", "name_zh"]
    fields = ["code", "name_en", "name_zh", "active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
