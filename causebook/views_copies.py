"""Applying for copies, certified true copies and certificates: thin, over :mod:`causebook.copies`.

A party applies from their case's copies page (each document of the case file is a row
with "Apply for a copy"); the public from a document's row on the cause book case page
(documents open to public inspection only). Either way the fee is then paid on the
payments order page, as an inspection's is.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from icms.core.http import AuthenticatedHttpRequest, found_or_404
from icms.core.storage import document_response

from . import copies
from .forms_copies import CertificateForm, CopyForm, PublicCopyForm
from .models import CopyApplication

CERTIFICATE = "certificate"


def _refused(form: CopyForm | CertificateForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _to_payment(request: HttpRequest, application: CopyApplication) -> HttpResponse:
    try:
        order = copies.copy_application_order_create(application=application, payer=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if application.access_token:
            return redirect("causebook:copy_status", token=application.access_token)
        return redirect("causebook:copies_mine")
    return redirect("payments:order", token=order.access_token)


@login_required
@require_GET
def case_copies(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """The documents of a case the user acts for, each with "Apply for a copy"; certificates in summons cases."""
    case = found_or_404(copies.copy_case_for_user, user=request.user, case_id=case_id)
    context = {
        "case": case,
        "targets": copies.party_copy_targets(user=request.user, case=case),
        "summons": copies.is_summons_case(case),
        "applications": copies.applications_for_user(request.user).filter(case=case),
    }
    return render(request, "causebook/copies/case.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def copy_apply(request: AuthenticatedHttpRequest, case_id: int, key: str) -> HttpResponse:
    """A party applies for a copy of one document (``key``: ``filed-<id>``, ``issued-<id>``) or a certificate."""
    case = found_or_404(copies.copy_case_for_user, user=request.user, case_id=case_id)
    target = None
    form: CopyForm | CertificateForm
    if key == CERTIFICATE:
        if not copies.is_summons_case(case):
            raise Http404
        form = CertificateForm(request.POST or None)
    else:
        target = found_or_404(copies.party_copy_target, user=request.user, case=case, key=key)
        form = CopyForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            application = copies.copy_application_create(
                applicant=request.user,
                case=case,
                kind=form.cleaned_data["kind"],
                copies=form.cleaned_data["copies"],
                target=target,
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            return _to_payment(request, application)
    context = {"case": case, "target": target, "form": form, "certificate": key == CERTIFICATE}
    return render(request, "causebook/copies/apply.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def copies_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's applications for copies and certificates, with their status."""
    applications = list(copies.applications_for_user(request.user)[:200])
    orders = {
        application.pk: copies.application_order(application)
        for application in applications
        if application.status == CopyApplication.Status.AWAITING_PAYMENT
    }
    rows = [(application, orders.get(application.pk)) for application in applications]
    return render(request, "causebook/copies/mine.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def public_copy_apply(request: HttpRequest, kind: str, document_id: int) -> HttpResponse:
    """Anyone applies for a copy of a document open to public inspection (404 for any other)."""
    target = found_or_404(copies.public_copy_target, kind=kind, pk=document_id)
    case = copies.target_case(target.document)
    form = PublicCopyForm(request.POST or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            application = copies.copy_application_create(
                applicant=None,
                case=case,
                kind=data["kind"],
                copies=data["copies"],
                target=target,
                applicant_name=data["name"],
                applicant_email=data["email"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            return _to_payment(request, application)
    context = {"case": case, "target": target, "form": form, "public": True}
    return render(request, "causebook/copies/public_apply.html", context, status=400 if form.errors else 200)


@require_GET
def copy_status(request: HttpRequest, token: str) -> HttpResponse:
    """A public application's status, by the token of its link; its download once issued."""
    application = found_or_404(copies.application_for_token, token)
    order = copies.application_order(application)
    return render(request, "causebook/copies/status.html", {"application": application, "order": order})


@require_GET
def copy_download(request: HttpRequest, token: str) -> HttpResponseBase:
    """The issued copy of a public application: only by its link, only once issued (404 otherwise)."""
    document = found_or_404(copies.issued_copy_for_token, token)
    return document_response(document.sealed_storage_key, filename=f"{document.drn}.pdf")
