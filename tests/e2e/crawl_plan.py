"""What tests/e2e/test_crawl.py visits: every URL pattern of the URL configuration is either a
page the crawl opens (as the public, a party in person, a firm's member, a government
department's member or a registry clerk) or listed in ``EXEMPT`` with the reason it is no page.

The objects a page needs (cases, submissions, documents, payments, tokens...) come from the
worlds of the apps' view checklists (tests/<app>/test_view_checklist.py), so one row there
says both what the view answers and what the crawl opens; the rest are made here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Pattern (as the URL configuration spells it, namespaces left out) -> why the crawl does not open it.
EXEMPT: dict[str, str] = {
    # Not pages: probes, feeds, downloads and the language switch.
    "healthz": "service health probe, JSON (tests/core/test_healthz.py)",
    "favicon.ico": "redirect to the static icon (test_favicon_ico_is_an_icon)",
    "session/extend/": "POST only, JSON: extends the session before it times out",
    "registry-hours/calendar.ics": "iCalendar feed (tests/calendar)",
    "cause-book/cases/<int:case_id>/hearings.ics": "iCalendar feed (tests/causebook/test_hearings_feed.py)",
    "cause-book/hearings.ics": "iCalendar feed (tests/causebook/test_hearing_calendars.py)",
    "cause-book/organisations/<int:organisation_id>/hearings.ics": (
        "iCalendar feed (tests/causebook/test_hearing_calendars.py)"
    ),
    "cause-book/purchases/": "POST only: buys a search, then redirects to pay",
    "cause-book/calendar-addresses/renew/": "POST only: new calendar addresses (the dashboard has the form)",
    "cause-book/inspect/<str:kind>/<int:document_id>/": "POST only: buys an inspection, then redirects to pay",
    "cause-book/inspections/<str:token>/copy.pdf": "PDF download",
    "cause-book/copies/<str:token>/copy.pdf": "PDF download (tests/causebook/test_copies.py)",
    "filing/submissions/<str:reference>/acknowledgement.pdf": "PDF download",
    "filing/submissions/<str:reference>/acknowledgement-v<int:version>.pdf": "PDF download",
    "filing/submissions/<str:reference>/acknowledgement.json": "JSON download (tests/api/test_receipts_json.py)",
    "payments/order/<str:token>/receipt.json": "JSON download (tests/api/test_receipts_json.py)",
    "filing/documents/<int:document_id>/<str:copy>.pdf": "PDF download",
    "filing/court-documents/<int:document_id>.pdf": "PDF download",
    "filing/members/<int:membership_id>/cases/": "POST only: assigns a case (the member page has the form)",
    "filing/members/<int:membership_id>/cases/<int:assignment_id>/remove/": "POST only: unassigns a case",
    "filing/messages/<int:message_id>/attachment.pdf": "PDF download",
    "filing/bulk/template-<str:language>.<str:kind>": "CSV or XLSX download (tests/filing/test_bulk_views.py)",
    "filing/bulk/<int:batch_id>/file/": "POST only: pays for the batch and starts filing it",
    "filing/bulk/<int:batch_id>/resume/": "POST only: resumes an interrupted batch",
    "filing/bulk/<int:batch_id>/cancel/": "POST only: cancels a checked batch",
    "filing/bulk/<int:batch_id>/rows/<int:item_id>/drop/": (
        "POST only: drops a failed row of an interrupted batch (tests/filing/test_bulk_failed_rows.py)"
    ),
    "filing/submissions/<str:reference>/refile/": "POST only: makes a draft of the correction, then redirects to it",
    "payments/filing/<str:reference>/pay/": "POST only: makes the order, then redirects to it",
    "payments/fees/pay/": "POST only: makes the order, then redirects to it",
    "payments/order/<str:token>/start/": "POST only: starts a payment at the gateway",
    "payments/order/<str:token>/deposit/": "POST only: pays from the deposit account",
    "payments/order/<str:token>/nil/": "POST only: settles a nil fee",
    "payments/order/<str:token>/cancel/": "POST only: cancels the order",
    "payments/order/<str:token>/receipt.pdf": "PDF download",
    "payments/callback/<str:gateway>/": "gateway webhook, POST only, signed",
    "payments/deposit/<int:account_id>/statement.csv": "CSV download",
    "payments/deposit/<int:account_id>/statement.pdf": "PDF download",
    "i18n/setlang/": "POST only: Django's language switch (the crawl switches by its cookie)",
    "account/organisation/two-factor/": "POST only: the organisation page has the form",
    "account/organisation/invitations/<int:invitation_id>/withdraw/": "POST only",
    "account/organisation/members/<int:membership_id>/deactivate/": "POST only",
    "account/organisation/members/<int:membership_id>/role/": "POST only",
    "account/organisation/members/<int:membership_id>/access/": "POST only",
    "account/api-tokens/<int:token_id>/revoke/": "POST only",
    "account/organisation/webhooks/<int:endpoint_id>/secret/": "POST only: shows the new secret once",
    "account/organisation/webhooks/<int:endpoint_id>/delete/": "POST only",
    "account/organisation/webhooks/deliveries/<int:delivery_id>/send-again/": "POST only",
    # The JSON API: answers JSON, never HTML (tests/core/test_view_checklist.py and the API tests).
    "api/v1/openapi.json": "JSON API schema",
    "api/v1/calendar/deemed-receipt": "JSON API",
    "api/v1/calendar/status": "JSON API",
    "api/v1/fees/quote": "JSON API",
    "api/v1/fees/items": "JSON API",
    "api/v1/causebook/search": "JSON API",
    "api/v1/hearings": "JSON API",
    "api/v1/submissions/<ref>": "JSON API",
    "api/v1/cases/<path:case_number>": "JSON API",
    "api/v1/verify": "JSON API",
    # The write API and the filer's copies (tests/api/).
    "api/v1/filings": "JSON API",
    "api/v1/filings/<filing_id>": "JSON API",
    "api/v1/filings/<filing_id>/documents": "JSON API",
    "api/v1/filings/<filing_id>/submit": "JSON API",
    "api/v1/submissions/<ref>/acknowledgement": "JSON API",
    "api/v1/submissions/<ref>/acknowledgement.pdf": "JSON API: PDF download",
    "api/v1/submissions/<ref>/documents/<ordinal>/sealed.pdf": "JSON API: PDF download",
    "api/v1/submissions/<ref>/payment": "JSON API",
    "api/v1/submissions/<ref>/receipt": "JSON API",
    "api/v1/submissions/<ref>/receipt.pdf": "JSON API: PDF download",
    "api/v1/": "the API's root: 404, no page (tests/core/test_view_checklist.py)",
    # allauth steps that exist only in the middle of a sign-in, or are files.
    "accounts/login/code/confirm/": "only during a sign-in by emailed code, which the portal does not offer",
    "accounts/2fa/authenticate/": "only in the middle of a sign-in (tests/e2e/test_review_journey.py opens it)",
    "accounts/2fa/recovery-codes/download/": "text file download",
    # Development only: not in the URL configuration the tests run (DEV_OUTBOX_ENABLED is False).
    "dev/outbox/": "development mail outbox, DEBUG only",
    "dev/outbox/<str:message_id>/": "development mail outbox, DEBUG only",
    # Django admin's generic machinery (the admin index, every changelist, add and change page
    # and every custom admin view are crawled).
    "admin/login/": "redirects to allauth's sign-in, which is crawled",
    "admin/logout/": "POST only",
    "admin/password_change/": "staff change their password in allauth (accounts/password/change/, crawled)",
    "admin/password_change/done/": "staff change their password in allauth",
    "admin/autocomplete/": "JSON for the admin's autocomplete widgets",
    "admin/jsi18n/": "JavaScript catalogue",
    "admin/r/<path:content_type_id>/<path:object_id>/": "redirect to the object's public page",
    "admin/(?P<url>.*)$": "the admin's catch-all: 404 or a redirect to add a slash",
    "admin/filing/courtdocument/<int:document_id>/preview/": "PDF shown inline",
    "admin/filing/submission/<int:object_id>/accept/": "POST only: the change page has the button",
    "admin/filing/submission/document/<int:document_id>/preview/": "PDF shown inline",
    "admin/payments/paymentorder/collections.csv": "CSV download",
}

# Django admin's generic per-object patterns, for every ModelAdmin: pattern -> reason.
EXEMPT_ADMIN_GENERIC: dict[str, str] = {
    r"^admin/\w+/\w+/<path:object_id>/history/$": "Django admin's stock history page",
    r"^admin/\w+/\w+/<path:object_id>/delete/$": "Django admin's stock delete confirmation",
    r"^admin/\w+/\w+/<path:object_id>/$": "redirects to the change page",
}

ADMIN_NO_ADD = "the ModelAdmin allows no adding (has_add_permission is False): 403"


def _join(prefix: str, pattern: URLPattern | URLResolver) -> str:
    return prefix + str(pattern.pattern)


def url_patterns() -> list[tuple[str, str]]:
    """Every (pattern, name) of the URL configuration, recursively, namespaces in the name."""
    found: list[tuple[str, str]] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
                walk(pattern, _join(prefix, pattern), inner or namespace)
            else:
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name or ""
                found.append((_join(prefix, pattern), name))

    walk(get_resolver(), "", "")
    return found


def route_of(name: str) -> str:
    """The pattern of the URL named ``name``."""
    routes = {n: route for route, n in url_patterns() if n}
    return routes[name]


def _superuser_request() -> Any:
    everything = SimpleNamespace(is_active=True, is_staff=True, is_superuser=True, has_perm=lambda *a, **k: True)
    return SimpleNamespace(user=everything, method="GET", GET={}, POST={})


def admin_models() -> Iterator[tuple[Any, Any]]:
    yield from admin.site._registry.items()


def admin_routes() -> dict[str, tuple[str, Any]]:
    """The admin patterns the crawl opens: the index, one app index, and each ModelAdmin's
    changelist, change page and (where it allows adding) add page: route -> (kind, model)."""
    routes: dict[str, tuple[str, Any]] = {
        "admin/": ("index", None),
        "admin/^(?P<app_label>auth|account|mfa|core|registry_calendar|accounts|filing|payments|causebook)/$": (
            "app_index",
            None,
        ),
    }
    for model, model_admin in admin_models():
        base = f"admin/{model._meta.app_label}/{model._meta.model_name}/"
        routes[base] = ("changelist", model)
        routes[base + "<path:object_id>/change/"] = ("change", model)
        if model_admin.has_add_permission(_superuser_request()):
            routes[base + "add/"] = ("add", model)
    return routes


def admin_no_add_routes() -> dict[str, str]:
    return {
        f"admin/{model._meta.app_label}/{model._meta.model_name}/add/": ADMIN_NO_ADD
        for model, model_admin in admin_models()
        if not model_admin.has_add_permission(_superuser_request())
    }


def admin_pattern_key(route: str) -> str:
    """The app index's regex lists the installed apps; compare it by its shape."""
    return re.sub(r"\(\?P<app_label>[^)]*\)", "(?P<app_label>...)", route)


