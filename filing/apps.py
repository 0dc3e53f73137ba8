from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingConfig(AppConfig):
    name = "filing"
    verbose_name = _("Courts, cases and filings")

    def ready(self) -> None:
        from icms.calendar.hooks import register_deemed_receipt_changed
        from icms.core.panels import register_panel

        from .models import Submission
        from .services.acknowledgements import submission_deemed_receipt_changed
        from .services.fixity import register_filing_fixity_sources
        from .services.other_parties import register_other_parties_kind
        from .services.outbox_work import register_filing_follow_ups
        from .views_assignments import dashboard_cases_panel, member_cases_panel
        from .webhooks import submission_deemed_time_changed

        # Every later change of a submission's deemed receipt is told to the filer.
        register_deemed_receipt_changed(Submission, submission_deemed_receipt_changed)
        # ... and the organisation it was filed for hears of it by webhook.
        register_deemed_receipt_changed(Submission, submission_deemed_time_changed)
        # Accounts' screens show the user's cases and a member's assigned cases.
        register_panel("account_dashboard", dashboard_cases_panel)
        register_panel("member_detail", member_cases_panel)
        # Acknowledgements, sealing and court-document delivery are outbox work.
        register_filing_follow_ups()
        # The other parties on record are told of each accepted filing in their case.
        register_other_parties_kind()
        # A bulk batch of summonses is filed row by row as outbox work (filing/bulk/).
        from .bulk.running import register_bulk_filing

        register_bulk_filing()
        # Every stored original, sealed copy, acknowledgement and court document is checked
        # against its SHA-256 once per FIXITY_CYCLE_DAYS (icms.core.fixity).
        register_filing_fixity_sources()
