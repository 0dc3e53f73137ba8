"""What registry staff have opened while reviewing a filing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .submissions import Document


class DocumentView(models.Model):
    """A member of staff opened (or previewed) a filed document: once per person and document.

    Written by :func:`filing.staff_access.staff_document_open`, the one way staff read a
    filed document's bytes. Accepting a filing needs a row for each of its documents and
    the clerk accepting it, unless the clerk says they accept it without opening
    (:func:`filing.services.filing_accept`). ``opened_at`` is the first opening.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="views", verbose_name=_("document"))
    opened_at = models.DateTimeField(_("first opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document opened by staff")
        verbose_name_plural = _("documents opened by staff")
        ordering = ["opened_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "document"], name="one_document_view_per_user")]

    def __str__(self) -> str:
        return f"{self.user} opened {self.document} at {self.opened_at.isoformat()}"
