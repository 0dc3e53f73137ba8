import socket

from celery import shared_task

from .outbox import outbox_sweep
from .outbox.dispatch import outbox_run
from .services import heartbeat_record

__all__ = ["expired_sessions_clear", "fixity_check", "heartbeat", "outbox_run", "outbox_sweep_task"]


@shared_task(name="icms.core.tasks.heartbeat", soft_time_limit=10, time_limit=20)
def heartbeat() -> str:
    """Prove the broker, the worker and the database work together."""
    beat = heartbeat_record(hostname=socket.gethostname())
    return beat.beat_at.isoformat()


@shared_task(name="icms.core.tasks.outbox_sweep", soft_time_limit=120, time_limit=150)
def outbox_sweep_task() -> dict[str, int]:
    """Beat: send what the dispatch lost, take back dead workers' rows, report missing work."""
    result = outbox_sweep()
    return {"taken_back": result.taken_back, "sent": result.sent, "reported": result.reported, "purged": result.purged}


@shared_task(name="icms.core.tasks.expired_sessions_clear", soft_time_limit=300, time_limit=360)
def expired_sessions_clear() -> None:
    """Beat, daily: delete expired sessions (they live in the database, cached in Redis)."""
    from importlib import import_module

    from django.conf import settings

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


# The run stops taking objects after FIXITY_RUN_SECONDS (30 s by default); one object
# in hand (30 MB at most) finishes well inside the limits.
@shared_task(name="icms.core.tasks.fixity_check", soft_time_limit=240, time_limit=270)
def fixity_check() -> str:
    """Beat: check the next paced batch of stored objects against their SHA-256s."""
    from .fixity import fixity_run

    return fixity_run().summary()
