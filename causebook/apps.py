from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CausebookConfig(AppConfig):
    name = "causebook"
    verbose_name = _("Cause book and cause lists")

    def ready(self) -> None:
        # Payments tells us when a search fee is paid; payments never imports causebook.
        from payments.hooks import register_continue_url, register_description, register_paid_handler

        from .services import search_purchase_continue_url, search_purchase_description, search_purchase_order_paid

        register_paid_handler("search", search_purchase_order_paid)
        register_continue_url("search", search_purchase_continue_url)
        register_description("search", search_purchase_description)

        from .inspection import inspection_continue_url, inspection_description, inspection_order_paid

        register_paid_handler("inspection", inspection_order_paid)
        register_continue_url("inspection", inspection_continue_url)
        register_description("inspection", inspection_description)

        # The hearings on filing's case file, and the hearing calendars on the account dashboard.
        from .panels import register_causebook_panels

        register_causebook_panels()
