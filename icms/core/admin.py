from django.contrib import admin
from django.http import HttpRequest

from . import admin_outbox  # noqa: F401  (registers the outbox's two lists)
from .models import AuditEvent, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin[WorkerHeartbeat]):
    list_display = ["hostname", "beat_at", "beats"]
    readonly_fields = ["hostname", "beat_at", "beats", "created_at", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """The audit log: browsable and filterable, never editable."""

    list_display = ["occurred_at", "event_type", "actor", "target_label", "ip_address"]
    list_filter = ["event_type", "target_type"]
    search_fields = ["event_type", "target_label", "target_id", "actor__email"]
    date_hierarchy = "occurred_at"
    list_select_related = ["actor", "target_type"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
