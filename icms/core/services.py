"""State changes for portal operations."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import WorkerHeartbeat


@transaction.atomic
def heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    """Record that the worker on ``hostname`` is alive, now."""
    now = timezone.now()
    beat, created = WorkerHeartbeat.objects.get_or_create(
        hostname=hostname[:255], defaults={"beat_at": now, "beats": 1}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=beat.pk).update(beat_at=now, beats=F("beats") + 1)
        beat.refresh_from_db()
    return beat
