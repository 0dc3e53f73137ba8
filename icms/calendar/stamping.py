"""Stamping deemed receipt on rows, and re-stamping them when the calendar changes.

Any concrete model that inherits :class:`~icms.calendar.models.DeemedReceiptFields`
(submissions, payment orders) takes part: nothing needs registering.

Each stamp is a conditional UPDATE that names the values it replaces, so a row
is changed (and audited) exactly once even when two workers re-stamp at the
same time or a task is delivered twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from icms.core.audit import AuditEventType, audit_record

from .core import RegistryCalendar, deemed_receipt
from .data import current_calendar
from .hooks import DeemedReceiptChange, deemed_receipt_changed
from .models import DeemedReceiptConflict, DeemedReceiptFields

if TYPE_CHECKING:
    from icms.core.models import OutboxItem


@dataclass(frozen=True)
class StampResult:
    examined: int
    changed: int


def stamped_models() -> list[type[DeemedReceiptFields]]:
    """Every concrete model the deemed-receipt rule applies to."""
    return [
        model for model in apps.get_models() if issubclass(model, DeemedReceiptFields) and not model._meta.abstract
    ]


def _snapshot(deemed_at: datetime | None, rule: str) -> dict[str, Any]:
    return {"deemed_received_at": deemed_at.isoformat() if deemed_at else None, "deemed_rule": rule}


def _stamp_one(
    model: type[DeemedReceiptFields],
    row: dict[str, Any],
    calendar: RegistryCalendar,
    *,
    cause: str,
) -> bool:
    result = deemed_receipt(row["received_at"], calendar)
    old_at, old_rule = row["deemed_received_at"], row["deemed_rule"]
    unchanged = old_at == result.deemed_at and old_rule == result.rule.value
    if row["deemed_stamped_at"] is not None and unchanged:
        if old_rule:
            _withdraw_conflict(model, row["pk"])
        return False
    claim = Q(pk=row["pk"], deemed_rule=old_rule)
    claim &= Q(deemed_received_at__isnull=True) if old_at is None else Q(deemed_received_at=old_at)
    claim &= (
        Q(deemed_stamped_at__isnull=True)
        if row["deemed_stamped_at"] is None
        else Q(deemed_stamped_at=row["deemed_stamped_at"])
    )
    with transaction.atomic():
        # A decided row keeps its deemed time: the claim excludes it, so a decision and a
        # re-stamp racing each other cannot both win.
        updated = (
            model._default_manager.filter(claim)
            .exclude(model.deemed_receipt_final())
            .update(
                deemed_received_at=result.deemed_at,
                deemed_rule=result.rule.value,
                deemed_stamped_at=timezone.now(),
            )
        )
        if updated != 1:
            if old_rule and model._default_manager.filter(claim).filter(model.deemed_receipt_final()).exists():
                _record_conflict(model, row, result.deemed_at, result.rule.value, cause=cause)
            return False  # decided, or someone else stamped it first; their audit row stands
        audit_record(
            event_type=AuditEventType.CALENDAR_DEEMED_RECEIPT_STAMPED
            if old_rule == ""
            else AuditEventType.CALENDAR_DEEMED_RECEIPT_RESTAMPED,
            target=cast(Any, model)(pk=row["pk"]),
            target_label=f"{model._meta.label} #{row['pk']}",
            before=None if old_rule == "" else _snapshot(old_at, old_rule),
            after={**_snapshot(result.deemed_at, result.rule.value), "cause": cause},
        )
        if old_rule:
            deemed_receipt_changed(
                model,
                DeemedReceiptChange(
                    pk=row["pk"],
                    before_at=old_at,
                    before_rule=old_rule,
                    after_at=result.deemed_at,
                    after_rule=result.rule.value,
                    cause=cause,
                ),
            )
    return True


def _conflicts_of(model: type[DeemedReceiptFields], pk: Any) -> QuerySet[DeemedReceiptConflict]:
    return DeemedReceiptConflict.objects.filter(
        target_type=ContentType.objects.get_for_model(model),
        target_id=str(pk),
        status=DeemedReceiptConflict.Status.OPEN,
    )


def _withdraw_conflict(model: type[DeemedReceiptFields], pk: Any) -> None:
    """The calendar agrees with the record again (a closure deleted, say): nothing to resolve."""
    _conflicts_of(model, pk).update(status=DeemedReceiptConflict.Status.WITHDRAWN, resolved_at=timezone.now())


def _record_conflict(
    model: type[DeemedReceiptFields],
    row: dict[str, Any],
    proposed_at: datetime | None,
    proposed_rule: str,
    *,
    cause: str,
) -> None:
    """List a decided row the calendar would now move; one open entry per row, kept current."""
    proposal = {"proposed_deemed_at": proposed_at, "proposed_rule": proposed_rule, "cause": cause[:255]}
    if _conflicts_of(model, row["pk"]).update(**proposal):
        return
    try:
        with transaction.atomic():
            conflict = DeemedReceiptConflict.objects.create(
                target_type=ContentType.objects.get_for_model(model),
                target_id=str(row["pk"]),
                target_label=str(model._default_manager.get(pk=row["pk"]))[:255],
                received_at=row["received_at"],
                recorded_deemed_at=row["deemed_received_at"],
                recorded_rule=row["deemed_rule"],
                **proposal,
            )
            audit_record(
                event_type=AuditEventType.CALENDAR_DEEMED_RECEIPT_CONFLICT_LISTED,
                target=conflict,
                before=_snapshot(row["deemed_received_at"], row["deemed_rule"]),
                after={**_snapshot(proposed_at, proposed_rule), "cause": cause},
            )
    except IntegrityError:
        _conflicts_of(model, row["pk"]).update(**proposal)  # a concurrent re-stamp listed it first


_FIELDS = ("pk", "received_at", "deemed_received_at", "deemed_rule", "deemed_stamped_at")


def deemed_receipt_stamp(
    *, model: type[DeemedReceiptFields], pk: Any, calendar: RegistryCalendar | None = None
) -> bool:
    """Stamp (or correct) one row's deemed receipt. True if the row changed."""
    row = model._default_manager.filter(pk=pk).values(*_FIELDS).first()
    if row is None:
        return False
    return _stamp_one(model, row, calendar or current_calendar(), cause="received")


