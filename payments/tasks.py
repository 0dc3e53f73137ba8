"""Payment tasks: thin, by primary key, idempotent, retried with backoff, time-limited."""

from __future__ import annotations

from celery import shared_task

from icms.core.retrying import retried_task

from . import services


@retried_task(
    name="payments.tasks.receipt_render",
    max_retries=6,
    soft_time_limit=60,
    time_limit=90,
)
def receipt_render(receipt_id: int) -> bool:
    """Render and store a receipt's PDF (once: the service claims the empty storage key)."""
    return services.receipt_render_and_store(receipt_id=receipt_id)


@retried_task(
    name="payments.tasks.receipt_refresh",
    max_retries=6,
    soft_time_limit=60,
    time_limit=90,
)
def receipt_refresh(receipt_id: int) -> bool:
    """Render a receipt again after a refund was asked for or paid back (it lists refunds)."""
    return services.receipt_rerender_and_store(receipt_id=receipt_id)


@retried_task(
    name="payments.tasks.refund_execute",
    autoretry_for=(OSError,),
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def refund_execute(refund_id: int) -> bool:
    """Pay an approved refund back through its gateway (idempotent by the refund's reference)."""
    return services.refund_execute_via_gateway(refund_id=refund_id)


@shared_task(name="payments.tasks.payment_orders_expire", soft_time_limit=120, time_limit=150)
def payment_orders_expire() -> int:
    """Beat: gateway payments with no answer for too long become failed (reason: timeout)."""
    return services.payment_orders_expire()
