"""Payment tasks that beat runs. Receipts, refunds and hooks are outbox work
(:mod:`payments.services.follow_up`), run by ``icms.core.tasks.outbox_run``."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="payments.tasks.payment_orders_expire", soft_time_limit=120, time_limit=150)
def payment_orders_expire() -> int:
    """Beat: gateway payments with no answer for too long become failed (reason: timeout)."""
    return services.payment_orders_expire()
