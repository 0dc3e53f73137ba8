"""Owing, sending and running side effects: the one place work leaves a transaction.

* :func:`enqueue` writes the row inside the caller's transaction; after the commit the
  dispatcher sends it to Celery, best effort. Nothing else in the portal calls
  ``on_commit`` or ``delay_on_commit`` for a side effect.
* :func:`outbox_item_run` (the worker) claims a due row with a conditional UPDATE, runs
  its kind, and marks it done, due again (a transient error) or failed.
* :func:`outbox_sweep` (beat, every ``OUTBOX_SWEEP_INTERVAL`` seconds) sends what the
  dispatch lost, takes work back from workers that died, runs the apps' invariant
  checks and purges old finished rows.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..audit import audit_record
from ..audit_events import AuditEventType
from ..models import OutboxItem
from .errors import is_transient
from .kinds import OutboxKind, kind_for

logger = logging.getLogger(__name__)

State = OutboxItem.State
OPEN_STATES = (State.PENDING, State.RUNNING)
_SWEEP_BATCH = 500
#: The kind that emails a failed item's staff group (registered by icms.core's AppConfig).
STAFF_ALERT = "core.staff_alert"

#: Invariant checks the apps register: each reports work owed but missing, returns how many.
_invariants: list[Callable[[datetime], int]] = []


def enqueue(
    kind: str,
    *,
    target: models.Model | None = None,
    payload: dict[str, Any] | None = None,
    key: str | None = None,
    label: str = "",
) -> OutboxItem:
    """Owe the work ``kind`` on ``target``, in the caller's transaction; run it after commit.

    ``payload`` must be JSON. With ``key``, the same work is owed once: a second call
    returns the first row. ``label`` names the work for staff when it has no target.
    If the transaction rolls back, nothing is owed.
    """
    spec = kind_for(kind)  # an unknown kind fails here, in the change, not later in a worker
    now = timezone.now()
    fields: dict[str, Any] = {
        "kind": kind,
        "payload": payload or {},
        "target_label": label[:255],
        "next_attempt_at": now,
        "dispatched_at": now,
    }
    if target is not None:
        fields |= {
            "target_type": ContentType.objects.get_for_model(target),
            "target_id": str(target.pk),
            "target_label": str(target)[:255],
        }
    if key is None:
        item = OutboxItem.objects.create(**fields)
    else:
        item, created = OutboxItem.objects.get_or_create(key=key, defaults=fields)
        if not created:
            return item
    transaction.on_commit(lambda: _send(item.pk, spec))
    return item


def queue_for(spec: OutboxKind) -> str:
    """The Celery queue of work of ``spec``: rendering has its own when one is configured
    (``make serve``, docker-compose); otherwise every kind goes to the default queue."""
    rendering_queue: str = settings.CELERY_RENDERING_QUEUE
    if spec.rendering and rendering_queue:
        return rendering_queue
    default_queue: str = outbox_run.app.conf.task_default_queue
    return default_queue


def _send(item_id: int, spec: OutboxKind) -> bool:
    """Hand one row to Celery. If the broker is down, the sweep sends it later."""
    try:
        outbox_run.apply_async(
            (item_id,),
            queue=queue_for(spec),
            soft_time_limit=spec.time_limit - 10,
            time_limit=spec.time_limit,
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
        )
    except Exception:
        # Never fail the request that committed the change: the row is the promise.
        logger.warning("Outbox item %s not sent to the broker; the sweep will send it.", item_id, exc_info=True)
        try:
            OutboxItem.objects.filter(pk=item_id, state=State.PENDING).update(dispatched_at=None)
        except DatabaseError:
            logger.warning("Could not mark outbox item %s unsent.", item_id, exc_info=True)
        return False
    return True


@shared_task(name="icms.core.tasks.outbox_run")
def outbox_run(item_id: int) -> str:
    """The worker's task: run one row. Its time limits come with each message, from its kind.

    Defined here, beside the dispatcher that sends it, so that sending never depends on
    task discovery. Never retried by Celery: the outbox decides, from the error, whether
    to try again.
    """
    return outbox_item_run(item_id)


def outbox_item_run(item_id: int) -> str:
    """Run one row if it is due and nobody else has it. Returns what happened."""
    item = OutboxItem.objects.filter(pk=item_id).first()
    if item is None:
        return "missing"
    spec = kind_for(item.kind)
    now = timezone.now()
    claimed = OutboxItem.objects.filter(pk=item_id, state=State.PENDING, next_attempt_at__lte=now).update(
        state=State.RUNNING,
        attempts=F("attempts") + 1,
        lease_expires_at=now + timedelta(seconds=spec.time_limit + settings.OUTBOX_LEASE_MARGIN),
        updated_at=now,
    )
    if not claimed:
        return "not due"  # done, failed, running elsewhere, or a later try
    item.refresh_from_db()
    try:
        spec.run(item)
    except Exception as error:
        return _after_error(item, spec, error)
    finished = timezone.now()
    OutboxItem.objects.filter(pk=item.pk, state=State.RUNNING).update(
        state=State.DONE, finished_at=finished, lease_expires_at=None, updated_at=finished
    )
    return "done"


def _after_error(item: OutboxItem, spec: OutboxKind, error: Exception) -> str:
    transient = is_transient(error, spec.transient)
    description = f"{type(error).__name__}: {error}".strip()[:4000]
    _reconnect_if_broken()
    try:
        with transaction.atomic():
            locked = OutboxItem.objects.select_for_update().get(pk=item.pk)
            if locked.state != State.RUNNING:
                return "superseded"
            if transient and locked.attempts < spec.max_attempts:
                locked.state = State.PENDING
                delay = spec.retry_delay(locked.attempts) if spec.retry_delay else backoff(locked.attempts)
                locked.next_attempt_at = timezone.now() + delay
                locked.dispatched_at = None
                locked.lease_expires_at = None
                locked.last_error = description
                locked.save()
                outcome = "retry"
            else:
                _fail(locked, spec, description)
                outcome = "failed"
    except DatabaseError:
        # The database is down too: the row stays running, and its lease brings it back.
        logger.exception("Could not record the outcome of outbox item %s", item.pk)
        return "lost"
    if outcome == "retry":
        logger.warning("Outbox %s %s: transient error, try %s: %s", item.kind, item.pk, item.attempts, description)
    else:
        logger.error("Outbox %s %s failed: %s", item.kind, item.pk, description, exc_info=error)
    return outcome


def _reconnect_if_broken() -> None:
    """After a lost database connection (a restart), drop it so the next query opens a fresh one."""
    if connection.in_atomic_block:
        return
    if connection.connection is not None and not connection.is_usable():
        connection.close()


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th try: doubling, capped, with jitter."""
    base = float(settings.OUTBOX_BACKOFF_BASE) * 2 ** max(attempts - 1, 0)
    seconds = min(base, float(settings.OUTBOX_BACKOFF_MAX))
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))  # noqa: S311 (jitter, not a secret)


