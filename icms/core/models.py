from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the periodic heartbeat task.

    One row per worker host. ``/healthz`` reports the newest beat, so a stalled
    worker or a stopped beat shows up there.
    """

    hostname = models.CharField(_("worker host"), max_length=255, unique=True)
    beat_at = models.DateTimeField(_("last beat"))
    beats = models.PositiveBigIntegerField(_("beats"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.beat_at.isoformat()}"
