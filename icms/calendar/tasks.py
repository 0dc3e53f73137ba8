from celery import shared_task

from .stamping import deemed_receipts_sweep


@shared_task(name="icms.calendar.tasks.sweep_deemed_receipts", soft_time_limit=300, time_limit=360)
def sweep_deemed_receipts() -> dict[str, int]:
    """Beat's safety net: stamp anything left unstamped or pending whose reopening is now known."""
    result = deemed_receipts_sweep()
    return {"examined": result.examined, "changed": result.changed}
