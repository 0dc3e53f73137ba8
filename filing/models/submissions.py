"""Submissions (the envelope), their documents, and documents the court issues."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from icms.calendar.models import DeemedReceiptFields
from icms.core.indexes import contains_index
from icms.core.models import TimeStampedModel

from .cases import BilingualNameMixin, Case, CaseType

# Unambiguous characters for references people read aloud or type: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_submission_reference() -> str:
    """A public, unguessable reference such as ``ES-7K3M-Q9TX-4HRP`` (60 bits)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(12))
    return f"ES-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


class DocumentType(BilingualNameMixin, TimeStampedModel):
    """A kind of document filed in a case type, and the rules that go with it."""

    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="document_types")
    code = models.CharField(_("code"), max_length=40)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_zh = models.CharField(_("name in Chinese"), max_length=200)
    starts_case = models.BooleanField(_("starts a new case"), default=False)
    public_inspection = models.BooleanField(
        _("open to public inspection"),
        default=False,
        help_text=_("Set on the documents of this type when they are accepted; staff may override per document."),
    )
    fee_item_code = models.CharField(
        _("fee item"), max_length=40, blank=True, help_text=_("The fee schedule item charged on filing, if any.")
    )
    joins_case = models.BooleanField(
        _("may be a party's first filing"),
        default=False,
        help_text=_(
            "A party joining the case with its access code may file this first, such as an acknowledgement of service."
        ),
    )
    changes_representation = models.BooleanField(
        _("changes who acts for the party"),
        default=False,
        help_text=_(
            "Once accepted, the filer goes on record for the party it names, such as a notice of change of solicitors."
        ),
    )
    ordering = models.PositiveSmallIntegerField(_("order in lists"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["case_type", "ordering", "name_en"]
        constraints = [models.UniqueConstraint(fields=["case_type", "code"], name="unique_document_type_code")]

    def __str__(self) -> str:
        return f"{self.case_type.prefix}: {self.name_en}"


class ReturnReason(BilingualNameMixin, models.Model):
    """A coded reason the registry gives when it returns a filing. Maintained by staff."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("reason in English"), max_length=255)
    name_zh = models.CharField(_("reason in Chinese"), max_length=255)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("return reason")
        verbose_name_plural = _("return reasons")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.name_en}"


class Submission(DeemedReceiptFields, TimeStampedModel):
    """One filing: one or more documents sent to the court together.

    ``received_at`` is written once, from the database clock, when the
    submission is stored; the deemed receipt comes from :mod:`icms.calendar`.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        UNDER_REVIEW = "under_review", _("Under review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    reference = models.CharField(_("reference"), max_length=20, unique=True, default=new_submission_reference)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="submissions")
    opens_case = models.BooleanField(_("starts a new case"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("submitted by")
    )
    on_behalf_of = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("on behalf of"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.ForeignKey(
        ReturnReason, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("reason for return")
    )
    return_note = models.TextField(_("note to the filer"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn by the filer at"), null=True, blank=True)
    # The filer's own reference (client and matter), shown back to them wherever the filing is.
    filer_reference = models.CharField(_("your reference"), max_length=60, blank=True, db_index=True)
    # The party the filing is made for; a joining party's first filing must name one.
    for_party = models.ForeignKey(
        "filing.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed for")
    )
    # The access code a joining party used (filing/joining.py); acceptance puts the filer on record.
    access_code = models.ForeignKey(
        "filing.CaseAccessCode", null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    # A returned submission corrected and filed again points at the one it replaces.
    refiles = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refiled_as",
        verbose_name=_("corrects the returned submission"),
    )
    payment_reference = models.CharField(_("payment order"), max_length=40, blank=True)
    acknowledgement_key = models.CharField(max_length=255, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledgement sent at"), null=True, blank=True)
    # The one-time key of the form (or the API's Idempotency-Key) this submission came
    # from: a second POST with the same key finds this submission instead of filing
    # again. Null on submissions received before keys existed.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "deemed_received_at"], name="submission_queue"),
            # The review queue's search by reference (filing/admin/review.py, icms.core.admin_scale).
            contains_index("reference", name="submission_reference_contains"),
            # The open queue in the review order (filing/admin/review.py get_ordering): open
            # filings are the newest, so walking the deemed-receipt index for them read every
            # decided one first (0.45 s at 2,000,000, bench/admin_lists.py).
            models.Index(
                fields=["deemed_received_at", "received_at", "id"],
                condition=Q(status__in=["received", "under_review"]),
                name="submission_open_queue",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "submission_key"],
                condition=Q(submission_key__isnull=False),
                name="one_submission_per_key",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @classmethod
    def deemed_receipt_final(cls) -> Q:
        # Once the registry has decided a filing on the strength of its deemed time, only
        # an audited staff correction may change that time (docs/calendar.md, lifecycle).
        return ~Q(status__in=OPEN_STATUSES)


# The statuses in which the registry has still to decide: the review queue.
OPEN_STATUSES = (Submission.Status.RECEIVED, Submission.Status.UNDER_REVIEW)


class Document(TimeStampedModel):
    """A filed document. Immutable once received: corrections are new documents."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="documents")
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, verbose_name=_("document type"))
    title = models.CharField(_("title"), max_length=255)
    original_filename = models.CharField(_("file name as uploaded"), max_length=255, blank=True)
    storage_key = models.CharField(max_length=255, unique=True)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    pages = models.PositiveIntegerField(_("pages"))
    drn = models.CharField(_("document reference number"), max_length=12, null=True, blank=True, unique=True)
    sealed_storage_key = models.CharField(max_length=255, blank=True)
    sealed_sha256 = models.CharField(_("SHA-256 of the sealed copy"), max_length=64, blank=True, db_index=True)
    # 1 for the first sealed copy; a correction re-issues it under the same DRN as the next.
    sealed_version = models.PositiveSmallIntegerField(_("version of the sealed copy"), default=1)
    public_inspection = models.BooleanField(_("open to public inspection"), default=False)
    ordinal = models.PositiveSmallIntegerField(default=1)
    # Withdrawn from view by the registry (filing/services/withdrawal.py): the record says so
    # and why, the bytes stay, and nobody but staff can open it any more.
    withdrawn_at = models.DateTimeField(_("withdrawn from view at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal from view"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["submission", "ordinal"]
        # The outbox sweep's check for accepted filings left without sealed copies.
        indexes = [
            models.Index(fields=["submission"], name="document_unsealed", condition=models.Q(sealed_storage_key=""))
        ]

    def __str__(self) -> str:
        return self.title

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        # Part of the court record (architecture, "Invariants → Documents"). Its bytes
        # would stay in storage anyway: nothing deletes a stored file when a row goes.
        raise ValueError("A filed document is part of the record and is never deleted.")


class CourtDocument(TimeStampedModel):
    """A document the court issues to a case: a judgment, an order, a notice of hearing."""

    class Kind(models.TextChoices):
        JUDGMENT = "judgment", _("Judgment")
        ORDER = "order", _("Order")
        NOTICE_OF_HEARING = "notice_of_hearing", _("Notice of hearing")
        OTHER = "other", _("Other court document")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="court_documents")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    storage_key = models.CharField(max_length=255, unique=True)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    sealed_storage_key = models.CharField(max_length=255)
    sealed_sha256 = models.CharField(_("SHA-256 of the issued copy"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    pages = models.PositiveIntegerField(_("pages"))
    drn = models.CharField(_("document reference number"), max_length=12, unique=True)
    public_inspection = models.BooleanField(_("open to public inspection"), default=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("court document")
        verbose_name_plural = _("court documents")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(drn=""), name="court_document_has_drn"),
        ]
        # The staff site's search (filing/admin/court_documents.py, icms.core.admin_scale).
        indexes = [
            contains_index("title", name="court_document_title_contains"),
            contains_index("drn", name="court_document_drn_contains"),
        ]

    def __str__(self) -> str:
        return self.title

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("An issued court document is part of the record and is never deleted.")
