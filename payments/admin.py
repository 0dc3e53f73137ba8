"""The Accounts Office in the admin: fee schedule, orders, deposit ledgers, refunds, reports.

Admin actions and views call :mod:`payments.services`; nothing here changes a status or
a balance directly. Money records (orders, events, ledger rows, receipts) are read-only.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from icms.core.admin_base import ReadOnlyAdmin
from icms.core.admin_scale import RegisterListAdmin

from . import selectors, services
from .forms import RefundRejectForm, TopUpForm
from .models import (
    ZERO,
    ConcessionPeriod,
    DepositAccount,
    FeeItem,
    GatewayEvent,
    LedgerEntry,
    PaymentOrder,
    Receipt,
    Refund,
)

ISSUE_LABELS = {
    "paid": gettext_lazy("Paid without a success callback"),
    "possible": gettext_lazy("Possible double charge"),
    "callback": gettext_lazy("Refused callback"),
    "pending": gettext_lazy("Still waiting for the gateway"),
    "second_charge_refunded": gettext_lazy("Second charge: refunded automatically"),
    "second_charge_refund_pending": gettext_lazy("Second charge: automatic refund on its way"),
    "second_charge_refund_failed": gettext_lazy("Second charge: the automatic refund failed"),
}


def issue_label(issue: str) -> str:
    """The words for a reconciliation issue code: its own, or its family's (``callback_*``)."""
    label = ISSUE_LABELS.get(issue) or ISSUE_LABELS.get(issue.split("_")[0])
    return issue if label is None else str(label)


@admin.register(FeeItem)
class FeeItemAdmin(admin.ModelAdmin[FeeItem]):
    list_display = (
        "code",
        "court_level",
        "description_en",
        "standard_amount",
        "e_fee_eligible",
        "nil_e_fee",
        "verification",
        "effective_from",
        "effective_to",
    )
    list_filter = ("court_level", "verified", "e_fee_eligible", "nil_e_fee")
    search_fields = ("code", "description_en", "description_zh", "statutory_ref")

    @admin.display(description=gettext_lazy("Verification"), ordering="verified")
    def verification(self, obj: FeeItem) -> str:
        return _("Verified") if obj.verified else _("⚠ Not verified")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # close an item with "in force until" instead; past quotes cite it


@admin.register(ConcessionPeriod)
class ConcessionPeriodAdmin(admin.ModelAdmin[ConcessionPeriod]):
    list_display = ("court_level", "starts_on", "ends_on", "rate", "rounding", "statutory_ref")


@admin.register(PaymentOrder)
class PaymentOrderAdmin(RegisterListAdmin[PaymentOrder], ReadOnlyAdmin[PaymentOrder]):
    list_display = (
        "reference",
        "purpose",
        "court_level",
        "amount",
        "method",
        "status",
        "received_at",
        "deemed_received_at",
    )
    list_filter = (("created_at", admin.DateFieldListFilter), "status", "method", "purpose", "court_level")
    search_fields = ("reference", "purpose_ref", "gateway_reference", "payer__email")
    exclude = ("access_token", "idempotency_key")
    change_list_template = "payments/admin/paymentorder_change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PaymentOrder]:
        # The default manager holds received orders only (see the model); staff see all.
        return PaymentOrder.objects.select_related("payer")

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("collections/", view(self.collections_view), name="payments_collections"),
            path("collections.csv", view(self.collections_csv), name="payments_collections_csv"),
            path("reconciliation/", view(self.reconciliation_view), name="payments_reconciliation"),
            *super().get_urls(),
        ]

    def _require_report(self, request: HttpRequest) -> None:
        if not request.user.has_perm("payments.view_collections_report"):
            raise PermissionDenied

    def _day(self, request: HttpRequest) -> date:
        return parse_date(request.GET.get("day", "")) or timezone.localdate()

    def collections_view(self, request: HttpRequest) -> HttpResponse:
        """Daily collections by court, item and method, with the last 30 days as a bar chart."""
        self._require_report(request)
        day = self._day(request)
        series = selectors.daily_totals(end_day=day)
        peak = max((amount for _, amount in series), default=0) or 1
        bars = [
            {
                "day": d,
                "amount": amount,
                "height": int(amount / peak * 100),
                "y": 110 - int(amount / peak * 100),
                "x": i * 20,
            }
            for i, (d, amount) in enumerate(series)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Daily collections"),
            "report": selectors.collections_for_day(day),
            "bars": bars,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "payments/admin/collections.html", context)

    def collections_csv(self, request: HttpRequest) -> HttpResponse:
        """Every order received on the day, one row per fee line."""
        self._require_report(request)
        day = self._day(request)
        start, end = selectors._day_bounds(day)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="collections-{day.isoformat()}.csv"'
        response["X-Content-Type-Options"] = "nosniff"
        writer = csv.writer(response)
        writer.writerow(
            ["received_at_hkt", "reference", "court", "method", "item", "standard_hkd", "e_fee_hkd", "status"]
        )
        for order in selectors.paid_orders_between(start, end).order_by("received_at"):
            for line in order.lines:
                writer.writerow(
                    [
                        timezone.localtime(order.received_at).isoformat(timespec="seconds")
                        if order.received_at
                        else "",
                        order.reference,
                        order.court_level,
                        order.method,
                        line["item"],
                        line["standard"],
                        line["e_fee"],
                        order.status,
                    ]
                )
        return response

    def reconciliation_view(self, request: HttpRequest) -> HttpResponse:
        self._require_report(request)
        since = timezone.now() - timedelta(days=int(request.GET.get("days", "7") or 7))
        labelled = [(row, issue_label(row.issue)) for row in selectors.reconciliation(since=since)]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reconciliation of gateway callbacks and payment orders"),
            "rows": [{"row": row, "label": label} for row, label in labelled if not row.resolved],
            "resolved": [{"row": row, "label": label} for row, label in labelled if row.resolved],
            "events": GatewayEvent.objects.filter(arrived_at__gte=since).count(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "payments/admin/reconciliation.html", context)


