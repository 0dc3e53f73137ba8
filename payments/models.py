"""Fee schedule, concessions, payment orders, gateway events, deposit ledgers, refunds, receipts.

Money is ``Decimal`` in HKD (``DecimalField(max_digits=12, decimal_places=2)``). Balances
are never stored: a deposit account's balance is the sum of its ledger rows. Statuses
change only through :mod:`payments.services`, by guarded conditional updates.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from icms.calendar.models import DeemedReceiptFields
from icms.core.languages import in_language
from icms.core.models import TimeStampedModel

ZERO = Decimal("0.00")


class CourtLevel(models.TextChoices):
    DISTRICT = "DC", _("District Court")
    MAGISTRATES = "MC", _("Magistrates' Courts")


def new_token() -> str:
    """An unguessable token for links that grant access (256 bits)."""
    return secrets.token_urlsafe(32)


def new_reference(prefix: str) -> str:
    """A short public reference such as ``PO-7KX3M9QD2A`` (not a secret; 50 bits)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return prefix + "-" + "".join(secrets.choice(alphabet) for _ in range(10))


class PaymentPurpose(models.TextChoices):
    SUBMISSION = "submission", _("Court filing")
    SEARCH = "search", pgettext_lazy("payment purpose", "Search")
    INSPECTION = "inspection", _("Document inspection")
    DEPOSIT_TOP_UP = "deposit_top_up", _("Deposit account top-up")
    COPY = "copy", _("Copy or certificate")
    BULK_FILING = "bulk_filing", _("Bulk filing of summonses")


class FeeItem(TimeStampedModel):
    """One item of a court's fee schedule, in force from ``effective_from`` to ``effective_to``.

    Accounts staff maintain the schedule in the admin. ``verified`` says whether the
    amount was checked against a public source, named in ``source_note``. Only the admin
    shows it: the public pages and receipts show amounts plainly, and ``check --deploy``
    refuses a deployment while an item in force is unverified (icms.E040, payments/checks.py).
    """

    court_level = models.CharField(_("court level"), max_length=2, choices=CourtLevel.choices)
    code = models.CharField(_("code"), max_length=40)
    statutory_ref = models.CharField(_("statutory reference"), max_length=200)
    description_en = models.CharField(_("description in English"), max_length=300)
    description_zh = models.CharField(_("description in Chinese"), max_length=300)
    standard_amount = models.DecimalField(_("standard fee (HK$)"), max_digits=12, decimal_places=2)
    e_fee_eligible = models.BooleanField(
        _("eligible for the e-fee concession"),
        default=True,
        help_text=_("Items primarily or directly related to electronic handling of court documents (Cap. 638E/638F)."),
    )
    nil_e_fee = models.BooleanField(_("no e-fee payable"), default=False)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    verified = models.BooleanField(_("amount verified"), default=False)
    standalone_purpose = models.CharField(
        _("can be paid on its own for"),
        max_length=20,
        choices=PaymentPurpose.choices,
        blank=True,
        help_text=_("Search and inspection fees can be paid from the fee calculator; filing fees are paid on filing."),
    )
    source_note = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        ordering = ["court_level", "code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["court_level", "code", "effective_from"], name="fee_item_unique_version"),
            models.CheckConstraint(condition=Q(standard_amount__gte=0), name="fee_item_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="fee_item_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.court_level} {self.code} — {self.description_en}"

    @property
    def description(self) -> str:
        return in_language(self.description_en, self.description_zh)


class ConcessionPeriod(TimeStampedModel):
    """The e-fee concession of a court level: ``rate`` off the ordinary fee, dates inclusive (HKT).

    Cap. 638E (District Court, from 6 May 2022) and Cap. 638F (Magistrates' Courts, from
    30 Dec 2022): the e-fee is 80% of the ordinary fee for 5 years, i.e. a 20% concession.
    """

    class Rounding(models.TextChoices):
        DOWN_TO_DOLLAR = "down_dollar", _("Down to the whole dollar")
        HALF_UP_TO_CENT = "half_up_cent", _("To the nearest cent")

    court_level = models.CharField(_("court level"), max_length=2, choices=CourtLevel.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    rate = models.DecimalField(_("concession rate"), max_digits=4, decimal_places=3, default=Decimal("0.200"))
    rounding = models.CharField(
        _("rounding"), max_length=20, choices=Rounding.choices, default=Rounding.DOWN_TO_DOLLAR
    )
    statutory_ref = models.CharField(_("statutory reference"), max_length=200, blank=True)
    source_note = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("concession period")
        verbose_name_plural = _("concession periods")
        ordering = ["court_level", "starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="concession_dates_in_order"),
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=1), name="concession_rate_between_0_and_1"),
        ]

    def __str__(self) -> str:
        return f"{self.court_level} {self.rate:%} {self.starts_on}–{self.ends_on}"


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Credit or debit card")
    PPS = "pps", _("PPS")
    FPS = "fps", _("FPS")
    DEPOSIT = "deposit", _("Deposit account")


