from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Fees and payments")

    def ready(self) -> None:
        from . import checks, filing_fees  # noqa: F401  (checks registers the deployment check of the fees)
        from .services.outbox_work import register_payments_follow_ups

        filing_fees.register()
        from . import bulk_fees

        bulk_fees.register()  # a bulk batch of summonses: its quote, and one deposit payment for it
        from .services.deposits import register_deposit_hooks

        register_deposit_hooks()  # deposit account top-ups: their description and continue link
        # Receipts, refunds, the paid and refunded hooks and the sandbox's callbacks are outbox work.
        register_payments_follow_ups()
