"""Withdrawing a filed document from view: the record says so, and the bytes stay.

A court may order a document taken off the file (filed in the wrong case, containing
what should never have been filed). Nothing in the portal deletes a filed document's
bytes (the document bucket's object lock would refuse it in production anyway,
docs/storage.md): withdrawal is a fact recorded on the document, with when, by whom and
why, and audited. From then on only staff can open it; parties and the public see that
it was withdrawn and when, never its contents (:mod:`filing.selectors`,
:mod:`causebook.inspection`). The sealed copy keeps verifying by its DRN: it was sealed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import is_staff_user
from icms.core.audit import AuditEventType, audit_record

from ..models import Document


def document_withdraw(*, document: Document, actor: User, reason: str, ip_address: str | None = None) -> Document:
    """Withdraw ``document`` from view for ``reason``. Withdrawing it again changes nothing."""
    return _withdrawal_record(document=document, actor=actor, reason=reason, withdraw=True, ip_address=ip_address)


def document_reinstate(*, document: Document, actor: User, reason: str, ip_address: str | None = None) -> Document:
    """Put a withdrawn ``document`` back in view (a withdrawal made in error, or set aside).

    The withdrawal stays in the audit log with its reason; this is audited beside it.
    """
    return _withdrawal_record(document=document, actor=actor, reason=reason, withdraw=False, ip_address=ip_address)


@transaction.atomic
def _withdrawal_record(
    *, document: Document, actor: User, reason: str, withdraw: bool, ip_address: str | None
) -> Document:
    """Withdraw ``document`` from view, or put it back: once, by staff, with a reason, audited."""
    if not is_staff_user(actor):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        message = (
            _("Give the reason for withdrawing the document from view.")
            if withdraw
            else _("Give the reason for putting the document back in view.")
        )
        raise ValidationError(message, code="reason_required")
    locked = Document.objects.select_for_update().select_related("submission__case__case_type").get(pk=document.pk)
    if (locked.withdrawn_at is not None) == withdraw:
        return locked  # already so: nothing changes, nothing is audited twice
    before = {"withdrawn_at": locked.withdrawn_at.isoformat() if locked.withdrawn_at else None}
    if not withdraw:
        before["reason"] = locked.withdrawn_reason
    locked.withdrawn_at = timezone.now() if withdraw else None
    locked.withdrawn_reason = reason if withdraw else ""
    locked.withdrawn_by = actor if withdraw else None
    locked.save(update_fields=["withdrawn_at", "withdrawn_reason", "withdrawn_by", "updated_at"])
    audit_record(
        event_type=AuditEventType.FILING_DOCUMENT_WITHDRAWN if withdraw else AuditEventType.FILING_DOCUMENT_REINSTATED,
        actor=actor,
        target=locked,
        target_label=f"{locked.submission.case} · {locked.title}",
        before=before,
        after={
            "withdrawn_at": locked.withdrawn_at.isoformat() if locked.withdrawn_at else None,
            "reason": reason,
            "drn": locked.drn or "",
        },
        ip_address=ip_address,
    )
    return locked
