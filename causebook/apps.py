from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CausebookConfig(AppConfig):
    name = "causebook"
    verbose_name = _("Cause book and cause lists")
