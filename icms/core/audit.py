"""Writing audit events: one function every app calls inside its transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .audit_events import AuditEventType
from .models import AuditEvent

__all__ = ["AuditEventType", "audit_record"]


def audit_record(
    *,
    event_type: AuditEventType,
    actor: AbstractBaseUser | None = None,
    target: models.Model | None = None,
    target_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append an audit event. Call it inside the transaction that makes the change.

    ``event_type`` is a member of :class:`~icms.core.audit_events.AuditEventType`, such as
    ``AuditEventType.CALENDAR_CLOSURE_CREATED`` (stored as ``calendar.closure_created``).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records.")
    event = AuditEvent(
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        event_type=event_type,
        target_label=(target_label or (str(target) if target is not None else ""))[:255],
        before=before,
        after=after,
        ip_address=ip_address,
        occurred_at=timezone.now(),
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target)
        event.target_id = str(target.pk)
    event.save()
    return event
