from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import admin_outbox  # noqa: F401  (registers the outbox's two lists)
from .admin_base import ReadOnlyAdmin
from .admin_scale import RegisterListAdmin
from .models import AccessibilityReport, AuditEvent, WorkerHeartbeat
from .services import accessibility_report_update


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin[WorkerHeartbeat]):
    list_display = ["hostname", "beat_at", "beats"]
    readonly_fields = ["hostname", "beat_at", "beats", "created_at", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(RegisterListAdmin[AuditEvent], ReadOnlyAdmin[AuditEvent]):
    """The audit log: browsable and filterable, never editable. It holds every legally meaningful
    action of the register, so each search is answered by an index (icms.core.admin_scale)."""

    list_display = ["occurred_at", "event_type", "actor", "target_label", "ip_address"]
    list_filter = [("occurred_at", admin.DateFieldListFilter), "event_type", "target_type"]
    # The event type by its code or its name; the target by its label (a reference, a case
    # number) or its id; the actor by email.
    search_fields = ["event_type", "target_label", "target_id__exact", "actor__email"]
    search_help_text = _("A reference, case number or email address, or the kind of event.")
    list_select_related = ["actor", "target_type"]


@admin.register(AccessibilityReport)
class AccessibilityReportAdmin(admin.ModelAdmin[AccessibilityReport]):
    """The queue of accessibility problems reported from the accessibility statement.

    What the reporter wrote is read-only; staff set the status and a note, and are
    recorded as handling the report (through the service, never by saving the row).
    """

    list_display = ["received_at", "status", "page", "language", "email", "handled_by"]
    list_filter = ["status", "received_at", "language"]
    search_fields = ["page", "description", "email", "name"]
    date_hierarchy = "received_at"
    list_select_related = ["handled_by", "user"]
    readonly_fields = ["received_at", "page", "description", "name", "email", "language", "user", "handled_by"]
    fields = [*readonly_fields, "status", "staff_note"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: AccessibilityReport, form: ModelForm[Any], change: bool) -> None:
        accessibility_report_update(
            report=obj,
            status=form.cleaned_data["status"],
            staff_note=form.cleaned_data["staff_note"],
            staff=request.user,  # type: ignore[arg-type]  # the admin is for signed-in staff only
        )
