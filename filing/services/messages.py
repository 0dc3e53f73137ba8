"""Posting to and opening the message box."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User

from ..models import CourtDocument, MessageItem, Submission


@transaction.atomic
def message_post(
    *,
    recipient: User,
    kind: str,
    subject_en: str,
    subject_zh: str,
    body_en: str = "",
    body_zh: str = "",
    submission: Submission | None = None,
    court_document: CourtDocument | None = None,
    attachment_key: str = "",
    version: int | None = None,
) -> tuple[MessageItem, bool]:
    """Post a message, once: a retried delivery finds the message already there.

    Returns ``(message, created)``.
    """
    existing = MessageItem.objects.filter(recipient=recipient, kind=kind)
    if court_document is not None:
        existing = existing.filter(court_document=court_document)
    elif submission is not None:
        existing = existing.filter(submission=submission, version=version)
    else:
        existing = existing.none()
    found = existing.first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            message = MessageItem.objects.create(
                recipient=recipient,
                kind=kind,
                subject_en=subject_en,
                subject_zh=subject_zh,
                body_en=body_en,
                body_zh=body_zh,
                submission=submission,
                court_document=court_document,
                attachment_key=attachment_key,
                version=version,
            )
    except IntegrityError:
        # A concurrent delivery won the unique constraint; theirs stands.
        return existing.get(), False
    return message, True


def court_document_open(*, user: User, court_document: CourtDocument) -> bool:
    """Record the first time ``user`` opens a court document delivered to them. True the first time."""
    opened = MessageItem.objects.filter(recipient=user, court_document=court_document, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return opened > 0


def message_open(*, user: User, message: MessageItem) -> bool:
    """Record the first time the recipient opens a message (and its document). True the first time."""
    opened = MessageItem.objects.filter(Q(pk=message.pk) & Q(recipient=user) & Q(read_at__isnull=True)).update(
        read_at=timezone.now()
    )
    return opened == 1
