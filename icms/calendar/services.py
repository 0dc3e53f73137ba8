"""Changes to the registry calendar: audited, and followed by re-stamping on commit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icms.core.audit import AuditEventType, audit_record
from icms.core.caching import cache_forget_after_commit
from icms.core.time import HONG_KONG

from .hooks import DeemedReceiptChange, deemed_receipt_changed
from .models import Closure, DeemedReceiptConflict, DeemedReceiptFields, ExtraHoliday, MaintenanceWindow, RegistryHours
from .selectors import CLOSURES_CACHE_KEY, MAINTENANCE_CACHE_KEY

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
    from .stamping import restamp_owe

    restamp_owe(window, cause=cause)


def _event_prefix(record: CalendarRecord) -> str:
    return {
        Closure: "calendar.closure",
        ExtraHoliday: "calendar.extra_holiday",
        MaintenanceWindow: "calendar.maintenance_window",
        RegistryHours: "calendar.registry_hours",
    }[type(record)]


class _RecordEvents(NamedTuple):
    created: AuditEventType
    changed: AuditEventType
    deleted: AuditEventType


# What a change of each kind of calendar record writes to the audit log.
_AUDIT_EVENTS: dict[type[CalendarRecord], _RecordEvents] = {
    Closure: _RecordEvents(
        AuditEventType.CALENDAR_CLOSURE_CREATED,
        AuditEventType.CALENDAR_CLOSURE_CHANGED,
        AuditEventType.CALENDAR_CLOSURE_DELETED,
    ),
    ExtraHoliday: _RecordEvents(
        AuditEventType.CALENDAR_EXTRA_HOLIDAY_CREATED,
        AuditEventType.CALENDAR_EXTRA_HOLIDAY_CHANGED,
        AuditEventType.CALENDAR_EXTRA_HOLIDAY_DELETED,
    ),
    MaintenanceWindow: _RecordEvents(
        AuditEventType.CALENDAR_MAINTENANCE_WINDOW_CREATED,
        AuditEventType.CALENDAR_MAINTENANCE_WINDOW_CHANGED,
        AuditEventType.CALENDAR_MAINTENANCE_WINDOW_DELETED,
    ),
    RegistryHours: _RecordEvents(
        AuditEventType.CALENDAR_REGISTRY_HOURS_CREATED,
        AuditEventType.CALENDAR_REGISTRY_HOURS_CHANGED,
        AuditEventType.CALENDAR_REGISTRY_HOURS_DELETED,
    ),
}


@transaction.atomic
def calendar_record_save(
    *, actor: AbstractBaseUser | None, record: CalendarRecord, ip_address: str | None = None
) -> CalendarRecord:
    """Create or change a calendar record, audit it, and re-stamp what it moves after commit."""
    model = type(record)
    previous = model.objects.select_for_update().filter(pk=record.pk).first() if record.pk else None
    if isinstance(record, RegistryHours):
        record.pk = 1
        previous = RegistryHours.objects.select_for_update().filter(pk=1).first()
    if isinstance(record, Closure) and record.pk is None and record.created_by_id is None and actor is not None:
        record.created_by_id = actor.pk
    record.full_clean(validate_unique=previous is None and not isinstance(record, RegistryHours))
    record.save()
    audit_record(
        event_type=_AUDIT_EVENTS[type(record)].changed if previous else _AUDIT_EVENTS[type(record)].created,
        actor=actor,
        target=record,
        before=_state(previous),
        after=_state(record),
        ip_address=ip_address,
    )
    window = _union([_affected_window(record), _affected_window(previous) if previous else None])
    _dispatch_restamp(window, cause=f"{_event_prefix(record)} #{record.pk}")
    _forget_cached(record)
    return record


@transaction.atomic
def calendar_record_delete(
    *, actor: AbstractBaseUser | None, record: CalendarRecord, ip_address: str | None = None
) -> None:
    """Delete a calendar record (a closure entered in error, say), audited, then re-stamp."""
    window = _affected_window(record)
    audit_record(
        event_type=_AUDIT_EVENTS[type(record)].deleted,
        actor=actor,
        target=record,
        before=_state(record),
        after=None,
        ip_address=ip_address,
    )
    cause = f"{_event_prefix(record)} #{record.pk} deleted"
    record.delete()
    _dispatch_restamp(window, cause=cause)
    _forget_cached(record)


def _forget_cached(record: CalendarRecord) -> None:
    """The banners read these through a short cache: a change shows at once."""
    if isinstance(record, MaintenanceWindow):
        cache_forget_after_commit(MAINTENANCE_CACHE_KEY)
    if isinstance(record, Closure):
        cache_forget_after_commit(CLOSURES_CACHE_KEY)


class ConflictRefused(ValidationError):
    """A decided filing's listed conflict cannot be resolved this way; the message says why."""


