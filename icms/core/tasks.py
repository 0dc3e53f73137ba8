import socket

from celery import shared_task

from .services import heartbeat_record


@shared_task(name="icms.core.tasks.heartbeat", soft_time_limit=10, time_limit=20)
def heartbeat() -> str:
    """Prove the broker, the worker and the database work together."""
    beat = heartbeat_record(hostname=socket.gethostname())
    return beat.beat_at.isoformat()