def exempt_reason(route: str) -> str | None:
    if route in EXEMPT:
        return EXEMPT[route]
    no_add = admin_no_add_routes()
    if route in no_add:
        return no_add[route]
    for pattern, reason in EXEMPT_ADMIN_GENERIC.items():
        if re.match(pattern, route):
            return reason
    return None


@dataclass(frozen=True)
class Visit:
    """One page the crawl opens: its pattern, as whom (an attribute of ``Worlds``; None: the public) and where."""

    route: str
    role: str
    user: str | None
    url: Callable[[Any], str]


# The pages the app checklists do not list (allauth's, the admin's, a government department's).
PUBLIC_PAGES = ["accessibility", "help"]
ALLAUTH_PUBLIC = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_inactive",
    "account_email_verification_sent",
]
ALLAUTH_SIGNED_IN = [
    ("account_logout", "party"),
    ("account_email", "party"),
    ("account_change_password", "party"),
    ("account_reauthenticate", "party"),
    ("mfa_index", "party"),
    ("mfa_activate_totp", "party"),
    ("mfa_reauthenticate", "clerk"),
    ("mfa_deactivate_totp", "clerk"),
    ("mfa_view_recovery_codes", "clerk"),
    ("mfa_generate_recovery_codes", "clerk"),
]
DEPARTMENT_PAGES = [
    "accounts:dashboard",
    "accounts:organisation",
    "filing:start",
    "filing:submissions",
    "payments:mine",
]


