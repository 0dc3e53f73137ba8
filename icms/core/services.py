"""State changes for portal operations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import AccessibilityReport, WorkerHeartbeat

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


@transaction.atomic
def heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    """Record that the worker on ``hostname`` is alive, now."""
    now = timezone.now()
    beat, created = WorkerHeartbeat.objects.get_or_create(
        hostname=hostname[:255], defaults={"beat_at": now, "beats": 1}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=beat.pk).update(beat_at=now, beats=F("beats") + 1)
        beat.refresh_from_db()
    return beat


@transaction.atomic
def accessibility_report_create(
    *,
    page: str,
    description: str,
    name: str = "",
    email: str = "",
    language: str,
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> AccessibilityReport:
    """Receive a report of an accessibility problem into the staff queue (status "new").

    Not audited: a report is feedback about the portal, not a legally meaningful event
    (docs: architecture, "Audit"). The signed-in user, if any, is kept so staff can reply.
    """
    report = AccessibilityReport(
        page=page,
        description=description,
        name=name,
        email=email,
        language=language,
        user_id=user.pk if user is not None and user.is_authenticated else None,
        received_at=timezone.now(),
    )
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def accessibility_report_update(
    *,
    report: AccessibilityReport,
    status: str,
    staff_note: str,
    staff: AbstractBaseUser,
) -> AccessibilityReport:
    """A member of staff moves a report along the queue and notes what was done.

    Only the staff fields change; what the reporter wrote stays as received. The staff
    member is recorded as the one handling it.
    """
    status = AccessibilityReport.Status(status)  # ValueError on anything else
    AccessibilityReport.objects.filter(pk=report.pk).update(
        status=status, staff_note=staff_note, handled_by_id=staff.pk, updated_at=timezone.now()
    )
    report.refresh_from_db()
    return report
