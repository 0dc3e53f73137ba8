from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Membership, Organisation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "kind", "is_staff", "is_active"]
    list_filter = ["kind", "is_staff", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name", "name_zh"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Personal details"),
            {"fields": ["first_name", "last_name", "name_zh", "preferred_language"]},
        ),
        (
            _("Account"),
            {
                "fields": [
                    "kind",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "kind", "password1", "password2"]})]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_zh", "type", "status", "decided_at"]
    list_filter = ["type", "status"]
    search_fields = ["name_en", "name_zh"]
    inlines = [MembershipInline]
    readonly_fields = ["decided_by", "decided_at", "created_at", "updated_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log: browsable and filterable, never editable."""

    list_display = ["occurred_at", "event_type", "actor", "target_label", "ip_address"]
    list_filter = ["event_type", "target_type"]
    search_fields = ["event_type", "target_label", "target_id", "actor__email"]
    date_hierarchy = "occurred_at"
    list_select_related = ["actor", "target_type"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
