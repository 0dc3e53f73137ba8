"""Registry staff maintain the calendar here. Every save and delete goes through the
audited services, which re-stamp affected filings and payments after commit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.signals import client_ip

from .models import Closure, ExtraHoliday, MaintenanceWindow, RegistryHours
from .services import calendar_record_delete, calendar_record_save


class AuditedCalendarAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        calendar_record_save(actor=request.user, record=obj, ip_address=client_ip(request))  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        calendar_record_delete(actor=request.user, record=obj, ip_address=client_ip(request))  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Closure)
class ClosureAdmin(AuditedCalendarAdmin):
    list_display = ["reason", "starts_at", "reopens_at", "created_by"]
    list_filter = ["reason"]
    date_hierarchy = "starts_at"
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["reason", "starts_at", "reopens_at"]}),
        (_("Public notice"), {"fields": ["notice_en", "notice_zh"]}),
        (_("Record"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]


@admin.register(ExtraHoliday)
class ExtraHolidayAdmin(AuditedCalendarAdmin):
    list_display = ["day", "name_en", "name_zh"]


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(AuditedCalendarAdmin):
    list_display = ["starts_at", "ends_at", "notice_en"]


@admin.register(RegistryHours)
class RegistryHoursAdmin(AuditedCalendarAdmin):
    list_display = ["__str__", "lunch_hour_defers", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not RegistryHours.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