class ReceivedOrderManager(models.Manager["PaymentOrder"]):
    """Only orders whose payment has been received (``received_at`` set).

    The default manager of :class:`PaymentOrder`, because deemed-receipt stamping
    (:mod:`icms.calendar.stamping`) walks every row of ``_default_manager`` and needs a
    ``received_at``; orders not yet paid have none. Application code uses ``objects``.
    """

    def get_queryset(self) -> models.QuerySet[PaymentOrder]:
        return super().get_queryset().filter(received_at__isnull=False)


class PaymentOrder(DeemedReceiptFields, TimeStampedModel):
    """What is owed for one thing (a submission, a search, an inspection), and how it was paid.

    ``lines`` is the quote at the time of payment (see :func:`payments.fees.quote`).
    ``received_at`` is written once, when the payment is received, and the deemed
    receipt follows the registry calendar (icms-reference §2 rule 7).
    """

    class Status(models.TextChoices):
        CREATED = "created", _("Awaiting payment")
        PENDING = "pending", _("Payment in progress")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Payment failed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    Purpose = PaymentPurpose
    Method = PaymentMethod

    reference = models.CharField(_("reference"), max_length=20, unique=True, default="", editable=False)
    purpose = models.CharField(_("paying for"), max_length=20, choices=PaymentPurpose.choices)
    purpose_ref = models.CharField(_("reference of what is paid for"), max_length=100, blank=True)
    # Empty for a deposit account top-up, which is paid to no court in particular.
    court_level = models.CharField(_("court level"), max_length=2, choices=CourtLevel.choices, blank=True)
    lines = models.JSONField(_("quote"), default=list)
    standard_total = models.DecimalField(_("standard fee (HK$)"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount (HK$)"), max_digits=12, decimal_places=2)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CREATED)
    failure_reason = models.CharField(_("failure reason"), max_length=40, blank=True)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("payer"),
        help_text=_("Empty for a member of the public."),
    )
    deposit_account = models.ForeignKey(
        "DepositAccount", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    gateway = models.CharField(_("gateway"), max_length=30, blank=True)
    gateway_reference = models.CharField(_("gateway reference"), max_length=100, blank=True)
    access_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    pending_since = models.DateTimeField(_("payment started at"), null=True, blank=True)
    # Overrides DeemedReceiptFields: empty until the payment is received.
    received_at = models.DateTimeField(  # type: ignore[assignment]
        _("payment received at"), null=True, blank=True, db_index=True
    )

    received: ClassVar[ReceivedOrderManager] = ReceivedOrderManager()
    objects: ClassVar[models.Manager[PaymentOrder]] = models.Manager()

    class Meta:
        verbose_name = _("payment order")
        verbose_name_plural = _("payment orders")
        ordering = ["-created_at"]
        default_manager_name = "received"
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["payer", "idempotency_key"],
                condition=Q(payer__isnull=False),
                name="payment_order_idempotent_per_payer",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=Q(payer__isnull=True),
                name="payment_order_idempotent_public",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_order_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(status__in=["paid", "refunded"]) | Q(received_at__isnull=False),
                name="payment_order_paid_has_received_at",
            ),
        ]
        indexes = [models.Index(fields=["purpose", "purpose_ref"], name="payment_order_purpose")]
        permissions = [("view_collections_report", "Can see the daily collections and reconciliation reports")]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.reference:
            self.reference = new_reference("PO")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def saving(self) -> Decimal:
        return self.standard_total - self.amount

    @property
    def is_settled(self) -> bool:
        return self.status in (self.Status.PAID, self.Status.REFUNDED)

    @property
    def is_declined(self) -> bool:
        """The issuer or bank said no (rather than the gateway failing, or no answer in time)."""
        return self.status == self.Status.FAILED and self.failure_reason == "declined"

    def refunds_shown(self) -> list[Refund]:
        """The refunds the payer sees against this payment: open, failing, done, and rejected (with
        the reason), so that a refund the payer was told of never just disappears.

        Reads ``refunds.all()``, so a list prefetches ``refunds`` once for every order.
        """
        return sorted(self.refunds.all(), key=lambda refund: (refund.created_at, refund.pk))

    @property
    def status_label(self) -> str:
        """The status in the payer's words: "Refund pending" while a refund of this payment is open,
        "Payment declined" when the card was declined, otherwise the status itself."""
        if self.status == self.Status.PAID and any(
            refund.is_pending and refund.kind == Refund.Kind.ORDER for refund in self.refunds_shown()
        ):
            return str(_("Refund pending"))
        if self.is_declined:
            return str(_("Payment declined"))
        return str(self.get_status_display())