class Extra:
    """The objects the crawl needs beyond the checklists' worlds."""

    @cached_property
    def party(self) -> Any:
        """A party in person with a password and no authenticator app."""
        from tests.factories import UserFactory

        return UserFactory()

    @cached_property
    def party_without_password(self) -> Any:
        from tests.factories import UserFactory

        user = UserFactory()
        user.set_unusable_password()
        user.save()
        return user

    @cached_property
    def department(self) -> Any:
        """The primary administrator of a government department."""
        from accounts.models import Membership, Organisation
        from tests.factories import MembershipFactory, OrganisationFactory

        organisation = OrganisationFactory(
            type=Organisation.Type.GOVERNMENT, name_en="Department of Justice", name_zh="律政司"
        )
        return MembershipFactory(organisation=organisation, role=Membership.Role.PRIMARY_ADMIN).user

    @cached_property
    def bulk_filer(self) -> Any:
        """An Organisation User of a government department, who files summonses in bulk."""
        from tests.filing.bulk_support import department_make

        return department_make().user

    @cached_property
    def bulk_batch(self) -> Any:
        """A checked batch of two summonses, one row with an error: the report, its fee and its button."""
        from filing.bulk.services import bulk_batch_create
        from tests.filing.bulk_support import manifest_csv, pdf_zip, row

        rows = [row(1), row(2), row(3, offence_date="2026-13-01")]
        return bulk_batch_create(
            user=self.bulk_filer, manifest=manifest_csv(rows), files=[pdf_zip([r["pdf_filename"] for r in rows])]
        )

    @cached_property
    def bulk_batch_interrupted(self) -> Any:
        """A batch stopped part way with one row failed: the failed rows, why, and a drop button each."""
        from django.utils.translation import gettext_lazy

        from filing.bulk.reasons import refusal_reason
        from filing.bulk.services import bulk_batch_create
        from filing.models import BulkBatch, BulkItem
        from filing.services.filing_input import SubmissionRefused
        from tests.filing.bulk_support import manifest_csv, pdf_zip, row

        rows = [row(11), row(12)]
        batch = bulk_batch_create(
            user=self.bulk_filer, manifest=manifest_csv(rows), files=[pdf_zip([r["pdf_filename"] for r in rows])]
        )
        # As the worker records a refusal: the staff's record, and the filer's reason in each language.
        refused = SubmissionRefused(
            gettext_lazy("A document of this draft is no longer as it was uploaded. Remove it and upload it again.")
        )
        BulkItem.objects.filter(batch=batch, row_number=3).update(
            status=BulkItem.Status.FAILED,
            last_error="A document of this draft is no longer as it was uploaded. Remove it and upload it again.",
            reason=refusal_reason(refused),
        )
        BulkBatch.objects.filter(pk=batch.pk).update(status=BulkBatch.Status.INTERRUPTED)
        return batch

    @cached_property
    def clerk(self) -> Any:
        """A registry clerk with every permission (a superuser), an authenticator app and recovery codes."""
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

        from tests.factories import StaffFactory, totp_for

        clerk = StaffFactory(group="Registry clerk", is_superuser=True)
        totp_for(clerk)
        RecoveryCodes.activate(clerk)
        return clerk

    @cached_property
    def closure(self) -> Any:
        from datetime import timedelta

        from django.utils import timezone

        from icms.calendar.models import Closure

        return Closure.objects.create(
            reason="typhoon",
            starts_at=timezone.now() - timedelta(hours=2),
            notice_en="Tropical cyclone signal No. 8 is in force.",
            notice_zh="八號熱帶氣旋警告信號現正生效。",
        )

    @cached_property
    def conflict(self) -> Any:
        from datetime import timedelta

        from django.contrib.contenttypes.models import ContentType
        from django.utils import timezone

        from filing.models import Submission
        from icms.calendar.models import DeemedReceiptConflict

        submission = Submission.objects.order_by("pk").first()
        assert submission is not None
        now = timezone.now()
        return DeemedReceiptConflict.objects.create(
            target_type=ContentType.objects.get_for_model(Submission),
            target_id=str(submission.pk),
            target_label=submission.reference,
            received_at=now,
            recorded_deemed_at=now,
            recorded_rule="open_hours",
            proposed_deemed_at=now + timedelta(hours=1),
            proposed_rule="closure",
            cause="calendar.closure #1",
        )

    def calendar_and_operations(self, worlds: Any) -> None:
        """One row of each kind the admin lists that the worlds do not make."""
        from datetime import date, timedelta
        from decimal import Decimal

        from django.utils import timezone

        from icms.calendar.models import ExtraHoliday, MaintenanceWindow
        from icms.core.models import OutboxItem, WorkerHeartbeat
        from payments.models import GatewayEvent
        from payments.services import refund_request_for_order

        now = timezone.now()
        for world, attribute in [
            ("filing", "court_document"),
            ("filing", "message"),
            ("filing", "assignment"),
            ("accounts", "invitation"),
            ("accounts", "api_token"),
            ("causebook", "hearing"),
            ("causebook", "purchase"),
            ("causebook", "inspection"),
            ("causebook", "copy_application"),
            ("payments", "paid_order"),
        ]:
            getattr(getattr(worlds, world), attribute)
        self.clerk  # noqa: B018 - and their authenticators
        self.closure  # noqa: B018
        self.conflict  # noqa: B018
        self.bulk_batch_interrupted  # noqa: B018 - a bulk batch and its rows, one failed, for their admin pages
        ExtraHoliday.objects.create(day=date(2026, 12, 28), name_en="Extra holiday", name_zh="額外假期")
        MaintenanceWindow.objects.create(
            starts_at=now + timedelta(days=3),
            ends_at=now + timedelta(days=3, hours=2),
            notice_en="Planned maintenance.",
            notice_zh="計劃維修。",
        )
        WorkerHeartbeat.objects.create(hostname="worker@crawl", beat_at=now)
        OutboxItem.objects.filter(pk=OutboxItem.objects.order_by("pk").values("pk")[:1]).update(
            state=OutboxItem.State.FAILED
        )
        order = worlds.payments.paid_order
        GatewayEvent.objects.create(
            gateway="sandbox",
            event_id="evt-crawl-1",
            kind="payment.succeeded",
            order=order,
            order_reference=order.reference,
            amount=Decimal("14.00"),
            raw_body="{}",
            signature_ok=True,
        )
        refund_request_for_order(order=order, reason="Paid twice")
        from icms.core.services import accessibility_report_create

        accessibility_report_create(
            page="/cause-book/", description="The search button is hard to see.", language="en"
        )

    def email_confirmation_key(self) -> str:
        from allauth.account.models import EmailAddress, EmailConfirmationHMAC

        return EmailConfirmationHMAC(EmailAddress.objects.get(user=self.party)).key

    def password_reset_url(self) -> str:
        from allauth.account.forms import default_token_generator
        from allauth.account.utils import user_pk_to_url_str

        return reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(self.party), "key": default_token_generator.make_token(self.party)},
        )


