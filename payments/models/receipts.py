"""Numbered receipts of paid orders, gapless within each year."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from icms.core.models import TimeStampedModel

from .orders import PaymentOrder


class ReceiptSequence(models.Model):
    """The last receipt number given out in a year; locked while a number is taken (gapless)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("receipt number sequence")
        verbose_name_plural = _("receipt number sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Receipt(TimeStampedModel):
    """The numbered receipt of a paid order. Its PDF is rendered by a task after commit."""

    order = models.OneToOneField(PaymentOrder, on_delete=models.PROTECT, related_name="receipt")
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    storage_key = models.CharField(_("storage key of the PDF"), max_length=200, blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-year", "-sequence"]
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="receipt_number_unique")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """``R2026-000123``: numbered from 1 in each year (Hong Kong time), without gaps."""
        return f"R{self.year}-{self.sequence:06d}"
