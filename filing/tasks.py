"""Filing tasks that beat runs. Everything else of filing's is outbox work (:mod:`filing.services.outbox_work`)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .services.drafts import drafts_purge_expired as _drafts_purge_expired


@shared_task(name="filing.tasks.drafts_purge_expired", soft_time_limit=240, time_limit=300)
def drafts_purge_expired() -> int:
    """Beat: delete the drafts past ``FILING_DRAFT_DAYS`` and their stored files."""
    return _drafts_purge_expired(now=timezone.now())
