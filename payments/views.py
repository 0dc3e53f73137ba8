"""Payment screens: the fee calculator, an order's pay page, the return page, receipts,
deposit statements, and the gateways' callback endpoint.

Thin: reads go through :mod:`payments.selectors` (scoped to the user, 404 otherwise),
changes through :mod:`payments.services`, by POST followed by a redirect.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import admin_membership_for_user
from icms.calendar import deemed_receipt
from icms.core.http import AuthenticatedHttpRequest, found_or_404
from icms.core.storage import DOWNLOAD_HEADERS, document_response

from . import hooks, selectors, services
from .deposits import TOP_UP_METHODS
from .fees import UnknownFeeItem, decisive_date, items_in_force, quote
from .forms import CourtForm, GatewayMethodForm, PayStandaloneForm, QuantitiesForm
from .gateways import offered_methods
from .gateways.base import CallbackRejected
from .models import PaymentOrder
from .rendering import render_statement_pdf


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    """The public fee calculator: pick a court and items, see the standard fee, e-fee and saving."""
    court_form = CourtForm(request.GET or None)
    court = court_form.cleaned_data["court"] if court_form.is_valid() else "DC"
    now = timezone.now()
    items = list(items_in_force(court, decisive_date(now)).order_by("code"))
    quantities = QuantitiesForm(request.GET if "calculate" in request.GET else None, items=items)
    result = None
    pay_form = None
    if quantities.is_bound and quantities.is_valid() and quantities.codes():
        result = quote(quantities.codes(), court, now)
        standalone = {item.code: item.standalone_purpose for item in items}
        if all(standalone[line.code] for line in result.lines):
            pay_form = PayStandaloneForm(
                initial={
                    "court": court,
                    "items": ",".join(quantities.codes()),
                    "idempotency_key": PayStandaloneForm.new_key(),
                }
            )
    return render(
        request,
        "payments/calculator.html",
        {
            "court_form": court_form if court_form.is_bound else CourtForm(initial={"court": court}),
            "court": court,
            "quantities": quantities,
            "result": result,
            "pay_form": pay_form,
            "deemed": deemed_receipt(now),
        },
    )


@require_POST
def pay_standalone(request: HttpRequest) -> HttpResponse:
    """Make the order for a search or inspection fee (idempotent per form) and go to pay it."""
    form = PayStandaloneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The payment form has expired. Please start again."))
        return redirect("payments:calculator")
    codes = [code for code in form.cleaned_data["items"].split(",") if code]
    court = form.cleaned_data["court"]
    purposes = {item.code: item.standalone_purpose for item in items_in_force(court, decisive_date(timezone.now()))}
    if not codes or not all(purposes.get(code) for code in codes):
        raise Http404
    try:
        order = services.payment_order_create(
            purpose=purposes[codes[0]],
            court_level=court,
            items=codes,
            idempotency_key=form.cleaned_data["idempotency_key"],
            payer=request.user,
            purpose_ref=PayStandaloneForm.new_key()[:16].upper(),
        )
    except (UnknownFeeItem, ValidationError):
        messages.error(request, _("The fee schedule has changed. Please calculate the fee again."))
        return redirect("payments:calculator")
    return redirect("payments:order", token=order.access_token)


def _order_context(request: HttpRequest, order: PaymentOrder) -> dict[str, object]:
    payable = order.status in services.orders.PAYABLE
    top_up = order.purpose == PaymentOrder.Purpose.DEPOSIT_TOP_UP
    account = selectors.deposit_account_for_user(request.user) if payable and not top_up else None
    # Why the deposit account cannot pay, and who can do something about it (issue 17).
    deposit = selectors.deposit_availability(request.user, order.amount) if payable and not top_up else None
    methods = [m for m in offered_methods() if not top_up or m in TOP_UP_METHODS]
    return {
        "order": order,
        "order_purpose": selectors.order_purpose(order),
        "receipt": getattr(order, "receipt", None) if order.is_settled else None,
        "deemed": deemed_receipt(timezone.now()),
        "deposit_account": account,
        "deposit_balance": selectors.account_balance(account) if account else None,
        "can_pay": order.status in services.orders.PAYABLE and order.amount > 0,
        "nil_fee": order.status in services.orders.PAYABLE and order.amount == 0,
        "continue_url": hooks.continue_url(order),
        "gateway_methods": methods,
        "deposit": deposit if request.user.is_authenticated else None,
    }


@require_GET
def order_detail(request: HttpRequest, token: str) -> HttpResponse:
    """An order's pay page: the quote, the deemed-receipt notice and the ways to pay."""
    order = found_or_404(selectors.order_for_token, user=request.user, token=token)
    return render(request, "payments/order.html", _order_context(request, order))


#: Seconds between looks at a payment still waiting for the gateway (meta refresh without
#: JavaScript; htmx polls the status region every ``STATUS_POLL_SECONDS``).
REFRESH_SECONDS = 5
STATUS_POLL_SECONDS = 2
#: htmx stops polling when the answer has this status.
HTMX_STOP_POLLING = 286