def extra_visits() -> list[Visit]:
    visits = [Visit(route_of(n), "public", None, lambda w, n=n: reverse(n)) for n in PUBLIC_PAGES + ALLAUTH_PUBLIC]
    visits += [Visit(route_of(n), role, f"extra.{role}", lambda w, n=n: reverse(n)) for n, role in ALLAUTH_SIGNED_IN]
    visits += [
        Visit(
            route_of("account_set_password"),
            "party",
            "extra.party_without_password",
            lambda w: reverse("account_set_password"),
        ),
        Visit(
            route_of("account_confirm_email"),
            "public",
            None,
            lambda w: reverse("account_confirm_email", args=[w.extra.email_confirmation_key()]),
        ),
        Visit(route_of("account_reset_password_from_key"), "public", None, lambda w: w.extra.password_reset_url()),
    ]
    visits += [
        Visit(route_of(n), "department", "extra.department", lambda w, n=n: reverse(n)) for n in DEPARTMENT_PAGES
    ]
    # The batch page again, interrupted with a failed row: the list of failed rows and their drop buttons.
    visits.append(
        Visit(
            route_of("filing:bulk_batch"),
            "department",
            "extra.bulk_filer",
            lambda w: reverse("filing:bulk_batch", args=[w.extra.bulk_batch_interrupted.pk]),
        )
    )
    # Pages the checklists do not (yet) list: crawled here unless a checklist row already is.
    listed = {v.route for v in checklist_visits()}
    named = {name for _route, name in url_patterns()}
    visits += [
        Visit(route_of(name), role, user, url)
        for name, (role, user, url) in UNLISTED_PAGES.items()
        if name in named and route_of(name) not in listed
    ]
    return visits


