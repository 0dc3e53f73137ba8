from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryCalendarConfig(AppConfig):
    name = "icms.calendar"
    label = "registry_calendar"
    verbose_name = _("Registry calendar")