@require_GET
def order_return(request: HttpRequest, token: str) -> HttpResponse:
    """Where the gateway sends the payer back. The result comes from our records (the
    callbacks), never from the query string.

    While the payment waits for the gateway the page looks again by itself: a meta refresh
    without JavaScript, or htmx polling the status region (``HX-Request``), which gets the
    region and the order's details and, once the payment has an answer, HTTP 286 to stop.
    ``?auto=0`` turns the looking off (WCAG 2.2.1).
    """
    order = found_or_404(selectors.order_for_token, user=request.user, token=token)
    context = {
        **_order_context(request, order),
        "auto_refresh": order.status == PaymentOrder.Status.PENDING and request.GET.get("auto") != "0",
        "refresh_seconds": REFRESH_SECONDS,
        "poll_seconds": STATUS_POLL_SECONDS,
    }
    if request.headers.get("HX-Request") == "true":
        response = render(request, "payments/_return_poll.html", context)
        if order.status != PaymentOrder.Status.PENDING:
            response.status_code = HTMX_STOP_POLLING
        return response
    return render(request, "payments/return.html", context)


@require_POST
def order_start(request: HttpRequest, token: str) -> HttpResponse:
    order = found_or_404(selectors.order_for_token, user=request.user, token=token)
    form = GatewayMethodForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how to pay."))
        return redirect("payments:order", token=token)
    try:
        page = services.payment_order_start(
            order=order,
            method=form.cleaned_data["method"],
            return_url=reverse("payments:return", args=[token]),
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("payments:order", token=token)
    return redirect(page.url)


@login_required
@require_POST
def order_pay_deposit(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    order = found_or_404(selectors.order_for_token, user=request.user, token=token)
    try:
        services.payment_order_pay_from_deposit(order=order, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("payments:order", token=token)
    messages.success(request, _("Paid from your deposit account."))
    return redirect("payments:return", token=token)


@require_POST
def order_settle_nil(request: HttpRequest, token: str) -> HttpResponse:
    order = found_or_404(selectors.order_for_token, user=request.user, token=token)
    try:
        services.payment_order_settle_nil(order=order, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("payments:order", token=token)
    return redirect("payments:return", token=token)


@require_POST
def order_cancel(request: HttpRequest, token: str) -> HttpResponse:
    order = found_or_404(selectors.order_for_token, user=request.user, token=token)
    if services.payment_order_cancel(order=order, actor=request.user):
        messages.success(request, _("The payment was cancelled. Nothing was charged."))
    else:
        messages.error(request, _("This payment can no longer be cancelled."))
    return redirect("payments:order", token=token)


@require_GET
def receipt_download(request: HttpRequest, token: str) -> HttpResponseBase:
    """The receipt PDF, as an attachment; only through the order's unguessable link."""
    receipt = found_or_404(selectors.receipt_for_token, user=request.user, token=token)
    if not receipt.storage_key:
        messages.info(request, _("Your receipt is being prepared. Please try again in a moment."))
        return redirect("payments:return", token=token)
    return document_response(receipt.storage_key, filename=f"receipt-{receipt.number}.pdf")


@login_required
@require_GET
def my_payments(request: AuthenticatedHttpRequest) -> HttpResponse:
    orders = selectors.orders_for_user(user=request.user)[:100]
    return render(request, "payments/my_payments.html", {"orders": orders})


@csrf_exempt
@require_POST
def gateway_callback(request: HttpRequest, gateway: str) -> HttpResponse:
    """A gateway's signed callback. 200 once recorded (including a replay), 400 if not believed."""
    headers = dict(request.headers.items())
    try:
        services.gateway_callback_receive(gateway=gateway, headers=headers, body=request.body)
    except LookupError:
        raise Http404 from None
    except CallbackRejected as rejected:
        return HttpResponse(rejected.reason, status=400, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


# --- Deposit accounts, for the organisation's administrators -------------------------------


@login_required
@require_GET
def deposit_accounts(request: AuthenticatedHttpRequest) -> HttpResponse:
    accounts = found_or_404(selectors.deposit_accounts_for_admin, user=request.user)
    membership = found_or_404(admin_membership_for_user, request.user)
    return render(
        request,
        "payments/deposit_accounts.html",
        {
            "accounts": accounts,
            "may_manage": membership.role == membership.Role.PRIMARY_ADMIN,
            "organisation": membership.organisation,
            "has_main_account": any(
                account.branch_code is None and account.terms_accepted_at for account, _ in accounts
            ),
        },
    )


@login_required
@require_GET
def deposit_statement(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = found_or_404(selectors.deposit_account_for_admin, user=request.user, account_id=account_id)
    rows = selectors.statement_rows(account)
    return render(
        request,
        "payments/deposit_statement.html",
        {"account": account, "rows": list(reversed(rows)), "balance": rows[-1][1] if rows else 0},
    )


@login_required
@require_http_methods(["GET"])
def deposit_statement_csv(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = found_or_404(selectors.deposit_account_for_admin, user=request.user, account_id=account_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="deposit-statement-{account.pk}.csv"'
    for header, value in DOWNLOAD_HEADERS.items():
        response[header] = value
    response.write("\ufeff")  # so that spreadsheet programs read the Chinese text as UTF-8
    writer = csv.writer(response)
    writer.writerow(["date_time_hkt", "kind", "amount_hkd", "balance_hkd", "order", "reference", "note"])
    for entry, running in selectors.statement_rows(account):
        writer.writerow(
            [
                timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
                entry.kind,
                f"{entry.amount:.2f}",
                f"{running:.2f}",
                entry.payment_order.reference if entry.payment_order else "",
                _csv_safe(entry.reference),
                _csv_safe(entry.note),
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
@require_GET
def deposit_statement_pdf(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = found_or_404(selectors.deposit_account_for_admin, user=request.user, account_id=account_id)
    rows = selectors.statement_rows(account)
    pdf = render_statement_pdf(account, rows, rows[-1][1] if rows else selectors.account_balance(account))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="deposit-statement-{account.pk}.pdf"'
    for header, value in DOWNLOAD_HEADERS.items():
        response[header] = value
    return response
