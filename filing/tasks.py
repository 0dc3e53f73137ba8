"""Filing tasks that beat runs. Everything else of filing's is outbox work (:mod:`filing.services.outbox_work`)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .bulk.expiry import bulk_batches_expire as _bulk_batches_expire
from .services.drafts import drafts_purge_expired as _drafts_purge_expired


@shared_task(name="filing.tasks.drafts_purge_expired", soft_time_limit=240, time_limit=300)
def drafts_purge_expired() -> int:
    """Beat: delete the drafts past ``FILING_DRAFT_DAYS`` and their stored files."""
    return _drafts_purge_expired(now=timezone.now())


@shared_task(name="filing.tasks.bulk_batches_expire", soft_time_limit=240, time_limit=300)
def bulk_batches_expire() -> int:
    """Beat: expire the bulk batches not filed (or resumed) within ``FILING_DRAFT_DAYS`` (filing/bulk/expiry.py)."""
    return _bulk_batches_expire(now=timezone.now())
