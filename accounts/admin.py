from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from icms.core.audit import AuditEventType, audit_record
from icms.core.http import client_ip

from . import services
from .models import Invitation, Membership, Organisation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "kind", "is_staff", "is_active"]
    list_filter = ["kind", "is_staff", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name", "name_zh"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Personal details"),
            {"fields": ["first_name", "last_name", "name_zh", "preferred_language", "hkid_masked"]},
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
    # The HKID number is never shown in full, not even to staff.
    readonly_fields = ["hkid_masked", "last_login", "date_joined"]

    @admin.display(description=_("HKID number"))
    def hkid_masked(self, obj: User) -> str:
        return obj.hkid_masked

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        # Only a superuser grants superuser status or permissions one by one: a system
        # administrator (who may change users) could otherwise raise their own account.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    # The admin's change view runs in one transaction: each audit row commits with its change.
    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            event_type=AuditEventType.ACCOUNT_CHANGED_IN_ADMIN if change else AuditEventType.ACCOUNT_CREATED_IN_ADMIN,
            actor=request.user,  # type: ignore[arg-type]
            target=obj,
            after={"changed": sorted(form.changed_data)},
            ip_address=client_ip(request),
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if "groups" in form.changed_data:
            audit_record(
                event_type=AuditEventType.ACCOUNT_GROUPS_CHANGED_IN_ADMIN,
                actor=request.user,  # type: ignore[arg-type]
                target=form.instance,
                after={"groups": sorted(form.instance.groups.values_list("name", flat=True))},
                ip_address=client_ip(request),
            )


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    """Memberships are managed by the organisation's administrators in the portal; read-only here."""

    model = Membership
    extra = 0
    fields = readonly_fields = ("user", "role", "branch_code", "sees_all_cases", "deactivated_at")

    # An inline's obj is the parent organisation. django-stubs says so on InlineModelAdmin but
    # keeps BaseModelAdmin's (child) type too, ignoring the clash in its own stub; so must we.
    def has_add_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:  # type: ignore[override]
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:  # type: ignore[override]
        return False


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons for the rejection (sent to the applicant)"), widget=forms.Textarea(attrs={"rows": 4})
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    """Registry staff decide applications here, through the services (with audit and email)."""

    list_display = ["name_en", "name_zh", "type", "status", "applied_by", "created_at", "decided_at"]
    list_filter = ["status", "type"]
    search_fields = ["name_en", "name_zh", "applied_by__email"]
    inlines = [MembershipInline]
    # Status changes only through the actions below, so that each is audited and notified.
    # The two-factor rule is the primary administrator's to set, audited, in the portal.
    readonly_fields = [
        "status",
        "status_reason",
        "require_mfa",
        "applied_by",
        "decided_by",
        "decided_at",
        "created_at",
        "updated_at",
    ]
    actions = ["approve", "reject"]

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.decide_organisation")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Approve the selected applications"), permissions=["decide"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        done = 0
        for organisation in queryset:
            try:
                services.organisation_approve(
                    organisation=organisation,
                    actor=request.user,  # type: ignore[arg-type]
                    ip_address=client_ip(request),
                )
                done += 1
            except (ValidationError, PermissionDenied):
                self.message_user(
                    request, _("%(name)s was not open to approval.") % {"name": organisation}, messages.WARNING
                )
        if done:
            self.message_user(
                request,
                ngettext("%(count)d organisation approved.", "%(count)d organisations approved.", done)
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Reject the selected applications, with reasons"), permissions=["decide"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> HttpResponse | None:
        form = RejectionForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for organisation in queryset:
                try:
                    services.organisation_reject(
                        organisation=organisation,
                        actor=request.user,  # type: ignore[arg-type]
                        reason=form.cleaned_data["reason"],
                        ip_address=client_ip(request),
                    )
                    done += 1
                except (ValidationError, PermissionDenied):
                    self.message_user(
                        request, _("%(name)s was not open to rejection.") % {"name": organisation}, messages.WARNING
                    )
            if done:
                self.message_user(
                    request,
                    ngettext("%(count)d application rejected.", "%(count)d applications rejected.", done)
                    % {"count": done},
                    messages.SUCCESS,
                )
            return None
        return TemplateResponse(
            request,
            "admin/accounts/organisation/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reject organisation applications"),
                "organisations": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = [
        "email",
        "organisation",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name_en"]
    exclude = ["token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return False
