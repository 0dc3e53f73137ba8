"""Accounts tasks that beat runs."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .api_idempotency import idempotency_keys_purge


@shared_task(name="accounts.tasks.api_idempotency_keys_purge", soft_time_limit=240, time_limit=300)
def api_idempotency_keys_purge() -> int:
    """Beat: forget the API's Idempotency-Keys (and their kept answers) older than 24 hours."""
    return idempotency_keys_purge(now=timezone.now())
