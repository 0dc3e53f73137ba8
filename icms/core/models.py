from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from .audit_events import AuditEventType
from .indexes import contains_index


class TimeStampedModel(models.Model):
    """When a row was made and last changed, for the record. Every app's rows carry it."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(TimeStampedModel):
    """The last time a Celery worker ran the periodic heartbeat task.

    One row per worker host. ``/healthz`` reports the newest beat, so a stalled
    worker or a stopped beat shows up there.
    """

    hostname = models.CharField(_("worker host"), max_length=255, unique=True)
    beat_at = models.DateTimeField(_("last beat"))
    beats = models.PositiveBigIntegerField(_("beats"), default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.beat_at.isoformat()}"


class AuditEvent(models.Model):
    """An append-only record of a legally meaningful event, for the whole project.

    Written in the same transaction as the change it records (see
    :func:`icms.core.audit.audit_record`). Never updated or deleted: ``save`` refuses
    to update, ``delete`` refuses, the admin is read-only, and database triggers refuse any
    ``UPDATE`` or ``DELETE`` (accounts migration 0007) and ``TRUNCATE`` (core 0015). So the
    foreign keys from here are ``PROTECT``, never ``SET_NULL`` or ``CASCADE``.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty when the system acted."),
    )
    event_type = models.CharField(_("event type"), max_length=64, db_index=True, choices=AuditEventType.choices)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("target type")
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)

    class Meta:
        # The table it has had since it lived in accounts: the append-only trigger is on it.
        db_table = "accounts_auditevent"
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "occurred_at"], name="audit_target_time"),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time"),
            # The staff site's search of the log (icms/core/admin.py, icms.core.admin_scale).
            contains_index("target_label", name="audit_label_contains"),
            models.Index(fields=["target_id"], name="audit_target_id"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.target_label} @ {self.occurred_at.isoformat()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit events are append-only.")


class OutboxItem(TimeStampedModel):
    """A side effect owed by a committed change: written in the same transaction as the change.

    A worker runs it (``icms.core.outbox``): the dispatcher sends it to Celery after the
    commit, and beat's sweep sends anything the dispatch lost, returns work from a worker
    that died, and reports what is owed but missing. Retries happen only on transient
    errors; a permanent error, or the last retry, makes the row ``failed``, which the
    kind's ``<kind>_failed`` service records and tells people about. Staff see failed
    and overdue rows in the admin ("Work needing attention") and can try them again.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("target type")
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=255, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    key = models.CharField(
        _("key"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Set when the same work must never be owed twice."),
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next try"))
    lease_expires_at = models.DateTimeField(_("lease expires"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("sent to a worker"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox item")
        verbose_name_plural = _("outbox")
        ordering = ["next_attempt_at", "id"]
        permissions = [("retry_outboxitem", _("Can try failed or overdue work again"))]
        indexes = [
            # The sweep's and /healthz's questions: what is owed, and what has failed.
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_open_due",
                condition=models.Q(state__in=["pending", "running"]),
            ),
            models.Index(fields=["updated_at"], name="outbox_failed", condition=models.Q(state="failed")),
            models.Index(fields=["kind", "target_id"], name="outbox_kind_target"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_label or self.target_id} ({self.state})"


class WorkNeedingAttention(OutboxItem):
    """The outbox rows a person must look at: failed, or owed and overdue (the admin's list)."""

    class Meta:
        proxy = True
        verbose_name = _("work needing attention")
        verbose_name_plural = _("work needing attention")


class FixityCursor(models.Model):
    """How far the fixity check has come through one source of stored objects in this cycle.

    One row per source (``icms.core.fixity``). Each run checks the objects after
    ``position`` (a primary key) and moves it on; at the end of the source the cycle is
    complete and starts again from the beginning. ``leased_until`` is claimed with a
    conditional UPDATE, so two runs (beat and a command) never check the same source at once.
    """

    source = models.CharField(_("source"), max_length=64, unique=True)
    position = models.PositiveBigIntegerField(_("last primary key checked"), default=0)
    cycle_started_at = models.DateTimeField(_("cycle started"))
    cycle_checked = models.PositiveBigIntegerField(_("objects checked in this cycle"), default=0)
    last_cycle_completed_at = models.DateTimeField(_("last cycle completed"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    leased_until = models.DateTimeField(_("leased until"), null=True, blank=True)

    class Meta:
        verbose_name = _("fixity cursor")
        verbose_name_plural = _("fixity cursors")

    def __str__(self) -> str:
        return f"{self.source} @ {self.position}"


class AccessibilityReport(TimeStampedModel):
    """A problem with accessibility, reported through the form on the accessibility statement.

    What the reporter wrote (``page``, ``description``, the contact details, the language and
    the user) is never changed after receipt; staff work the report through ``status``,
    ``staff_note`` and ``handled_by`` (:func:`icms.core.services.accessibility_report_update`).
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")

    page = models.CharField(_("page"), max_length=500)
    description = models.TextField(_("what went wrong"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    language = models.CharField(_("language"), max_length=16)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("signed-in user"),
    )
    received_at = models.DateTimeField(_("received"), db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    staff_note = models.TextField(_("staff note"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )

    class Meta:
        verbose_name = _("accessibility report")
        verbose_name_plural = _("accessibility reports")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"], name="a11y_report_queue")]

    def __str__(self) -> str:
        return f"{self.page[:60]} @ {self.received_at.isoformat()}"