@admin.register(GatewayEvent)
class GatewayEventAdmin(RegisterListAdmin[GatewayEvent], ReadOnlyAdmin[GatewayEvent]):
    list_display = (
        "arrived_at",
        "gateway",
        "event_id",
        "kind",
        "order_reference",
        "amount",
        "signature_ok",
        "outcome",
        "deliveries",
    )
    list_filter = (("arrived_at", admin.DateFieldListFilter), "gateway", "signature_ok", "outcome", "kind")
    search_fields = ("event_id", "order_reference", "gateway_reference")


class LedgerEntryInline(admin.TabularInline[LedgerEntry, DepositAccount]):
    model = LedgerEntry
    fields = readonly_fields = ("created_at", "kind", "amount", "payment_order", "reference", "note", "entered_by")
    extra = 0
    can_delete = False
    ordering = ("-created_at",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # The model field has no verbose name of its own; this gives the column a translated heading.
    @admin.display(description=_("created by"))
    def entered_by(self, entry: LedgerEntry) -> object:
        return entry.created_by


@admin.register(DepositAccount)
class DepositAccountAdmin(admin.ModelAdmin[DepositAccount]):
    list_display = ("organisation", "branch_code", "balance")
    search_fields = ("organisation__name_en", "organisation__name_zh", "branch_code")
    inlines = (LedgerEntryInline,)
    change_form_template = "payments/admin/depositaccount_change_form.html"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("organisation", "branch_code", "balance") if obj else ("balance",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[DepositAccount]:
        # Every balance in the list's one query, not one query a row.
        return super().get_queryset(request).select_related("organisation").annotate(total=Sum("entries__amount"))

    @admin.display(description=gettext_lazy("Balance (HK$)"))
    def balance(self, obj: DepositAccount) -> str:
        return f"{getattr(obj, 'total', None) or ZERO:,.2f}"  # an account not yet saved holds nothing

    def save_model(self, request: HttpRequest, obj: DepositAccount, form: Any, change: bool) -> None:
        if change:
            return
        services.deposit_account_open(organisation=obj.organisation, branch_code=obj.branch_code or None)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path("<int:pk>/top-up/", self.admin_site.admin_view(self.top_up_view), name="payments_deposit_top_up"),
            *super().get_urls(),
        ]

    def top_up_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Record a top-up (accounts officers): a positive ledger row, audited."""
        if not request.user.has_perm("payments.record_top_up"):
            raise PermissionDenied
        account = get_object_or_404(DepositAccount, pk=pk)
        form = TopUpForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.deposit_top_up(
                    account=account,
                    amount=form.cleaned_data["amount"],
                    reference=form.cleaned_data["reference"],
                    note=form.cleaned_data["note"],
                    officer=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Top-up recorded."))
                return HttpResponseRedirect(reverse("admin:payments_depositaccount_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Record a top-up"),
            "account": account,
            "balance": services.balance_of(account),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "payments/admin/top_up.html", context)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin[LedgerEntry]):
    list_display = ("created_at", "account", "kind", "amount", "payment_order", "reference", "entered_by")
    list_filter = ("kind",)
    search_fields = ("reference", "payment_order__reference", "account__organisation__name_en")

    @admin.display(description=_("created by"), ordering="created_by")
    def entered_by(self, entry: LedgerEntry) -> object:
        return entry.created_by


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin[Refund]):
    list_display = (
        "reference",
        "order",
        "kind",
        "amount",
        "status",
        "requested_by",
        "first_approved_by",
        "second_approved_by",
        "created_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("reference", "order__reference", "charge_reference")
    readonly_fields = (
        "reference",
        "order",
        "kind",
        "method",
        "gateway",
        "charge_reference",
        "gateway_event",
        "amount",
        "reason",
        "status",
        "requested_by",
        "first_approved_by",
        "first_approved_at",
        "second_approved_by",
        "second_approved_at",
        "decided_note",
        "gateway_reference",
        "completed_at",
    )
    actions = ("approve", "reject")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Approve the selected refunds"), permissions=["approve"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Refund]) -> None:
        for refund in queryset:
            try:
                refund = services.refund_approve(refund=refund, officer=request.user)  # type: ignore[arg-type]
            except ValidationError as error:
                self.message_user(request, f"{refund.reference}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(ref)s: %(status)s") % {"ref": refund.reference, "status": refund.get_status_display()},
                    messages.SUCCESS,
                )

    @admin.action(description=gettext_lazy("Reject the selected refunds"), permissions=["approve"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Refund]) -> TemplateResponse | None:
        """First a page asking why (the payer is told the reason), then the rejection of each refund."""
        form = RefundRejectForm(request.POST if "apply" in request.POST else None)
        if not (form.is_bound and form.is_valid()):
            return TemplateResponse(
                request,
                "payments/admin/refund_reject.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": _("Reject refunds"),
                    "refunds": queryset.select_related("order"),
                    "form": form,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for refund in queryset:
            try:
                services.refund_reject(
                    refund=refund,
                    officer=request.user,  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                self.message_user(request, f"{refund.reference}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(ref)s: rejected") % {"ref": refund.reference}, messages.SUCCESS)
        return None

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("payments.approve_refund"))


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin[Receipt]):
    list_display = ("number", "order", "rendered_at")
    search_fields = ("order__reference",)
