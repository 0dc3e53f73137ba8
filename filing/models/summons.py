"""What a summons in the Magistrates' summons courts carries, and bulk filing of summonses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from icms.core.indexes import contains_index
from icms.core.models import TimeStampedModel

from .cases import Case, CaseType
from .submissions import Submission


class SummonsDetails(TimeStampedModel):
    """The offence, the prosecutor and the return day of a summons case (one per case).

    The return day and courtroom are allotted by the registry when it accepts the summons,
    which lists the summons on that day's cause list.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="summons", verbose_name=_("case"))
    offence_en = models.TextField(_("offence (English)"))
    offence_zh = models.TextField(_("offence (Chinese)"), blank=True)
    ordinance = models.CharField(_("ordinance"), max_length=100, help_text=_("For example: Cap. 132."))
    section = models.CharField(_("section"), max_length=50, help_text=_("For example: s. 22(1)(a)."))
    offence_date = models.DateField(_("date of offence"))
    offence_place = models.CharField(_("place of offence"), max_length=255)
    # Null for a private informant (an individual user), who files in person.
    prosecutor = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="summonses",
        verbose_name=_("prosecuting department or agency"),
    )
    officer_reference = models.CharField(_("officer's reference"), max_length=60, blank=True)
    # The department's own reference for the summons: a bulk manifest's rows are idempotent by it.
    department_reference = models.CharField(_("department's reference"), max_length=60)
    return_at = models.DateTimeField(_("return day and time"), null=True, blank=True)
    courtroom = models.CharField(_("courtroom"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("summons details")
        verbose_name_plural = _("summons details")
        constraints = [
            models.UniqueConstraint(
                fields=["prosecutor", "department_reference"], name="summons_department_reference_unique"
            ),
            models.CheckConstraint(condition=~Q(department_reference=""), name="summons_has_department_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.department_reference}: {self.offence_en[:60]}"


class BulkBatch(TimeStampedModel):
    """One upload of a manifest (CSV or XLSX) with its summons PDFs, by a department user."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, not yet filed")
        FILING = "filing", _("Filing")
        FILED = "filed", _("Filed")
        INTERRUPTED = "interrupted", _("Interrupted: resume to file the rest")
        CANCELLED = "cancelled", _("Cancelled")
        # Not filed (or not resumed) within the time its PDFs are kept (filing/bulk/expiry.py).
        EXPIRED = "expired", _("Expired: not filed in time")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="bulk_batches", verbose_name=_("organisation")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case_type = models.ForeignKey(
        CaseType, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("summons court")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CHECKED)
    manifest_filename = models.CharField(_("manifest file"), max_length=255)
    manifest_storage_key = models.CharField(max_length=255, blank=True)
    manifest_sha256 = models.CharField("SHA-256", max_length=64)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_invalid = models.PositiveIntegerField(_("rows with errors"), default=0)
    rows_filed = models.PositiveIntegerField(_("rows filed"), default=0)
    # The one deposit payment that covers the batch (payments.PaymentOrder.reference).
    payment_reference = models.CharField(_("payment order reference"), max_length=64, blank=True)
    filing_started_at = models.DateTimeField(_("filing started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk filing batch")
        verbose_name_plural = _("bulk filing batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.manifest_filename} ({self.created_at:%Y-%m-%d})"


class BulkItem(TimeStampedModel):
    """One row of a batch's manifest: its checked data, its PDF, and the submission it became."""

    class Status(models.TextChoices):
        INVALID = "invalid", _("Has errors")
        DUPLICATE = "duplicate", _("Already filed")
        PENDING = "pending", _("Waiting to be filed")
        # Claimed by a worker that is filing it now (a conditional UPDATE from pending or failed).
        FILING = "filing", _("Being filed")
        FILED = "filed", _("Filed")
        FAILED = "failed", _("Failed: will be tried again")
        # Its batch was cancelled before it was filed: the reference is free again.
        CANCELLED = "cancelled", _("Cancelled")

    batch = models.ForeignKey(BulkBatch, on_delete=models.CASCADE, related_name="items")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    row_number = models.PositiveIntegerField(_("row"))
    department_reference = models.CharField(_("department's reference"), max_length=60)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    data = models.JSONField(default=dict, blank=True)
    pdf_filename = models.CharField(_("summons PDF"), max_length=255, blank=True)
    pdf_storage_key = models.CharField(max_length=255, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_pages = models.PositiveIntegerField(null=True, blank=True)
    submission = models.OneToOneField(
        Submission, on_delete=models.PROTECT, null=True, blank=True, related_name="bulk_item"
    )
    # The technical record for staff (the admin, the logs, the audit of a drop): never shown to the filer.
    last_error = models.TextField(blank=True)
    # What the filer is shown instead, in each of settings.LANGUAGES ({"en": ..., "zh-hant": ...}):
    # filing/bulk/reasons.py.
    reason = models.JSONField(_("reason shown to the filer"), default=dict, blank=True)

    class Meta:
        verbose_name = _("bulk filing row")
        verbose_name_plural = _("bulk filing rows")
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="bulk_item_row_unique"),
            # A reference is filed once per organisation, whatever batch carries it again.
            models.UniqueConstraint(
                fields=["organisation", "department_reference"],
                condition=Q(status__in=["pending", "filing", "filed", "failed"]),
                name="bulk_item_reference_filed_once",
            ),
        ]
        # The staff site's search (filing/admin/bulk.py, icms.core.admin_scale).
        indexes = [contains_index("department_reference", name="bulk_item_reference_contains")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number} {self.department_reference}"
