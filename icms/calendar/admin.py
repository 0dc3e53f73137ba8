"""Registry staff maintain the calendar here. Every save and delete goes through the
audited services, which re-stamp affected filings and payments after commit."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from icms.core.http import client_ip
from icms.core.time import HONG_KONG

from .models import Closure, DeemedReceiptConflict, ExtraHoliday, MaintenanceWindow, RegistryHours
from .services import (
    ConflictRefused,
    calendar_record_delete,
    calendar_record_save,
    deemed_receipt_conflict_correct,
    deemed_receipt_conflict_dismiss,
)

RecordT = TypeVar("RecordT", Closure, ExtraHoliday, MaintenanceWindow, RegistryHours)


def _staff(request: HttpRequest) -> AbstractBaseUser:
    if not isinstance(request.user, AbstractBaseUser):  # the admin site lets only signed-in staff this far
        raise PermissionDenied
    return request.user


def _hk_minute(moment: Any) -> Any:
    """Now, in Hong Kong, to the minute: what a clerk records when they act at once."""
    return timezone.localtime(moment, HONG_KONG).replace(second=0, microsecond=0)


class AuditedCalendarAdmin(admin.ModelAdmin[RecordT]):
    def save_model(self, request: HttpRequest, obj: RecordT, form: Any, change: bool) -> None:
        calendar_record_save(actor=request.user, record=obj, ip_address=client_ip(request))  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: RecordT) -> None:
        calendar_record_delete(actor=request.user, record=obj, ip_address=client_ip(request))  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RecordT]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date and time boxes, each with its own accessible name: Django's share one
    <label>, which names neither box (WCAG 1.3.1, 4.1.2)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.widgets[0].attrs["aria-label"] = _("Date (YYYY-MM-DD)")
        self.widgets[1].attrs["aria-label"] = _("Time, Hong Kong (HH:MM:SS)")


class ReopeningForm(forms.Form):
    reopens_at = forms.SplitDateTimeField(
        label=_("Reopens at (Hong Kong time)"),
        widget=LabelledSplitDateTime,
        help_text=_("As announced. Filings received during the closure are deemed received at this time."),
    )


@admin.register(Closure)
class ClosureAdmin(AuditedCalendarAdmin[Closure]):
    """Record a closure in two clicks ("Add", then "Save": it starts now), and its reopening in
    two more (the "Record the reopening" link, then "Record")."""

    list_display = ["reason", "starts_at", "reopens_at", "reopening", "recorded_by"]
    formfield_overrides = {models.DateTimeField: {"widget": LabelledSplitDateTime}}
    list_filter = ["reason"]
    date_hierarchy = "starts_at"
    readonly_fields = ["recorded_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["reason", "starts_at", "reopens_at"]}),
        (_("Public notice"), {"fields": ["notice_en", "notice_zh"]}),
        (_("Record"), {"fields": ["recorded_by", "created_at", "updated_at"]}),
    ]

    # The model field has no verbose name of its own; this gives the column a translated heading.
    @admin.display(description=_("created by"), ordering="created_by")
    def recorded_by(self, closure: Closure) -> object:
        return closure.created_by

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"reason": Closure.Reason.TYPHOON, "starts_at": _hk_minute(timezone.now())}

    @admin.display(description=_("reopening"))
    def reopening(self, closure: Closure) -> str:
        if closure.reopens_at is not None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:registry_calendar_closure_reopen", args=[closure.pk]),
            gettext("Record the reopening"),
        )

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:object_id>/reopen/",
                self.admin_site.admin_view(self.reopen_view),
                name="registry_calendar_closure_reopen",
            ),
            *super().get_urls(),
        ]

    def reopen_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """GET: the announced reopening time, defaulting to now; POST: record it (audited, re-stamps)."""
        closure = get_object_or_404(Closure, pk=object_id)
        if not self.has_change_permission(request, closure):
            raise PermissionDenied
        form = ReopeningForm(
            request.POST if request.method == "POST" else None,
            initial={"reopens_at": _hk_minute(timezone.now())},
        )
        if form.is_bound and form.is_valid():
            closure.reopens_at = form.cleaned_data["reopens_at"]
            try:
                calendar_record_save(actor=_staff(request), record=closure, ip_address=client_ip(request))
            except forms.ValidationError as invalid:
                form.add_error("reopens_at", invalid.messages)
            else:
                self.message_user(
                    request,
                    gettext("The reopening is recorded. Filings received during the closure are being re-stamped."),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:registry_calendar_closure_changelist"))
        return TemplateResponse(
            request,
            "admin/registry_calendar/closure/reopen.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Record the reopening"),
                "closure": closure,
                "form": form,
                "media": self.media + form.media,
                "opts": self.model._meta,
            },
        )


class ResolutionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("correct", _("Correct the deemed time to the calendar's, and tell every party")),
            ("dismiss", _("Keep the deemed time on record")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for the record"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log. A correction's reason is also told to the filer."),
    )


@admin.register(DeemedReceiptConflict)
class DeemedReceiptConflictAdmin(admin.ModelAdmin[DeemedReceiptConflict]):
    """Decided filings a calendar change would have moved: staff correct or dismiss each, with a reason."""

    list_display = ["target_label", "recorded_deemed_at", "proposed_deemed_at", "cause", "status", "resolve"]
    list_filter = ["status"]
    fields = readonly_fields = (
        "target_label",
        "received_at",
        "recorded_deemed_at",
        "recorded_rule",
        "proposed_deemed_at",
        "proposed_rule",
        "cause",
        "status",
        "resolved_by",
        "resolved_at",
        "resolution_reason",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # nobody edits an entry; resolving it is its own view

    def has_resolve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("registry_calendar.change_deemedreceiptconflict")

    @admin.display(description=_("resolve"))
    def resolve(self, conflict: DeemedReceiptConflict) -> str:
        if conflict.status != DeemedReceiptConflict.Status.OPEN:
            return "—"
        url = reverse("admin:registry_calendar_deemedreceiptconflict_resolve", args=[conflict.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Correct or dismiss"))

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:object_id>/resolve/",
                self.admin_site.admin_view(self.resolve_view),
                name="registry_calendar_deemedreceiptconflict_resolve",
            ),
            *super().get_urls(),
        ]

    def resolve_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if not self.has_resolve_permission(request):
            raise PermissionDenied
        conflict = get_object_or_404(DeemedReceiptConflict, pk=object_id)
        form = ResolutionForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            resolve = (
                deemed_receipt_conflict_correct
                if form.cleaned_data["decision"] == "correct"
                else deemed_receipt_conflict_dismiss
            )
            try:
                resolve(
                    conflict=conflict,
                    actor=_staff(request),
                    reason=form.cleaned_data["reason"],
                    ip_address=client_ip(request),
                )
            except ConflictRefused as refused:
                form.add_error(None, refused.messages)
            else:
                self.message_user(request, gettext("Recorded."), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:registry_calendar_deemedreceiptconflict_changelist"))
        return TemplateResponse(
            request,
            "admin/registry_calendar/deemedreceiptconflict/resolve.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Correct or dismiss"),
                "conflict": conflict,
                "form": form,
                "opts": self.model._meta,
            },
        )


@admin.register(ExtraHoliday)
class ExtraHolidayAdmin(AuditedCalendarAdmin[ExtraHoliday]):
    list_display = ["day", "name_en", "name_zh"]


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(AuditedCalendarAdmin[MaintenanceWindow]):
    list_display = ["starts_at", "ends_at", "notice_en"]


@admin.register(RegistryHours)
class RegistryHoursAdmin(AuditedCalendarAdmin[RegistryHours]):
    list_display = ["__str__", "lunch_hour_defers", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not RegistryHours.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