UNLISTED_PAGES: dict[str, tuple[str, str, Callable[[Any], str]]] = {
    "filing:bulk": ("department", "extra.bulk_filer", lambda w: reverse("filing:bulk")),
    "filing:bulk_batch": (
        "department",
        "extra.bulk_filer",
        lambda w: reverse("filing:bulk_batch", args=[w.extra.bulk_batch.pk]),
    ),
    "filing:join": ("firm", "filing.filer", lambda w: reverse("filing:join")),
    "payments:deposit_open": ("firm", "payments.admin", lambda w: reverse("payments:deposit_open")),
    "payments:deposit_top_up": (
        "firm",
        "payments.admin",
        lambda w: reverse("payments:deposit_top_up", args=[w.payments.account.pk]),
    ),
}


def settings_cookie_names() -> tuple[str, str]:
    return settings.SESSION_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME


ROLE_OF_USER = {
    None: "public",
    "filer": "firm",
    "admin": "firm",
    "central": "firm",
    "individual": "party",
    "invitee": "party",
    "party": "party",
    "payer": "party",
    "copy_party": "party",
}
CHECKLIST_APPS = ["accounts", "causebook", "core", "filing", "payments"]


def checklist_visits() -> list[Visit]:
    """The GET rows of the apps' view checklists that are pages."""
    import importlib

    visits = []
    for app in CHECKLIST_APPS:
        module = importlib.import_module(f"tests.{app}.test_view_checklist")
        for view in module.VIEWS:
            route = route_of(view.name)
            if "GET" not in view.methods or exempt_reason(route) is not None:
                continue
            user = f"{app}.{view.user}" if view.user else None
            visits.append(Visit(route, ROLE_OF_USER[view.user], user, lambda w, v=view, a=app: v.url(getattr(w, a))))
    return visits


