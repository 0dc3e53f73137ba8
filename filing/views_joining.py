"""Joining a case with its case access code: the filer's page (filing/services/joining.py decides).

A right case number and code start a draft filing for the code's party in that case
(``filing.services.drafts.draft_create``), which the filer completes and files; its
acceptance puts them on record. Every wrong pair gets one message that tells nothing,
with the same status; after too many, every attempt is refused for a day.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.selectors import filing_eligibility
from icms.core.http import AuthenticatedHttpRequest, client_ip

from .services.joining import JoinLocked, join_attempt, join_is_locked


class JoinForm(forms.Form):
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=40,
        help_text=_("As printed on the document served on you, for example DCCJ 1234/2026."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("Case access code"),
        max_length=40,
        help_text=_("12 letters and digits, for example 7K3M-Q9TX-4HRP. Capitals or small letters, dashes or not."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def join_case(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enter a case number and its access code; a right pair opens a draft filing in the case."""
    eligibility = filing_eligibility(request.user)
    ip_address = client_ip(request)
    form = JoinForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if eligibility.may_file and form.is_valid():
            try:
                code = join_attempt(
                    user=request.user,
                    case_number=form.cleaned_data["case_number"],
                    code=form.cleaned_data["code"],
                    ip_address=ip_address,
                )
            except JoinLocked as locked:
                form.add_error(None, locked)
                status = 429
            except ValidationError as refused:  # JoinRefused, or not eligible
                form.add_error(None, refused)
            else:
                from .services.drafts import draft_create

                draft = draft_create(
                    user=request.user,
                    case_type=code.case.case_type,
                    case=code.case,
                    for_party=code.party,
                    access_code=code,
                )
                return redirect(reverse("filing:draft_edit", args=[draft.pk]))
    context = {
        "form": form,
        "eligibility": eligibility,
        # After a POST the form's error says so already.
        "locked": request.method == "GET"
        and eligibility.may_file
        and join_is_locked(user=request.user, ip_address=ip_address),
    }
    return render(request, "filing/join.html", context, status=status)
