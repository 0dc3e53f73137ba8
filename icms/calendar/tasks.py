from datetime import datetime

from celery import shared_task

from icms.core.retrying import retried_task

from .stamping import deemed_receipts_restamp, deemed_receipts_sweep


@retried_task(
    name="icms.calendar.tasks.restamp_deemed_receipts",
    max_retries=8,
    soft_time_limit=300,
    time_limit=360,
)
def restamp_deemed_receipts(window_start: str, window_end: str | None, cause: str) -> dict[str, int]:
    """Re-stamp the rows a calendar change may have moved. Idempotent: safe to run twice."""
    result = deemed_receipts_restamp(
        window_start=datetime.fromisoformat(window_start),
        window_end=datetime.fromisoformat(window_end) if window_end else None,
        cause=cause,
    )
    return {"examined": result.examined, "changed": result.changed}


@shared_task(name="icms.calendar.tasks.sweep_deemed_receipts", soft_time_limit=300, time_limit=360)
def sweep_deemed_receipts() -> dict[str, int]:
    """Beat's safety net: stamp anything left unstamped or pending whose reopening is now known."""
    result = deemed_receipts_sweep()
    return {"examined": result.examined, "changed": result.changed}