def _first(model: Any) -> Any:
    obj = admin.site._registry[model].get_queryset(_superuser_request()).order_by("pk").first()
    assert obj is not None, f"the crawl has no {model._meta.label} for its admin change page: make one in Worlds"
    return obj


def _admin_url(kind: str, model: Any) -> Callable[[Any], str]:
    def url(w: Any) -> str:
        if kind == "index":
            return reverse("admin:index")
        if kind == "app_index":
            return reverse("admin:app_list", args=["filing"])
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}_{kind}"
        return reverse(info, args=[_first(model).pk]) if kind == "change" else reverse(info)

    return url


def _respondent(case: Any) -> Any:
    return case.parties.filter(side="respondent").order_by("ordinal").first()


# The custom admin views: name -> the object they act on.
ADMIN_CUSTOM: dict[str, Callable[[Any], str]] = {
    "admin:registry_calendar_closure_reopen": lambda w: reverse(
        "admin:registry_calendar_closure_reopen", args=[w.extra.closure.pk]
    ),
    "admin:registry_calendar_deemedreceiptconflict_resolve": lambda w: reverse(
        "admin:registry_calendar_deemedreceiptconflict_resolve", args=[w.extra.conflict.pk]
    ),
    "admin:auth_user_password_change": lambda w: reverse("admin:auth_user_password_change", args=[w.extra.party.pk]),
    "admin:filing_submission_return": lambda w: reverse(
        "admin:filing_submission_return", args=[w.filing.submission.pk]
    ),
    "admin:filing_submission_withdraw_document": lambda w: reverse(
        "admin:filing_submission_withdraw_document", args=[w.causebook.writ.pk]
    ),
    "admin:causebook_hearing_fix": lambda w: reverse("admin:causebook_hearing_fix", args=[w.causebook.case.pk]),
    "admin:causebook_hearing_adjourn": lambda w: reverse(
        "admin:causebook_hearing_adjourn", args=[w.causebook.hearing.pk]
    ),
    "admin:causebook_hearing_vacate": lambda w: reverse(
        "admin:causebook_hearing_vacate", args=[w.causebook.hearing.pk]
    ),
    "admin:filing_case_access_code": lambda w: reverse(
        "admin:filing_case_access_code", args=[w.filing.case.pk, _respondent(w.filing.case).pk]
    ),
    "admin:filing_case_representation": lambda w: reverse(
        "admin:filing_case_representation", args=[w.filing.case.pk, _respondent(w.filing.case).pk]
    ),
    "admin:causebook_copyapplication_issue": lambda w: reverse(
        "admin:causebook_copyapplication_issue", args=[w.causebook.copy_application.pk]
    ),
    "admin:causebook_copyapplication_refuse": lambda w: reverse(
        "admin:causebook_copyapplication_refuse", args=[w.causebook.copy_application.pk]
    ),
    "admin:payments_collections": lambda w: reverse("admin:payments_collections"),
    "admin:payments_reconciliation": lambda w: reverse("admin:payments_reconciliation"),
    "admin:payments_deposit_top_up": lambda w: reverse("admin:payments_deposit_top_up", args=[w.payments.account.pk]),
}


