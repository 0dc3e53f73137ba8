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

        # An accepted summons is listed on its return day's cause list; filing never imports causebook.
        from filing.hooks import register_summons_listed

        from .summons_listing import summons_hearing_list

        register_summons_listed(summons_hearing_list)

        # The staff site's case list finds cases by a party's name through the cause book's search.
        from filing.hooks import register_case_name_search

        from .case_names import cases_by_party_name

        register_case_name_search(cases_by_party_name)

        # Copies, certified true copies and certificates: their fee, and what /verify/ says of them.
        from filing.describers import register_court_document_describer

        from .copies import copy_application_continue_url, copy_application_description, copy_application_order_paid
        from .copy_issue import copy_court_document_description

        register_paid_handler("copy", copy_application_order_paid)
        register_continue_url("copy", copy_application_continue_url)
        register_description("copy", copy_application_description)
        register_court_document_describer(copy_court_document_description)

        # The hearings on filing's case file, and the hearing calendars on the account dashboard.
        from .panels import register_causebook_panels

        register_causebook_panels()

        # The courts and case types the pickers offer are kept in the cache (reference.py).
        from django.db.models.signals import post_delete, post_save

        from filing.models import CaseType, Court

        from .reference import reference_forget

        for model in (Court, CaseType):
            post_save.connect(reference_forget, sender=model, dispatch_uid=f"causebook-reference-{model.__name__}")
            post_delete.connect(reference_forget, sender=model, dispatch_uid=f"causebook-reference-{model.__name__}-d")

        # Each process keeps the daily cause lists it wrote (cause_list.py): anything a list shows,
        # changed, has every process write its lists afresh on the next request.
        from filing.models import Case, Party

        from .cause_list import cause_list_forget
        from .models import Hearing

        for shown in (Hearing, Case, Party, CaseType, Court):
            name = shown.__name__
            post_save.connect(cause_list_forget, sender=shown, dispatch_uid=f"causebook-cause-list-{name}")
            post_delete.connect(cause_list_forget, sender=shown, dispatch_uid=f"causebook-cause-list-{name}-d")
