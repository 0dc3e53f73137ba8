from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryCalendarConfig(AppConfig):
    name = "icms.calendar"
    label = "registry_calendar"
    verbose_name = _("Registry calendar")

    def ready(self) -> None:
        from .stamping import register_restamping

        # A calendar change owes a re-stamp of the rows it may move: outbox work.
        register_restamping()