def admin_visits() -> list[Visit]:
    visits = [
        Visit(route, "clerk", "extra.clerk", _admin_url(kind, model))
        for route, (kind, model) in admin_routes().items()
    ]
    visits += [Visit(route_of(name), "clerk", "extra.clerk", url) for name, url in ADMIN_CUSTOM.items()]
    return visits


def all_visits() -> list[Visit]:
    return checklist_visits() + extra_visits() + admin_visits()


def coverage() -> tuple[list[str], list[str]]:
    """(patterns neither crawled nor exempt, patterns both crawled and exempt)."""
    crawled = {admin_pattern_key(v.route) for v in all_visits()}
    missing, both = [], []
    for route, _name in url_patterns():
        key = admin_pattern_key(route)
        reason = exempt_reason(route)
        if key not in crawled and reason is None:
            missing.append(route)
        if key in crawled and reason is not None:
            both.append(route)
    return sorted(set(missing)), sorted(set(both))


class Worlds:
    """The checklists' worlds, side by side in one database, and the crawl's own objects."""

    def __init__(self) -> None:
        from tests.accounts import test_view_checklist as accounts_checklist
        from tests.accounts.conftest import make_firm
        from tests.causebook import test_view_checklist as causebook_checklist
        from tests.causebook.conftest import register
        from tests.conftest import firm_filer, outsider
        from tests.core import test_view_checklist as core_checklist
        from tests.factories import StaffFactory, UserFactory
        from tests.filing import test_view_checklist as filing_checklist
        from tests.payments import test_view_checklist as payments_checklist
        from tests.payments.conftest import firm as payments_firm

        self.accounts = accounts_checklist.World(make_firm(), make_firm(), UserFactory())
        self.causebook = causebook_checklist.World(register.__wrapped__(None))
        self.core = core_checklist.World(firm_filer.__wrapped__(None))
        self.filing = filing_checklist.World(firm_filer.__wrapped__(None), outsider.__wrapped__(None))
        self.payments = payments_checklist.World(
            payments_firm.__wrapped__(None), StaffFactory(group="Accounts officer")
        )
        self.extra = Extra()

    def user(self, path: str | None) -> Any:
        if path is None:
            return None
        world, attribute = path.split(".")
        return getattr(getattr(self, world), attribute)
