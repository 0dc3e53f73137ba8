"""Registry staff enter the daily cause list here; every save and delete goes through a service (audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from icms.core.http import client_ip

from .models import Hearing, SearchPurchase
from .services import hearing_delete, hearing_save, hearing_validate


class HearingForm(forms.ModelForm[Hearing]):
    class Meta:
        model = Hearing
        fields = [
            "case",
            "court",
            "courtroom",
            "judge_en",
            "judge_zh",
            "starts_at",
            "hearing_type",
            "nature_en",
            "nature_zh",
            "representation_en",
            "representation_zh",
            "status",
        ]

    def _post_clean(self) -> None:
        # After the instance is built from the form: the service's listing rules, shown as form errors.
        # django-stubs leaves out these two private hooks of Django's ModelForm, which this one extends.
        super()._post_clean()  # type: ignore[misc]
        if not self.errors:
            try:
                hearing_validate(self.instance)
            except ValidationError as error:
                self._update_errors(error)  # type: ignore[attr-defined]


@admin.register(Hearing)
class HearingAdmin(admin.ModelAdmin[Hearing]):
    form = HearingForm
    list_display = ["starts_at", "court", "courtroom", "case", "hearing_type", "status"]
    list_filter = ["court", "status", "hearing_type"]
    list_select_related = ["court", "case__case_type"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["case"]
    search_fields = ["courtroom", "judge_en", "judge_zh"]

    def save_model(self, request: HttpRequest, obj: Hearing, form: Any, change: bool) -> None:
        hearing_save(hearing=obj, actor=request.user, ip_address=client_ip(request))  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Hearing) -> None:
        hearing_delete(hearing=obj, actor=request.user, ip_address=client_ip(request))  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Hearing]) -> None:
        for hearing in queryset.select_related("case__case_type"):
            self.delete_model(request, hearing)


@admin.register(SearchPurchase)
class SearchPurchaseAdmin(admin.ModelAdmin[SearchPurchase]):
    """Read-only: purchases change only through payment."""

    list_display = ["query", "result_count", "user", "paid_at", "expires_at", "payment_reference"]
    list_select_related = ["user"]
    readonly_fields = [
        "query",
        "result_count",
        "capped",
        "user",
        "paid_at",
        "expires_at",
        "payment_reference",
        "created_at",
    ]
    exclude = ["token"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SearchPurchase | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SearchPurchase | None = None) -> bool:
        return False
