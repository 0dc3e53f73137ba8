"""Changes to the registry calendar: audited, and followed by re-stamping on commit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User

from .core import HONG_KONG
from .models import Closure, ExtraHoliday, MaintenanceWindow, RegistryHours
from .selectors import MAINTENANCE_CACHE_KEY

CalendarRecord = Closure | ExtraHoliday | MaintenanceWindow | RegistryHours

Window = tuple[datetime, datetime | None]


def _state(record: CalendarRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    data = model_to_dict(record, exclude=["id", "created_by"])
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}


def _affected_window(record: CalendarRecord) -> Window | None:
    """The span of time in which this record changes when the registry is open."""
    if isinstance(record, Closure):
        return record.starts_at, record.reopens_at
    if isinstance(record, ExtraHoliday):
        start = datetime.combine(record.day, datetime.min.time(), tzinfo=HONG_KONG)
        return start, start + timedelta(days=1)
    if isinstance(record, RegistryHours):
        # New hours apply from now on; deemed times already past stay as they were.
        return timezone.now(), None
    return None  # maintenance windows do not move legal time


def _union(windows: list[Window | None]) -> Window | None:
    present = [w for w in windows if w is not None]
    if not present:
        return None
    start = min(w[0] for w in present)
    ends = [w[1] for w in present]
    return start, None if any(e is None for e in ends) else max(e for e in ends if e is not None)


def _dispatch_restamp(window: Window | None, cause: str) -> None:
    if window is None:
        return
    from .tasks import restamp_deemed_receipts

    start, end = window
    # celery-types does not know delay_on_commit (Celery 5.4+) yet.
    restamp_deemed_receipts.delay_on_commit(  # type: ignore[attr-defined]
        start.isoformat(), end.isoformat() if end else None, cause
    )


def _event_prefix(record: CalendarRecord) -> str:
    return {
        Closure: "calendar.closure",
        ExtraHoliday: "calendar.extra_holiday",
        MaintenanceWindow: "calendar.maintenance_window",
        RegistryHours: "calendar.registry_hours",
    }[type(record)]


@transaction.atomic
def calendar_record_save(
    *, actor: User | None, record: CalendarRecord, ip_address: str | None = None
) -> CalendarRecord:
    """Create or change a calendar record, audit it, and re-stamp what it moves after commit."""
    model = type(record)
    previous = model.objects.select_for_update().filter(pk=record.pk).first() if record.pk else None
    if isinstance(record, RegistryHours):
        record.pk = 1
        previous = RegistryHours.objects.select_for_update().filter(pk=1).first()
    if isinstance(record, Closure) and record.pk is None and record.created_by_id is None and actor is not None:
        record.created_by = actor
    record.full_clean(validate_unique=previous is None and not isinstance(record, RegistryHours))
    record.save()
    audit_record(
        event_type=f"{_event_prefix(record)}_{'changed' if previous else 'created'}",
        actor=actor,
        target=record,
        before=_state(previous),
        after=_state(record),
        ip_address=ip_address,
    )
    window = _union([_affected_window(record), _affected_window(previous) if previous else None])
    _dispatch_restamp(window, cause=f"{_event_prefix(record)} #{record.pk}")
    if isinstance(record, MaintenanceWindow):
        transaction.on_commit(lambda: cache.delete(MAINTENANCE_CACHE_KEY))
    return record


@transaction.atomic
def calendar_record_delete(*, actor: User | None, record: CalendarRecord, ip_address: str | None = None) -> None:
    """Delete a calendar record (a closure entered in error, say), audited, then re-stamp."""
    window = _affected_window(record)
    audit_record(
        event_type=f"{_event_prefix(record)}_deleted",
        actor=actor,
        target=record,
        before=_state(record),
        after=None,
        ip_address=ip_address,
    )
    cause = f"{_event_prefix(record)} #{record.pk} deleted"
    record.delete()
    _dispatch_restamp(window, cause=cause)
    if isinstance(record, MaintenanceWindow):
        transaction.on_commit(lambda: cache.delete(MAINTENANCE_CACHE_KEY))
