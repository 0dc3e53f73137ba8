"""The sandbox gateway's hosted payment page (a stand-in for a provider's page)."""

from __future__ import annotations

import contextlib
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from .models import SandboxCharge
from .protocol import SESSION_SALT, sandbox_secret
from .services import AlreadyPaid, sandbox_charge_create

SESSION_MAX_AGE = 60 * 60


class SandboxPayForm(forms.Form):
    scenario = forms.ChoiceField(
        label=_("Sandbox outcome"),
        choices=SandboxCharge.Scenario.choices,
        initial=SandboxCharge.Scenario.SUCCESS,
        help_text=_("A test control of the sandbox: what the pretend provider should do."),
    )
    card_number = forms.CharField(
        label=_("Card number"),
        required=False,
        initial="4242 4242 4242 4242",
        widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
        help_text=_("Test card 4000 0000 0000 0002 is always declined."),
    )


def _session(request: HttpRequest) -> dict[str, str]:
    raw = request.GET.get("session", "")
    try:
        data = signing.loads(raw, key=sandbox_secret(), salt=SESSION_SALT, max_age=SESSION_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    if not isinstance(data, dict):
        raise Http404
    return {str(k): str(v) for k, v in data.items()}


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest) -> HttpResponse:
    if not settings.PAYMENT_SANDBOX_ENABLED:
        raise Http404
    session = _session(request)
    form = SandboxPayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        scenario = form.cleaned_data["scenario"]
        if session["method"] == "card" and form.cleaned_data["card_number"].replace(" ", "") == "4000000000000002":
            scenario = SandboxCharge.Scenario.DECLINE
        with contextlib.suppress(AlreadyPaid):  # the merchant's page shows the payment already made
            sandbox_charge_create(
                merchant_reference=session["merchant_reference"],
                method=session["method"],
                amount=Decimal(session["amount"]),
                callback_url=session["callback_url"],
                scenario=scenario,
            )
        return_url = session["return_url"]
        if not url_has_allowed_host_and_scheme(return_url, allowed_hosts={request.get_host()}):
            raise Http404
        return redirect(return_url)
    return render(request, "payments/sandbox/pay.html", {"session": session, "form": form})
