"""The message box: acknowledgements, decisions and court documents for each user."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from icms.core.indexes import contains_index
from icms.core.languages import in_language
from icms.core.models import TimeStampedModel

from .submissions import CourtDocument, Submission


class MessageItem(TimeStampedModel):
    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
        ACKNOWLEDGEMENT_REVISED = "acknowledgement_revised", _("Revised acknowledgement")
        SEALED_COPY_REISSUED = "sealed_copy_reissued", _("Sealed copy re-issued")
        DECISION = "decision", _("Decision on a filing")
        COURT_DOCUMENT = "court_document", _("Court document")
        PAYMENT_RECEIPT = "payment_receipt", _("Payment receipt")
        NOTICE = "notice", _("Notice")
        OTHER_PARTY_FILING = "other_party_filing", _("Document filed by another party")
        REPRESENTATION = "representation", _("Change of representation")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    subject_en = models.CharField(_("subject in English"), max_length=255)
    subject_zh = models.CharField(_("subject in Chinese"), max_length=255)
    body_en = models.TextField(_("text in English"), blank=True)
    body_zh = models.TextField(_("text in Chinese"), blank=True)
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    court_document = models.ForeignKey(
        CourtDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    attachment_key = models.CharField(max_length=255, blank=True)
    # A revised acknowledgement or a re-issued sealed copy: one message per version.
    version = models.PositiveSmallIntegerField(null=True, blank=True)
    read_at = models.DateTimeField(_("first opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="message_box"),
            # The staff site's list, newest first (Meta.ordering): without it each page sorted every message.
            models.Index(fields=["-created_at", "-id"], name="message_newest"),
            # The staff site's search (filing/admin/court_documents.py, icms.core.admin_scale).
            contains_index("subject_en", name="message_subject_en_contains"),
            contains_index("subject_zh", name="message_subject_zh_contains"),
        ]
        constraints = [
            # A court document reaches each recipient once, however often delivery is retried.
            models.UniqueConstraint(
                fields=["recipient", "court_document"],
                condition=Q(court_document__isnull=False),
                name="one_delivery_per_recipient_and_court_document",
            ),
            models.UniqueConstraint(
                fields=["recipient", "submission", "kind"],
                condition=Q(submission__isnull=False, version__isnull=True),
                name="one_message_per_recipient_submission_and_kind",
            ),
            models.UniqueConstraint(
                fields=["recipient", "submission", "kind", "version"],
                condition=Q(submission__isnull=False, version__isnull=False),
                name="one_message_per_recipient_submission_kind_and_version",
            ),
        ]

    def __str__(self) -> str:
        return self.subject_en

    @property
    def subject(self) -> str:
        return in_language(self.subject_en, self.subject_zh)

    @property
    def body(self) -> str:
        return in_language(self.body_en, self.body_zh)
