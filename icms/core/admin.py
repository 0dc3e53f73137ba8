from django.contrib import admin

from .models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "beat_at", "beats"]
    readonly_fields = ["hostname", "beat_at", "beats", "created_at", "updated_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
