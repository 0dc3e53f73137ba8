"""Bulk filing of summonses: the upload with its column guide, the batch's report and progress, and its actions.

Only an Organisation User of an approved government department, law enforcement agency or
statutory body may use it (``bulk_filing_organisation``): anyone else signed in gets 403,
and a batch of another organisation is a 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from icms.core.http import AuthenticatedHttpRequest, client_ip
from icms.core.panels import panels

from .bulk.columns import COLUMNS, example_row
from .bulk.dropping import bulk_item_drop
from .bulk.expiry import bulk_batch_days, bulk_batch_deadline
from .bulk.manifest import MAX_ROWS
from .bulk.messages import error_text
from .bulk.reasons import reason_for, reason_told
from .bulk.services import (
    bulk_batch_cancel,
    bulk_batch_create,
    bulk_batch_file,
    bulk_batch_resume,
    bulk_counts,
    bulk_filing_organisation,
)
from .bulk.template_files import CONTENT_TYPES, template_csv, template_xlsx
from .forms_bulk import BulkUploadForm
from .models import BulkBatch, BulkItem

#: Rows of the batch's table on one page.
ROWS_PER_PAGE = 100
#: Seconds between htmx's polls of a batch being filed.
POLL_SECONDS = 2


def _organisation(request: AuthenticatedHttpRequest) -> Organisation:
    organisation = bulk_filing_organisation(request.user)
    if organisation is None:
        raise PermissionDenied
    return organisation


def _batch(request: AuthenticatedHttpRequest, batch_id: int) -> BulkBatch:
    organisation = _organisation(request)
    batch = (
        BulkBatch.objects.select_related("case_type", "created_by")
        .filter(pk=batch_id, organisation=organisation)
        .first()
    )
    if batch is None:
        raise Http404
    return batch


@login_required
@require_http_methods(["GET", "POST"])
def bulk_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The upload, the columns of the manifest, the templates and the organisation's batches."""
    organisation = _organisation(request)
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = bulk_batch_create(
                user=request.user,
                manifest=form.cleaned_data["manifest"],
                files=form.cleaned_data["pdfs"],
                ip_address=client_ip(request),
            )
        except ValidationError as refused:
            field = "manifest" if getattr(refused, "code", "") == "manifest" else "pdfs"
            for message in refused.messages:
                form.add_error(field if field in ("manifest", "pdfs") else None, message)
        else:
            return redirect("filing:bulk_batch", batch_id=batch.pk)
    batches = BulkBatch.objects.filter(organisation=organisation).select_related("created_by")[:20]
    return render(
        request,
        "filing/bulk/start.html",
        {
            "form": form,
            "columns": COLUMNS,
            "example": example_row(),
            "batches": batches,
            "max_rows": MAX_ROWS,
        },
    )


@login_required
@require_GET
def bulk_template(request: AuthenticatedHttpRequest, language: str, kind: str) -> HttpResponse:
    """The manifest template, made now: CSV or XLSX, headers in English (en) or Chinese (zh)."""
    _organisation(request)
    if language not in ("en", "zh") or kind not in CONTENT_TYPES:
        raise Http404
    body = template_csv(language=language) if kind == "csv" else template_xlsx(language=language)
    response = HttpResponse(body, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="summons-manifest-{language}.{kind}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _rows(batch: BulkBatch, page_number: str | None) -> Page[BulkItem]:
    # The rows' waiting values (defendants' details) are not shown: not read either.
    items = (
        BulkItem.objects.filter(batch=batch)
        .select_related("submission__case__case_type")
        .defer("data")
        .order_by("row_number")
    )
    page = Paginator(items, ROWS_PER_PAGE).get_page(page_number)
    language = get_language()
    for item in page.object_list:
        item.messages = [error_text(error, row=item.row_number) for error in item.errors]
        # Why a row was not filed, in the reader's language; never last_error (staff's record).
        item.reason_text = reason_told(item, language)
    return page


def _problems(batch: BulkBatch) -> list[str]:
    """Every row's errors, in row order: what to fix before uploading those rows again."""
    rows = BulkItem.objects.filter(
        batch=batch, status__in=(BulkItem.Status.INVALID, BulkItem.Status.DUPLICATE)
    ).order_by("row_number")
    return [error_text(error, row=row.row_number) for row in rows.only("row_number", "errors") for error in row.errors]


def _failed(batch: BulkBatch) -> list[tuple[BulkItem, str]]:
    """The rows that failed, each with why in the reader's language (never ``last_error``, the
    staff's record): the filer resumes the batch, or drops the rows that fail each time."""
    rows = BulkItem.objects.filter(batch=batch, status=BulkItem.Status.FAILED).order_by("row_number")
    language = get_language()
    return [
        (item, reason_for(item, language))
        for item in rows.only("pk", "row_number", "department_reference", "pdf_filename", "reason", "status")
    ]


@login_required
@require_GET
def bulk_batch(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    """The batch: its report before filing (with the fee and the "File" button), then its progress."""
    batch = _batch(request, batch_id)
    counts = bulk_counts(batch)
    to_file = counts["pending"] + counts["filing"] + counts["failed"]
    done = counts["filed"]
    context = {
        "batch": batch,
        "counts": counts,
        "to_file": to_file,
        "done": done,
        "paid_rows": done + to_file,
        "page": _rows(batch, request.GET.get("page")),
        "problems": _problems(batch) if batch.status == BulkBatch.Status.CHECKED else [],
        "poll_seconds": POLL_SECONDS,
        "polling": batch.status == BulkBatch.Status.FILING,
        # A failed row may be dropped while the batch waits for the filer (filing/bulk/releasing.py).
        "failed_rows": _failed(batch) if batch.status == BulkBatch.Status.INTERRUPTED else [],
        "panels": panels("bulk_batch", batch=batch, user=request.user),
        # Filed or resumed by then, or the batch expires (filing/bulk/expiry.py).
        "deadline": bulk_batch_deadline(batch),
        "keep_days": bulk_batch_days(),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "filing/bulk/_progress.html", context)
    return render(request, "filing/bulk/batch.html", context)


def _act(
    request: AuthenticatedHttpRequest, batch_id: int, action: Callable[..., BulkBatch], done: str
) -> HttpResponse:
    batch = _batch(request, batch_id)
    try:
        action(batch=batch, user=request.user, ip_address=client_ip(request))
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, done)
    return redirect("filing:bulk_batch", batch_id=batch.pk)


@login_required
@require_POST
def bulk_batch_file_view(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    return _act(request, batch_id, bulk_batch_file, _("The fee is paid and the summonses are being filed."))


@login_required
@require_POST
def bulk_batch_resume_view(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    return _act(request, batch_id, bulk_batch_resume, _("Filing has resumed with the rows not yet filed."))


@login_required
@require_POST
def bulk_batch_cancel_view(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    return _act(request, batch_id, bulk_batch_cancel, _("The batch is cancelled. Nothing in it was filed."))


@login_required
@require_POST
def bulk_item_drop_view(request: AuthenticatedHttpRequest, batch_id: int, item_id: int) -> HttpResponse:
    """Drop a failed row of an interrupted batch (its fee refunded); a row of another batch is a 404."""
    batch = _batch(request, batch_id)
    item = BulkItem.objects.filter(pk=item_id, batch=batch).first()
    if item is None:
        raise Http404
    try:
        bulk_item_drop(item=item, user=request.user, ip_address=client_ip(request))
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(
            request,
            _("Row %(row)s is dropped: it will not be filed, and any fee paid for it is refunded.")
            % {"row": item.row_number},
        )
    return redirect("filing:bulk_batch", batch_id=batch.pk)
