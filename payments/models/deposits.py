"""Organisations' deposit accounts and their ledgers: a balance is the sum of its ledger rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from icms.core.models import TimeStampedModel

from .orders import PaymentOrder


class DepositAccount(TimeStampedModel):
    """An organisation's deposit account: the main account (no branch) or a branch sub-account."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="deposit_accounts"
    )
    # NULL, not "", marks the main account: the partial unique constraints rely on it.
    branch_code = models.CharField(_("branch code"), max_length=20, null=True, blank=True)  # noqa: DJ001
    # Set when the organisation's primary administrator opened the account online and accepted
    # its terms (payments.services.deposits); empty for accounts the Accounts Office opened.
    terms_version = models.CharField(_("terms accepted (version)"), max_length=20, blank=True)
    terms_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("terms accepted by"),
    )
    terms_accepted_at = models.DateTimeField(_("terms accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deposit account")
        verbose_name_plural = _("deposit accounts")
        ordering = ["organisation__name_en", "branch_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(branch_code__isnull=True), name="one_main_deposit_account"
            ),
            models.UniqueConstraint(
                fields=["organisation", "branch_code"],
                condition=Q(branch_code__isnull=False),
                name="one_deposit_sub_account_per_branch",
            ),
            models.CheckConstraint(condition=~Q(branch_code=""), name="deposit_branch_code_not_blank"),
        ]
        permissions = [("record_top_up", "Can record a deposit account top-up")]

    def __str__(self) -> str:
        return f"{self.organisation.name} — {self.label}"

    @property
    def label(self) -> str:
        return self.branch_code or str(_("Main account"))


class LedgerEntry(models.Model):
    """One movement on a deposit account. Positive adds money, negative takes it away."""

    class Kind(models.TextChoices):
        TOP_UP = "top_up", _("Top-up")
        FEE = "fee", _("Fee")
        REFUND = "refund", _("Refund")
        ADJUSTMENT = "adjustment", _("Adjustment")

    account = models.ForeignKey(DepositAccount, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(_("amount (HK$)"), max_digits=12, decimal_places=2)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    payment_order = models.ForeignKey(
        PaymentOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    refund = models.ForeignKey("Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero"),
            models.CheckConstraint(condition=~Q(kind="fee") | Q(amount__lt=0), name="ledger_fee_is_a_debit"),
            models.CheckConstraint(
                condition=~Q(kind__in=["top_up", "refund"]) | Q(amount__gt=0), name="ledger_credit_is_positive"
            ),
            models.UniqueConstraint(
                fields=["payment_order"], condition=Q(kind="fee"), name="ledger_one_fee_per_order"
            ),
            # A top-up paid through a gateway is credited once, however many callbacks report it.
            models.UniqueConstraint(
                fields=["payment_order"], condition=Q(kind="top_up"), name="ledger_one_top_up_per_order"
            ),
            models.UniqueConstraint(
                fields=["refund"], condition=Q(kind="refund"), name="ledger_one_credit_per_refund"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.kind} {self.amount}"
