"""The API tokens page: a user makes tokens for their software, sees when each was used, and revokes them.

A new token is shown once, in the response to the POST that made it (not after a
redirect): it must not be kept anywhere on the server, not even in the session.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from icms.core.http import AuthenticatedHttpRequest, client_ip, found_or_404

from . import tokens


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the new token"),
        max_length=100,
        help_text=gettext_lazy("What it is for, such as the name of your practice-management software."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _made, new_token = tokens.api_token_create(
                user=request.user, name=form.cleaned_data["name"], ip_address=client_ip(request)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
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
