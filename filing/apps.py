from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingConfig(AppConfig):
    name = "filing"
    verbose_name = _("Courts, cases and filings")

    def ready(self) -> None:
        from icms.calendar.hooks import register_deemed_receipt_changed

        from .models import Submission
        from .services.acknowledgements import submission_deemed_receipt_changed

        # Every later change of a submission's deemed receipt is told to the filer.
        register_deemed_receipt_changed(Submission, submission_deemed_receipt_changed)
