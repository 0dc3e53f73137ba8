"""Staff opening filed and issued documents: allowed for registry staff, and always audited.

Architecture invariant: staff access to a sealed document writes an append-only
audit row. The admin's preview view calls :func:`staff_document_open` before it
serves a byte; the filer-facing downloads go through :mod:`filing.selectors` instead.
"""

from __future__ import annotations

import enum

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import User
from accounts.selectors import is_staff_user
from icms.core.audit import AuditEventType, audit_record

from .models import CourtDocument, Document, DocumentView


class Copy(enum.StrEnum):
    """Which bytes of a document: as filed (or as uploaded by staff), or the stamped copy."""

    ORIGINAL = "original"
    SEALED = "sealed"


def storage_key_of(document: Document | CourtDocument, copy: Copy) -> str:
    """The storage key of ``copy``, or ``""`` when that copy does not exist (yet)."""
    return document.sealed_storage_key if copy is Copy.SEALED else document.storage_key


@transaction.atomic
def staff_document_open(
    *, staff: User, document: Document | CourtDocument, copy: Copy, ip_address: str | None = None
) -> str:
    """Record that a member of staff opened ``copy`` of ``document``; return its storage key.

    Raises ``PermissionDenied`` for anyone but active registry staff, and
    ``LookupError`` when the copy does not exist (a sealed copy not made yet).
    The audit row is written before any byte is served. Opening a filed document (not a
    court-issued one) also records, once per person, that this member of staff has opened
    it (:class:`~filing.models.DocumentView`): accepting a filing asks for that.
    """
    if not is_staff_user(staff):
        raise PermissionDenied
    key = storage_key_of(document, copy)
    if not key:
        raise LookupError(f"No {copy} copy of this document.")
    audit_record(
        event_type=AuditEventType.FILING_DOCUMENT_VIEWED_BY_STAFF,
        actor=staff,
        target=document,
        after={
            "copy": str(copy),
            "sha256": document.sealed_sha256 if copy is Copy.SEALED else document.sha256,
            "drn": document.drn or "",
        },
        ip_address=ip_address,
    )
    if isinstance(document, Document):
        DocumentView.objects.bulk_create([DocumentView(user=staff, document=document)], ignore_conflicts=True)
    return key
