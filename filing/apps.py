from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingConfig(AppConfig):
    name = "filing"
    verbose_name = _("Courts, cases and filings")
