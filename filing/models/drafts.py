"""Drafts: a filing being prepared, with its checked documents, until it is submitted or expires."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from icms.core.models import TimeStampedModel

from .cases import Case, CaseAccessCode, CaseType, Party
from .submissions import DocumentType, Submission


class SubmissionDraft(TimeStampedModel):
    """A submission being prepared: the form's answers and the documents already uploaded and checked.

    Belongs to one user, who may resume it on any device. It becomes a submission when
    the user submits it from the review page, and is deleted with its files when it
    expires (``expires_at``) or the user discards it.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submission_drafts")
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="+")
    # Filing into an existing case; null when the draft starts a new case.
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    for_party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    access_code = models.ForeignKey(CaseAccessCode, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    refiles = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The form's answers other than files, as posted (field name → list of values).
    answers = models.JSONField(default=dict, blank=True)
    filer_reference = models.CharField(_("your reference"), max_length=60, blank=True)
    submission_key = models.UUIDField(editable=False)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("draft submission")
        verbose_name_plural = _("draft submissions")
        ordering = ["-updated_at"]
        constraints = [
            # The form's one-time key: the same form posted twice (a double click, two tabs,
            # a retry) makes one draft. Two requests racing meet here, not in a prior SELECT.
            models.UniqueConstraint(fields=["owner", "submission_key"], name="one_draft_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.case_type.prefix} draft {self.pk}"

    @property
    def opens_case(self) -> bool:
        return self.case_id is None


class DraftDocument(TimeStampedModel):
    """A document uploaded to a draft: checked and stored, not yet filed."""

    draft = models.ForeignKey(SubmissionDraft, on_delete=models.CASCADE, related_name="documents")
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=255)
    original_filename = models.CharField(_("file name as uploaded"), max_length=255, blank=True)
    storage_key = models.CharField(max_length=255, unique=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    pages = models.PositiveIntegerField(_("pages"))
    ordinal = models.PositiveSmallIntegerField(default=1)
    #: The stored object's identity when it was stored (icms.core.storage.stored_identity):
    #: Submit compares it instead of hashing the file again; blank means hash it.
    storage_identity = models.CharField(_("storage identity"), max_length=255, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("draft document")
        verbose_name_plural = _("draft documents")
        ordering = ["draft", "ordinal"]

    def __str__(self) -> str:
        return self.title