def _fail(item: OutboxItem, spec: OutboxKind, description: str) -> None:
    """Mark ``item`` failed, audit it, tell the people concerned and alert staff.

    Runs inside the caller's transaction. A failure in telling people is logged and
    noted on the row, never allowed to leave the row running for ever.
    """
    item.state = State.FAILED
    item.finished_at = timezone.now()
    item.lease_expires_at = None
    item.last_error = description
    item.save()
    try:
        with transaction.atomic():
            spec.failed(item)
    except Exception as error:
        logger.exception("The failure service of outbox item %s failed", item.pk)
        item.last_error = f"{description}\n(and telling people failed: {type(error).__name__}: {error})"[:4000]
        item.save(update_fields=["last_error", "updated_at"])
    audit_record(
        event_type=spec.failed_event,
        target_label=item.target_label or f"{item.kind} {item.target_id}",
        after={"outbox_item": item.pk, "kind": item.kind, "attempts": item.attempts, "error": description[:1000]},
    )
    if spec.alert_group:
        # Alerting is outbox work too: written now, sent by a worker.
        enqueue(STAFF_ALERT, target=item, payload={"group": spec.alert_group})


def report_missing(kind: str, *, target: models.Model, error: str, label: str = "") -> OutboxItem | None:
    """Report work owed on ``target`` that nobody is doing, as failed work, once.

    For the apps' invariant checks (and fixity findings). Nothing is reported while work
    of ``kind`` on ``target`` is pending, running or already failed. ``label`` names the
    target for staff when ``str(target)`` says too little.
    """
    spec = kind_for(kind)
    target_type = ContentType.objects.get_for_model(target)
    with transaction.atomic():
        unresolved = OutboxItem.objects.filter(
            kind=kind, target_type=target_type, target_id=str(target.pk), state__in=[*OPEN_STATES, State.FAILED]
        )
        if unresolved.exists():
            return None
        now = timezone.now()
        item = OutboxItem(
            kind=kind,
            target_type=target_type,
            target_id=str(target.pk),
            target_label=(label or str(target))[:255],
            next_attempt_at=now,
        )
        _fail(item, spec, error)
    return item


def register_invariant(check: Callable[[datetime], int]) -> None:
    """Run ``check(now)`` on every sweep. It calls :func:`report_missing` for each breach."""
    if check not in _invariants:
        _invariants.append(check)