class GatewayEvent(models.Model):
    """A callback from a payment gateway, as received: kept whether or not it verified.

    A verified event is unique by ``(gateway, event_id)``: a replay is recognised and
    never applied twice. Unverified callbacks are kept for reconciliation only.
    """

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        IGNORED = "ignored", _("Ignored: the order had moved on")
        MISMATCH = "mismatch", _("Refused: amount or order does not match")
        REJECTED = "rejected", _("Refused: signature or timestamp")
        UNKNOWN_ORDER = "unknown_order", _("Refused: unknown order")
        SECOND_CHARGE = "second_charge", _("Second charge for a paid order: refunded automatically")

    gateway = models.CharField(_("gateway"), max_length=30)
    event_id = models.CharField(_("event id"), max_length=100)
    kind = models.CharField(_("event"), max_length=40, blank=True)
    order = models.ForeignKey(
        PaymentOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="gateway_events"
    )
    order_reference = models.CharField(_("order reference"), max_length=40, blank=True)
    gateway_reference = models.CharField(_("gateway reference"), max_length=100, blank=True)
    amount = models.DecimalField(_("amount (HK$)"), null=True, blank=True, max_digits=12, decimal_places=2)
    raw_body = models.TextField(_("raw payload"))
    payload = models.JSONField(_("payload"), null=True, blank=True)
    signature_ok = models.BooleanField(_("signature verified"))
    rejection_reason = models.CharField(_("rejection reason"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    deliveries = models.PositiveIntegerField(_("deliveries"), default=1)
    arrived_at = models.DateTimeField(_("arrived at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("gateway event")
        verbose_name_plural = _("gateway events")
        ordering = ["-arrived_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "event_id"],
                condition=Q(signature_ok=True),
                name="gateway_event_verified_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.event_id} ({self.kind})"


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


class Refund(TimeStampedModel):
    """Money going back to the payer, through the gateway or the deposit ledger.

    An accounts officer approves it; above ``PAYMENT_REFUND_SECOND_APPROVAL_ABOVE`` a
    second, different officer must approve too.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        AWAITING_SECOND = "awaiting_second", _("Awaiting a second approval")
        APPROVED = "approved", _("Approved: being paid back")
        COMPLETED = "completed", _("Refunded")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Refund failed")

    class Kind(models.TextChoices):
        ORDER = "order", _("Refund of the payment")
        SECOND_CHARGE = "second_charge", _("Second charge refunded automatically")

    class RejectionReason(models.TextChoices):
        # Shown to the payer in their language, so each reason is a sentence addressed to them.
        NOT_REFUNDABLE = "not_refundable", _("The fee paid is not refundable in this case.")
        ALREADY_REFUNDED = "already_refunded", _("The money has already been paid back to you.")
        DUPLICATE = "duplicate", _("Another refund of the same payment is already being dealt with.")
        SERVICE_GIVEN = "service_given", _("The service the fee paid for has been given.")
        OTHER = "other", _("See the accounts office's note.")

    reference = models.CharField(_("reference"), max_length=20, unique=True, default="", editable=False)
    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="refunds")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ORDER)
    method = models.CharField(
        _("paid back by"),
        max_length=10,
        choices=PaymentMethod.choices,
        blank=True,
        help_text=_("How the money goes back: the way it came."),
    )
    gateway = models.CharField(_("gateway"), max_length=30, blank=True)
    charge_reference = models.CharField(
        _("gateway charge refunded"),
        max_length=100,
        blank=True,
        help_text=_("For a second charge: the gateway's reference of the charge being paid back."),
    )
    gateway_event = models.ForeignKey(
        GatewayEvent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gateway event"),
        help_text=_("For a second charge: the callback that reported it."),
    )
    amount = models.DecimalField(_("amount (HK$)"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_approved_at = models.DateTimeField(null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)
    decided_note = models.TextField(_("note"), blank=True)
    rejection_reason = models.CharField(
        _("reason for rejection"), max_length=20, choices=RejectionReason.choices, blank=True
    )
    gateway_reference = models.CharField(_("gateway refund reference"), max_length=100, blank=True)
    completed_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(second_approved_by__isnull=True) | ~Q(second_approved_by=models.F("first_approved_by")),
                name="refund_two_different_approvers",
            ),
            # A second charge is refunded once, however many callbacks report it.
            models.UniqueConstraint(
                fields=["gateway", "charge_reference"],
                condition=Q(kind="second_charge"),
                name="refund_one_per_second_charge",
            ),
            models.CheckConstraint(
                condition=~Q(kind="second_charge") | ~Q(charge_reference=""),
                name="refund_second_charge_names_the_charge",
            ),
        ]
        permissions = [("approve_refund", "Can approve or reject refunds")]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.reference:
            self.reference = new_reference("RF")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_pending(self) -> bool:
        """Not yet paid back, as the payer sees it (a failed gateway refund is retried by staff)."""
        return self.status in (
            self.Status.REQUESTED,
            self.Status.AWAITING_SECOND,
            self.Status.APPROVED,
            self.Status.FAILED,
        )

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def is_unfiled_automatic(self) -> bool:
        """A refund of fees paid for what was never filed (bulk rows), approved by the portal, not an officer.

        (``payments.services.refunds.refund_unfiled_for_order``: of the order's own payment,
        approved at once, so approved with no officer named.)
        """
        return (
            self.kind == self.Kind.ORDER and self.first_approved_at is not None and self.first_approved_by_id is None
        )

    @property
    def is_rejected(self) -> bool:
        return self.status == self.Status.REJECTED

    @property
    def destination(self) -> str:
        """Where the money goes back, in the active language: the way it came."""
        method = self.method or self.order.method
        if method == PaymentMethod.DEPOSIT:
            account = self.order.deposit_account
            label = account.label if account is not None else ""
            return str(_("your deposit account (%(account)s)") % {"account": label})
        if method == PaymentMethod.CARD:
            return str(_("the card you paid with"))
        if method == PaymentMethod.PPS:
            return str(_("the PPS account you paid with"))
        if method == PaymentMethod.FPS:
            return str(_("the bank account you paid from by FPS"))
        return str(_("the account you paid from"))


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