def deemed_receipts_restamp(*, window_start: datetime, window_end: datetime | None, cause: str) -> StampResult:
    """Re-stamp every row whose deemed receipt a calendar change in [start, end) may move.

    A row can be affected only if its walk to the next opening crossed the
    window: it was received before the window ended, and its deemed time (or
    pending) is not before the window started.
    """
    calendar = current_calendar()
    examined = changed = 0
    for model in stamped_models():
        moved = Q(deemed_received_at__gte=window_start) | Q(deemed_received_at__isnull=True)
        # An order not yet paid has no received time: nothing to stamp yet.
        rows = model._default_manager.filter(moved, received_at__isnull=False)
        if window_end is not None:
            rows = rows.filter(received_at__lt=window_end)
        for row in rows.order_by("pk").values(*_FIELDS).iterator(chunk_size=500):
            examined += 1
            changed += _stamp_one(model, row, calendar, cause=cause)
    return StampResult(examined, changed)


def deemed_receipts_sweep() -> StampResult:
    """Stamp rows never stamped, and pending rows whose reopening is now known (a lost dispatch)."""
    calendar = current_calendar()
    examined = changed = 0
    for model in stamped_models():
        unstamped = Q(deemed_stamped_at__isnull=True) | Q(deemed_received_at__isnull=True)
        rows = model._default_manager.filter(unstamped, received_at__isnull=False)
        for row in rows.order_by("pk").values(*_FIELDS).iterator(chunk_size=500):
            examined += 1
            changed += _stamp_one(model, row, calendar, cause="sweep")
    return StampResult(examined, changed)


RESTAMP = "calendar.restamp"
# Legal time needs the registry: its supervisors are alerted when re-stamping fails.
RESTAMP_ALERTS = "Registry supervisor"


def restamp_owe(window: tuple[datetime, datetime | None], *, cause: str) -> None:
    """Owe a re-stamp of the rows received in ``window`` (in the calendar change's transaction)."""
    from icms.core.outbox import enqueue

    start, end = window
    enqueue(
        RESTAMP,
        payload={"window_start": start.isoformat(), "window_end": end.isoformat() if end else None, "cause": cause},
        label=cause,
    )


def _restamp_run(item: OutboxItem) -> StampResult:
    payload = item.payload
    end = payload["window_end"]
    return deemed_receipts_restamp(
        window_start=datetime.fromisoformat(payload["window_start"]),
        window_end=datetime.fromisoformat(end) if end else None,
        cause=payload["cause"],
    )


def restamp_failed(item: OutboxItem) -> None:
    """Nobody is told a wrong time: the rows keep their stamp until staff try again.

    The beat sweep of deemed receipts still stamps rows left pending; the alert to the
    registry supervisors is the report.
    """


def register_restamping() -> None:
    from icms.core.outbox import register_kind

    register_kind(
        RESTAMP,
        run=_restamp_run,
        failed=restamp_failed,
        failed_event=AuditEventType.CALENDAR_RESTAMP_FAILED,
        alert_group=RESTAMP_ALERTS,
        time_limit=360,
        rendering=True,
    )