@dataclass(frozen=True)
class SweepResult:
    taken_back: int
    sent: int
    reported: int
    purged: int


def outbox_sweep(now: datetime | None = None) -> SweepResult:
    """Beat's pass over the outbox: take back, send, check, purge."""
    now = now or timezone.now()
    taken_back = _take_back_expired(now)
    sent = _send_due(now)
    reported = sum(check(now) for check in list(_invariants))
    cutoff = now - timedelta(days=settings.OUTBOX_DONE_RETENTION_DAYS)
    purged, _ = OutboxItem.objects.filter(state=State.DONE, finished_at__lt=cutoff).delete()
    return SweepResult(taken_back=taken_back, sent=sent, reported=reported, purged=purged)


def _take_back_expired(now: datetime) -> int:
    """Rows whose worker died (its lease ran out): due again, or failed after the last try."""
    taken = 0
    with transaction.atomic():
        expired = (
            OutboxItem.objects.select_for_update(skip_locked=True)
            .filter(state=State.RUNNING, lease_expires_at__lt=now)
            .order_by("lease_expires_at")[:_SWEEP_BATCH]
        )
        for item in expired:
            spec = kind_for(item.kind)
            description = "The worker stopped before it finished (its time ran out, or it was killed)."
            if item.attempts >= spec.max_attempts:
                _fail(item, spec, description)
            else:
                item.state = State.PENDING
                item.next_attempt_at = now
                item.dispatched_at = None
                item.lease_expires_at = None
                item.last_error = description
                item.save()
            taken += 1
    return taken


def _send_due(now: datetime) -> int:
    """Send due rows that were never sent, or were sent long ago and are still pending."""
    stale = now - timedelta(seconds=settings.OUTBOX_REDISPATCH_AFTER)
    due = list(
        OutboxItem.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
        .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=stale))
        .order_by("next_attempt_at", "id")
        .values_list("pk", "kind")[:_SWEEP_BATCH]
    )
    # One UPDATE marks the batch sent; a row whose send fails is marked unsent again.
    OutboxItem.objects.filter(pk__in=[pk for pk, _ in due], state=State.PENDING).update(dispatched_at=now)
    sent = 0
    for pk, kind in due:
        if not _send(pk, kind_for(kind)):
            # The broker is down: leave the rest unsent, for the next sweep to send at once.
            unsent = [later for later, _ in due[sent:]]
            OutboxItem.objects.filter(pk__in=unsent, state=State.PENDING).update(dispatched_at=None)
            break
        sent += 1
    return sent


def outbox_item_retry(*, item: OutboxItem, actor: AbstractBaseUser, ip_address: str | None = None) -> bool:
    """Staff's "try again": failed or overdue work is due now, with its tries counted afresh.

    Returns False when the row is neither (done, or running on time). Audited.
    """
    with transaction.atomic():
        locked = OutboxItem.objects.select_for_update().get(pk=item.pk)
        if not (locked.state == State.FAILED or is_overdue(locked)):
            return False
        before = {"state": locked.state, "attempts": locked.attempts, "error": locked.last_error[:1000]}
        now = timezone.now()
        locked.state = State.PENDING
        locked.attempts = 0
        locked.next_attempt_at = now
        locked.dispatched_at = now
        locked.lease_expires_at = None
        locked.finished_at = None
        locked.save()
        audit_record(
            event_type=AuditEventType.OUTBOX_WORK_RETRIED,
            actor=actor,
            target=locked,
            before=before,
            after={"state": locked.state},
            ip_address=ip_address,
        )
        spec = kind_for(locked.kind)
        transaction.on_commit(lambda: _send(locked.pk, spec))
    return True


def overdue_filter(now: datetime | None = None) -> Q:
    """Owed work more than ``OUTBOX_OVERDUE_AFTER`` seconds past due."""
    now = now or timezone.now()
    return Q(state__in=OPEN_STATES, next_attempt_at__lt=now - timedelta(seconds=settings.OUTBOX_OVERDUE_AFTER))


def is_overdue(item: OutboxItem, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.OUTBOX_OVERDUE_AFTER)
    return item.state in OPEN_STATES and item.next_attempt_at < limit


@dataclass(frozen=True)
class OutboxFigures:
    failed: int
    overdue: int


def outbox_figures(now: datetime | None = None) -> OutboxFigures:
    """What ``/healthz`` reports: failed rows, and owed rows overdue by more than 5 minutes."""
    counts = OutboxItem.objects.aggregate(
        failed=models.Count("pk", filter=Q(state=State.FAILED)),
        overdue=models.Count("pk", filter=overdue_filter(now)),
    )
    return OutboxFigures(failed=counts["failed"], overdue=counts["overdue"])
