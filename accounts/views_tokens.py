"""The API tokens page: a user makes tokens for their software, sees when each was used, and revokes them.

A new token is shown once, in the response to the POST that made it (not after a
redirect): it must not be kept anywhere on the server, not even in the session.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from icms.core.http import AuthenticatedHttpRequest, client_ip, found_or_404

from . import tokens
from .models import ApiToken
from .selectors import is_staff_user

# Every token reads; these are what a token may do besides.
EXTRA_SCOPES = [
    (ApiToken.Scope.FILE.value, ApiToken.Scope.FILE.label),
    (ApiToken.Scope.PAY.value, ApiToken.Scope.PAY.label),
]


def _expiry_choices() -> list[tuple[str, Any]]:
    return [
        (str(days), ngettext_lazy("%(days)d day", "%(days)d days", days) % {"days": days})
        for days in tokens.EXPIRY_DAYS
    ]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the new token"),
        max_length=100,
        help_text=gettext_lazy("What it is for, such as the name of your practice-management software."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("What the token may do besides reading"),
        choices=EXTRA_SCOPES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Every token can read the filings and cases you can see. Tick only what your software needs."
        ),
    )
    expires_in_days = forms.TypedChoiceField(
        label=gettext_lazy("How long the token lasts"),
        choices=_expiry_choices,
        coerce=int,
        # Not given (a client that sends only the name): the default lifetime.
        required=False,
        empty_value=None,
        initial=str(tokens.DEFAULT_EXPIRY_DAYS),
        widget=forms.RadioSelect,
        help_text=gettext_lazy("After that it stops working, and you make a new one."),
    )


class StaffApiTokenForm(forms.Form):
    """Staff: a read-only token for 24 hours, made with a current authenticator code."""

    name = ApiTokenForm.base_fields["name"]
    totp_code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=10,
        help_text=gettext_lazy("The 6 digits your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "size": "8"}
        ),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = is_staff_user(request.user)
    form_class: type[forms.Form] = StaffApiTokenForm if staff else ApiTokenForm
    form = form_class(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _made, new_token = tokens.api_token_create(
                user=request.user,
                name=data["name"],
                scopes=[ApiToken.Scope.READ, *data.get("scopes", [])],
                expires_in_days=data.get("expires_in_days") or tokens.DEFAULT_EXPIRY_DAYS,
                totp_code=data.get("totp_code", ""),
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            form.add_error("totp_code" if error.code in ("totp", "totp_locked") else None, error)
        else:
            form = form_class()
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "staff": staff,
            "new_token": new_token,
            "tokens": tokens.api_tokens_for_user(request.user),
            "api_schema_url": reverse("api:openapi-json"),
        },
    )


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    api_token = found_or_404(tokens.api_token_for_user, request.user, token_id)
    if found_or_404(tokens.api_token_revoke, api_token=api_token, actor=request.user, ip_address=client_ip(request)):
        messages.success(request, _("The token “%(name)s” is revoked. It no longer works.") % {"name": api_token.name})
    return redirect("accounts:api_tokens")
