"""The sandbox gateway's own records: the charges it took and the callbacks it owes.

These belong to the pretend payment provider, not to the portal: the portal knows a
payment only through signed callbacks, exactly as with a real provider.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SandboxCharge(models.Model):
    """One attempt to pay on the sandbox's hosted page."""

    class Scenario(models.TextChoices):
        SUCCESS = "success", _("Succeed")
        DECLINE = "decline", _("Decline")
        FAIL = "fail", _("Fail (gateway error)")
        DELAY = "delay", _("Succeed, but call back late")
        DUPLICATE = "duplicate", _("Succeed, and send the callback 5 times")
        REORDER = "reorder", _("Succeed, sending the callbacks out of order")

    reference = models.CharField(max_length=40, unique=True)
    merchant_reference = models.CharField(max_length=40, db_index=True)
    method = models.CharField(max_length=10)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="HKD")
    scenario = models.CharField(max_length=20, choices=Scenario.choices)
    succeeded = models.BooleanField(default=False)
    callback_url = models.URLField(max_length=500)
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # The sandbox never takes the same merchant order's money twice.
            models.UniqueConstraint(
                fields=["merchant_reference"], condition=Q(succeeded=True), name="sandbox_one_success_per_order"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class SandboxCallback(models.Model):
    """One delivery the sandbox owes the merchant: a signed POST of ``body`` at or after ``due_at``."""

    charge = models.ForeignKey(SandboxCharge, on_delete=models.CASCADE, related_name="callbacks")
    event_id = models.CharField(max_length=60)
    body = models.TextField()
    due_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["due_at", "position"]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.charge.callback_url}"


class SandboxRefund(models.Model):
    """Money the sandbox paid back; ``reference`` is the merchant's, so a retry is a no-op."""

    reference = models.CharField(max_length=40, unique=True)
    charge = models.ForeignKey(SandboxCharge, on_delete=models.CASCADE, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.reference
