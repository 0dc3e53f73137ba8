from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "icms.core"
    label = "core"
    verbose_name = _("Portal operations")

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401  (registers the database checks)
            dates,  # noqa: F401  (registers the check of the portal's date formats)
        )
