"""Calendar data maintained by registry staff, and the fields of anything deemed received."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from icms.core.dates import format_named
from icms.core.languages import in_language
from icms.core.models import TimeStampedModel

from .core import ClosureReason


class RegistryHours(TimeStampedModel):
    """The registries' weekday hours: a single row (icms-reference §2)."""

    opens = models.TimeField(_("opens"), default=time(8, 45))
    lunch_starts = models.TimeField(_("lunch hour starts"), default=time(13, 0))
    lunch_ends = models.TimeField(_("lunch hour ends"), default=time(14, 0))
    closes = models.TimeField(_("closes"), default=time(17, 30))
    lunch_hour_defers = models.BooleanField(
        _("defer filings received in the lunch hour to its end"),
        default=False,
        help_text=_("Off by default: the published rule defers only filings received after closing time."),
    )

    class Meta:
        verbose_name = _("registry hours")
        verbose_name_plural = _("registry hours")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="registry_hours_single_row"),
            models.CheckConstraint(
                condition=Q(
                    opens__lt=F("lunch_starts"), lunch_starts__lte=F("lunch_ends"), lunch_ends__lt=F("closes")
                ),
                name="registry_hours_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opens:%H:%M}–{self.lunch_starts:%H:%M}, {self.lunch_ends:%H:%M}–{self.closes:%H:%M}"


class BilingualNotice(models.Model):
    notice_en = models.TextField(_("notice in English"), blank=True)
    notice_zh = models.TextField(_("notice in Chinese"), blank=True)

    class Meta:
        abstract = True

    @property
    def notice(self) -> str:
        return in_language(self.notice_en, self.notice_zh)


class ExtraHoliday(TimeStampedModel):
    """A day the Chief Executive appoints as a general holiday, on top of Cap. 149's list."""

    day = models.DateField(_("date"), unique=True)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_zh = models.CharField(_("name in Chinese"), max_length=200)

    class Meta:
        verbose_name = _("additional general holiday")
        verbose_name_plural = _("additional general holidays")
        ordering = ["day"]

    def __str__(self) -> str:
        name = in_language(self.name_en, self.name_zh)
        return f"{format_named(self.day, 'DATE_FORMAT')} {name}"


class Closure(BilingualNotice, TimeStampedModel):
    """The registry closed for a typhoon, black rainstorm or extreme conditions."""

    class Reason(models.TextChoices):
        TYPHOON = ClosureReason.TYPHOON.value, _("Tropical cyclone signal No. 8 or above")
        BLACK_RAINSTORM = ClosureReason.BLACK_RAINSTORM.value, _("Black rainstorm warning")
        EXTREME_CONDITIONS = ClosureReason.EXTREME_CONDITIONS.value, _("Extreme conditions")
        OTHER = ClosureReason.OTHER.value, _("Other")

    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    starts_at = models.DateTimeField(_("closed from"))
    reopens_at = models.DateTimeField(
        _("reopens at"), null=True, blank=True, help_text=_("Leave empty until the reopening time is announced.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("registry closure")
        verbose_name_plural = _("registry closures")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reopens_at__isnull=True) | Q(reopens_at__gt=F("starts_at")),
                name="closure_reopens_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(reason)s from %(starts)s") % {
            "reason": self.get_reason_display(),
            "starts": format_named(self.starts_at, "DATETIME_FORMAT"),
        }


class MaintenanceWindow(BilingualNotice, TimeStampedModel):
    """Published in advance; while one is in force the portal shows a maintenance page."""

    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("maintenance window")
        verbose_name_plural = _("maintenance windows")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="maintenance_ends_after_it_starts"),
        ]

    def __str__(self) -> str:
        return gettext("%(starts)s to %(ends)s") % {
            "starts": format_named(self.starts_at, "DATETIME_FORMAT"),
            "ends": format_named(self.ends_at, "DATETIME_FORMAT"),
        }


class DeemedReceiptFields(models.Model):
    """Fields of anything the deemed-receipt rule applies to (submissions, payments).

    Concrete models that inherit this join the re-stamping mechanism
    automatically (:mod:`icms.calendar.stamping`): when the calendar changes,
    their affected rows are re-stamped and audited. ``received_at`` is written
    once and never changes; the deemed fields are written only by the stamping
    services.
    """

    received_at = models.DateTimeField(_("received at"), db_index=True)
    deemed_received_at = models.DateTimeField(_("deemed received at"), null=True, blank=True, db_index=True)
    deemed_rule = models.CharField(_("deemed-receipt rule"), max_length=32, blank=True)
    deemed_stamped_at = models.DateTimeField(_("deemed receipt stamped at"), null=True, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def deemed_receipt_final(cls) -> Q:
        """The rows whose deemed receipt is final: re-stamping never moves them.

        A model overrides this when its rows are decided on the strength of their deemed
        time (a submission the registry accepted or returned). A calendar change that
        would move such a row is listed for staff as a :class:`DeemedReceiptConflict`.
        By default no row is final.
        """
        return Q(pk__in=[])


class DeemedReceiptConflict(TimeStampedModel):
    """A decided row that a later calendar change would have moved, for staff to resolve.

    Staff either correct the row's deemed receipt (audited, with a reason; the filer is
    told and sealed copies are re-issued) or dismiss the conflict with a reason. There is
    at most one open conflict per row; a later calendar change updates its proposal, and
    a change that undoes it withdraws it.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CORRECTED = "corrected", _("Corrected")
        DISMISSED = "dismissed", _("Dismissed")
        WITHDRAWN = "withdrawn", _("No longer applies")

    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(_("filing"), max_length=255)
    received_at = models.DateTimeField(_("received at"))
    recorded_deemed_at = models.DateTimeField(_("deemed received at (on record)"), null=True, blank=True)
    recorded_rule = models.CharField(_("rule on record"), max_length=32)
    proposed_deemed_at = models.DateTimeField(_("deemed received at (by the calendar now)"), null=True, blank=True)
    proposed_rule = models.CharField(_("rule by the calendar now"), max_length=32)
    cause = models.CharField(_("calendar change"), max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("decided filing a calendar change would have moved")
        verbose_name_plural = _("decided filings a calendar change would have moved")
        ordering = ["status", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id"],
                condition=Q(status="open"),
                name="one_open_deemed_receipt_conflict_per_row",
            ),
        ]

    def __str__(self) -> str:
        return self.target_label
