"""Versions of what the court tells a filer: acknowledgements and sealed copies.

When a filing's deemed receipt changes (a closure recorded late, a reopening announced,
a staff correction), the earlier acknowledgement and sealed copy are not overwritten:
a new version is made that says what changed, and the earlier one is kept, marked
superseded, and can still be downloaded.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .submissions import Document, Submission


class AcknowledgementVersion(models.Model):
    """One version of a submission's acknowledgement, with the deemed receipt it states.

    Version 1 is made with the submission; each change of its deemed receipt makes the
    next. The values are a snapshot taken in the transaction of the change, so the PDF,
    the message and the email of a version always say the same thing.
    """

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="acknowledgement_versions")
    version = models.PositiveSmallIntegerField(_("version"))
    deemed_received_at = models.DateTimeField(_("deemed received at"), null=True, blank=True)
    deemed_rule = models.CharField(_("deemed-receipt rule"), max_length=32)
    explanation_en = models.TextField(blank=True)
    explanation_zh = models.TextField(blank=True)
    previous_deemed_received_at = models.DateTimeField(null=True, blank=True)
    previous_deemed_rule = models.CharField(max_length=32, blank=True)
    # Why it changed, in both languages ("A closure was recorded: …"); empty for version 1.
    reason_en = models.TextField(blank=True)
    reason_zh = models.TextField(blank=True)
    storage_key = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("acknowledgement version")
        verbose_name_plural = _("acknowledgement versions")
        ordering = ["submission", "version"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "version"], name="one_acknowledgement_per_version"),
        ]
        # The outbox sweep's check for acknowledgements never made.
        indexes = [
            models.Index(fields=["submission"], name="acknowledgement_unsent", condition=models.Q(storage_key=""))
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} v{self.version}"

    @property
    def is_revision(self) -> bool:
        return self.version > 1


class SealedCopyVersion(models.Model):
    """A sealed copy that was re-issued: the earlier copy, kept and marked superseded.

    The document's current sealed copy is ``Document.sealed_storage_key``; when a
    correction re-issues it under the same DRN, the copy it replaces is kept here.
    """

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="superseded_sealed_copies")
    version = models.PositiveSmallIntegerField(_("version"))
    storage_key = models.CharField(max_length=255, unique=True)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    deemed_received_at = models.DateTimeField(_("deemed received at"))
    superseded_at = models.DateTimeField(_("superseded at"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("superseded sealed copy")
        verbose_name_plural = _("superseded sealed copies")
        ordering = ["document", "version"]
        constraints = [
            models.UniqueConstraint(fields=["document", "version"], name="one_sealed_copy_per_version"),
            models.CheckConstraint(condition=~Q(storage_key=""), name="superseded_sealed_copy_has_key"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.version}"
