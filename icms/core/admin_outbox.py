"""The outbox in the admin: "Work needing attention" (failed or overdue) and the whole outbox.

Both are read-only; the one action is "Try again", for staff with
``core.retry_outboxitem``, which makes failed or overdue work due now (audited).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin_base import ReadOnlyAdmin, first_line
from .http import client_ip
from .models import OutboxItem, WorkNeedingAttention
from .outbox import outbox_item_retry, overdue_filter

FIELDS = [
    "kind",
    "target_link",
    "state",
    "attempts",
    "next_attempt_at",
    "lease_expires_at",
    "dispatched_at",
    "finished_at",
    "last_error",
    "payload_summary",
    "created_at",
    "updated_at",
]


class OutboxAdminBase(ReadOnlyAdmin[OutboxItem]):
    list_display = ["kind", "target_link", "state", "attempts", "next_attempt_at", "error_summary"]
    list_filter = ["state", "kind"]
    search_fields = ["kind", "target_label", "target_id", "last_error"]
    list_select_related = ["target_type"]
    readonly_fields = FIELDS
    fields = tuple(FIELDS)
    actions = ["try_again"]
    ordering = ["next_attempt_at", "id"]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("core.retry_outboxitem")

    @admin.display(description=_("target"))
    def target_link(self, item: OutboxItem) -> SafeString | str:
        label = item.target_label or item.target_id or "—"
        if item.target_type is None or not item.target_id:
            return label
        try:
            url = reverse(f"admin:{item.target_type.app_label}_{item.target_type.model}_change", args=[item.target_id])
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("last error"))
    def error_summary(self, item: OutboxItem) -> str:
        return first_line(item.last_error)

    @admin.display(description=_("payload"))
    def payload_summary(self, item: OutboxItem) -> str:
        # An email's body may hold personal details: show only where it goes.
        payload = dict(item.payload)
        if "body" in payload:
            payload["body"] = f"({len(payload['body'])} characters)"
        return ", ".join(f"{key}: {value}" for key, value in sorted(payload.items())) or "—"

    @admin.action(description=_("Try again"), permissions=["retry"])
    def try_again(self, request: HttpRequest, queryset: QuerySet[OutboxItem]) -> None:
        actor = request.user
        if not isinstance(actor, AbstractBaseUser):
            raise PermissionDenied
        retried = skipped = 0
        for item in queryset.order_by("pk"):
            if outbox_item_retry(item=item, actor=actor, ip_address=client_ip(request)):
                retried += 1
            else:
                skipped += 1
        if retried:
            self.message_user(
                request,
                ngettext(
                    "%(count)d item will be tried again now.", "%(count)d items will be tried again now.", retried
                )
                % {"count": retried},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d item was left alone: it is done, or running on time.",
                    "%(count)d items were left alone: they are done, or running on time.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(WorkNeedingAttention)
class WorkNeedingAttentionAdmin(OutboxAdminBase):
    """Failed work, and owed work more than five minutes past due: what a person must look at."""

    list_filter = ["kind"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboxItem]:
        return super().get_queryset(request).filter(Q(state=OutboxItem.State.FAILED) | overdue_filter())


@admin.register(OutboxItem)
class OutboxItemAdmin(OutboxAdminBase):
    """Every row: what is owed, running, done (kept for a while) or failed."""
