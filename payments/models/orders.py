"""Payment orders, the gateway callbacks about them, and refunds of them.

Refunds live beside the orders: an order's status, as the payer sees it, depends on its refunds.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from icms.calendar.models import DeemedReceiptFields
from icms.core.indexes import contains_index
from icms.core.models import TimeStampedModel

from .common import CourtLevel, PaymentMethod, PaymentPurpose, new_reference, new_token


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
        indexes = [
            models.Index(fields=["purpose", "purpose_ref"], name="payment_order_purpose"),
            # The staff site's list, newest first (Meta.ordering, then the admin's -pk): without it
            # each page sorted every order (1.3-1.7 s at 2,000,000, bench/admin_lists.py).
            models.Index(fields=["-created_at", "-id"], name="payment_order_newest"),
            # The staff site's search (payments/admin.py, icms.core.admin_scale).
            contains_index("reference", name="payment_order_ref_contains"),
            contains_index("purpose_ref", name="payment_order_purpose_contains"),
            contains_index("gateway_reference", name="payment_order_gateway_contains"),
        ]
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
        # The staff site's search (payments/admin.py, icms.core.admin_scale): one or more events
        # arrive for every payment made online.
        indexes = [
            contains_index("event_id", name="gateway_event_id_contains"),
            contains_index("order_reference", name="gateway_event_order_contains"),
            contains_index("gateway_reference", name="gateway_event_gateway_contains"),
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.event_id} ({self.kind})"


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
