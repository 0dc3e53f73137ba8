"""Opening and topping up a deposit account online, for an organisation's primary administrator.

Thin: the primary administrator is found through :mod:`payments.selectors` (anyone else,
including a secondary administrator, gets a 404), the changes are made by
:mod:`payments.services`. A top-up is a payment order paid through the gateway's hosted
page; the gateway's callback credits the account (:func:`payments.services.deposits.deposit_top_up_credit`).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from icms.core.http import AuthenticatedHttpRequest, found_or_404

from . import selectors, services
from .deposits import DEPOSIT_TERMS_VERSION, TOP_UP_MAXIMUM, TOP_UP_METHODS, TOP_UP_MINIMUM
from .forms import OpenDepositAccountForm, TopUpOnlineForm
from .gateways import offered_methods


def _errors(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def deposit_open(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The terms, a required checkbox, and the account opened once they are accepted."""
    admin = found_or_404(selectors.primary_admin_for_user, user=request.user)
    form = OpenDepositAccountForm(
        request.POST if request.method == "POST" else None, initial={"terms_version": DEPOSIT_TERMS_VERSION}
    )
    if form.is_bound and form.is_valid():
        try:
            account = services.deposit_account_open_with_terms(
                user=request.user,
                accept_terms=form.cleaned_data["accept_terms"],
                terms_version=form.cleaned_data["terms_version"],
            )
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, _("Your organisation's deposit account is open. You can top it up now."))
            return redirect("payments:deposit_top_up", account_id=account.pk)
    return render(
        request,
        "payments/deposit_open.html",
        {"form": form, "organisation": admin.organisation, "terms_version": DEPOSIT_TERMS_VERSION},
    )


@login_required
@require_http_methods(["GET", "POST"])
def deposit_top_up(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    """Choose an amount and card or FPS; the order is made and the gateway's page opens."""
    account = found_or_404(selectors.deposit_account_for_top_up, user=request.user, account_id=account_id)
    methods = [method for method in TOP_UP_METHODS if method in offered_methods()]
    form = TopUpOnlineForm(
        request.POST if request.method == "POST" else None,
        initial={"idempotency_key": uuid.uuid4().hex, "method": methods[0] if methods else None},
        minimum=TOP_UP_MINIMUM,
        maximum=TOP_UP_MAXIMUM,
        methods=methods,
    )
    if form.is_bound and form.is_valid():
        try:
            order = services.deposit_top_up_order_create(
                user=request.user,
                account=account,
                amount=form.cleaned_data["amount"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
            page = services.payment_order_start(
                order=order,
                method=form.cleaned_data["method"],
                return_url=reverse("payments:return", args=[order.access_token]),
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            return redirect(page.url)
    return render(
        request,
        "payments/deposit_top_up.html",
        {
            "form": form,
            "account": account,
            "balance": selectors.account_balance(account),
            "methods": methods,
        },
    )