def _open_conflict(conflict: DeemedReceiptConflict) -> DeemedReceiptConflict:
    locked = DeemedReceiptConflict.objects.select_for_update().get(pk=conflict.pk)
    if locked.status != DeemedReceiptConflict.Status.OPEN:
        raise ConflictRefused(_("This entry has already been resolved."), code="resolved")
    return locked


def _reason_given(reason: str) -> str:
    if not reason.strip():
        raise ConflictRefused(_("Give the reason for the record."), code="reason_needed")
    return reason.strip()


@transaction.atomic
def deemed_receipt_conflict_correct(
    *, conflict: DeemedReceiptConflict, actor: AbstractBaseUser, reason: str, ip_address: str | None = None
) -> DeemedReceiptConflict:
    """Correct a decided row's deemed receipt to what the calendar now gives, with a reason.

    Audited; the owning app is told through :mod:`icms.calendar.hooks` in this
    transaction (filing issues a revised acknowledgement and re-issues sealed copies).
    """
    reason = _reason_given(reason)
    conflict = _open_conflict(conflict)
    if conflict.proposed_deemed_at is None:
        raise ConflictRefused(
            _("The reopening is not yet recorded, so there is no time to correct to. Record it first."),
            code="pending",
        )
    model = conflict.target_type.model_class()
    if model is None or not issubclass(model, DeemedReceiptFields):
        raise ConflictRefused(_("This record no longer exists."), code="gone")
    recorded = (
        Q(deemed_received_at__isnull=True)
        if conflict.recorded_deemed_at is None
        else Q(deemed_received_at=conflict.recorded_deemed_at)
    )
    updated = model._default_manager.filter(
        recorded, pk=conflict.target_id, deemed_rule=conflict.recorded_rule
    ).update(
        deemed_received_at=conflict.proposed_deemed_at,
        deemed_rule=conflict.proposed_rule,
        deemed_stamped_at=timezone.now(),
    )
    if updated != 1:
        raise ConflictRefused(_("The record has changed since this entry was listed."), code="changed")
    now = timezone.now()
    DeemedReceiptConflict.objects.filter(pk=conflict.pk).update(
        status=DeemedReceiptConflict.Status.CORRECTED,
        resolved_by_id=actor.pk,
        resolved_at=now,
        resolution_reason=reason,
    )
    conflict.refresh_from_db()
    before = {"deemed_received_at": _iso(conflict.recorded_deemed_at), "deemed_rule": conflict.recorded_rule}
    after = {"deemed_received_at": _iso(conflict.proposed_deemed_at), "deemed_rule": conflict.proposed_rule}
    audit_record(
        event_type=AuditEventType.CALENDAR_DEEMED_RECEIPT_CORRECTED,
        actor=actor,
        target=cast(Any, model)(pk=conflict.target_id),
        target_label=conflict.target_label,
        before=before,
        after={**after, "cause": conflict.cause, "reason": reason},
        ip_address=ip_address,
    )
    deemed_receipt_changed(
        model,
        DeemedReceiptChange(
            pk=model._meta.pk.to_python(conflict.target_id),
            before_at=conflict.recorded_deemed_at,
            before_rule=conflict.recorded_rule,
            after_at=conflict.proposed_deemed_at,
            after_rule=conflict.proposed_rule,
            cause=conflict.cause,
            correction_reason=reason,
        ),
    )
    return conflict


@transaction.atomic
def deemed_receipt_conflict_dismiss(
    *, conflict: DeemedReceiptConflict, actor: AbstractBaseUser, reason: str, ip_address: str | None = None
) -> DeemedReceiptConflict:
    """Keep the decided row's deemed receipt as it is, recording why."""
    reason = _reason_given(reason)
    conflict = _open_conflict(conflict)
    DeemedReceiptConflict.objects.filter(pk=conflict.pk).update(
        status=DeemedReceiptConflict.Status.DISMISSED,
        resolved_by_id=actor.pk,
        resolved_at=timezone.now(),
        resolution_reason=reason,
    )
    conflict.refresh_from_db()
    audit_record(
        event_type=AuditEventType.CALENDAR_DEEMED_RECEIPT_CONFLICT_DISMISSED,
        actor=actor,
        target=conflict,
        before={"status": DeemedReceiptConflict.Status.OPEN},
        after={"status": conflict.status, "reason": reason},
        ip_address=ip_address,
    )
    return conflict


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
