"""The public verification page: does a DRN or a file match a document the court sealed or issued?

No sign-in. It says only the case number and the document type (from
:func:`filing.selectors.verify_document`), nothing about parties or content, and
nothing about filings under review or returned. Lookups are rate-limited per address.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from .forms_verify import HashingUploadHandler, VerifyForm
from .ratelimit import verify_rate_limited
from .selectors import verify_document


@csrf_exempt  # only so the upload handlers can be set before the body is read; CSRF is checked below
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """GET ``?drn=`` looks a number up (links from a stamp); POST takes a number or a file."""
    if request.method == "POST":
        request.upload_handlers = [HashingUploadHandler(request)]
    return _verify(request)


@csrf_protect
def _verify(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
    elif "drn" in request.GET:
        form = VerifyForm({"drn": request.GET["drn"]})
    else:
        form = VerifyForm()
    context: dict[str, object] = {"form": form, "checked": False, "result": None}
    status = 200
    if form.is_bound and form.is_valid():
        if verify_rate_limited(request):
            context["rate_limited"] = True
            status = 429
        else:
            context["checked"] = True
            context["result"] = verify_document(drn=form.cleaned_data["drn"], sha256=form.sha256)
            context["by_file"] = bool(form.sha256)
    return render(request, "filing/verify/verify.html", context, status=status)
