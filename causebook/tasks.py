"""Causebook's Celery tasks: thin, each calling a service."""

from __future__ import annotations

from celery import shared_task

from .reminders import hearing_reminders_send
from .terms import term_counts_apply


@shared_task(name="causebook.tasks.hearing_reminders_send", soft_time_limit=240, time_limit=300)
def send_hearing_reminders() -> int:
    """Beat, every 30 minutes: the reminders due on the working day before each hearing (idempotent)."""
    return hearing_reminders_send()


@shared_task(name="causebook.tasks.term_counts_apply", soft_time_limit=50, time_limit=60)
def apply_term_counts() -> int:
    """Beat, every minute: fold the queued entry changes into the search's kept counts."""
    return term_counts_apply()
