"""Bulk filing batches and their rows in the admin, read-only (docs/bulk-filing.md).

What the registry looks at when a department asks why a row was not filed: the batch page
tells the filer a row's reason in their language and to ask the registry for more
(:mod:`filing.bulk.reasons`), so staff see that same reason beside the technical record of the
failure (``BulkItem.last_error``: the exception, or the refusal in the worker's language).

Nothing is changed here: a batch moves only through :mod:`filing.bulk`'s services, which the
department drives. The manifest's rows (the defendants' names, addresses and identity
documents, ``BulkItem.data``) are neither loaded nor shown: the summons filed from a row shows
its defendant, to those who may see the case.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from icms.core.admin_base import ReadOnlyAdmin, first_line
from icms.core.admin_scale import RegisterListAdmin

from ..bulk.reasons import reason_told
from ..models import BulkBatch, BulkItem

BATCH_FIELDS = [
    "id",
    "organisation",
    "case_type",
    "status",
    "created_by",
    "created_at",
    "manifest_filename",
    "rows_total",
    "rows_invalid",
    "rows_filed",
    "rows_link",
    "payment_reference",
    "filing_started_at",
    "finished_at",
]


@admin.register(BulkBatch)
class BulkBatchAdmin(ReadOnlyAdmin[BulkBatch]):
    list_display = [
        "id",
        "organisation",
        "case_type",
        "status",
        "rows_total",
        "rows_filed",
        "rows_failed",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "case_type"]
    search_fields = ["=id", "organisation__name_en", "organisation__name_zh", "payment_reference"]
    list_select_related = ["organisation", "case_type", "created_by"]
    ordering = ["-created_at", "-id"]
    date_hierarchy = "created_at"
    fields = tuple(BATCH_FIELDS)
    readonly_fields = BATCH_FIELDS

    def get_queryset(self, request: HttpRequest) -> QuerySet[BulkBatch]:
        failed = Count("items", filter=Q(items__status=BulkItem.Status.FAILED))
        return super().get_queryset(request).annotate(failed_rows=failed)

    @admin.display(description=_("rows that failed"), ordering="failed_rows")
    def rows_failed(self, batch: BulkBatch) -> int:
        return int(getattr(batch, "failed_rows", 0))

    @admin.display(description=_("rows of the batch"))
    def rows_link(self, batch: BulkBatch) -> SafeString:
        url = reverse("admin:filing_bulkitem_changelist") + f"?batch__id__exact={batch.pk}"
        rows = batch.rows_total
        label = ngettext("See the batch's %(rows)s row", "See the batch's %(rows)s rows", rows) % {"rows": rows}
        return format_html('<a href="{}">{}</a>', url, label)


ITEM_FIELDS = [
    "batch_link",
    "row_number",
    "department_reference",
    "status",
    "reason_shown",
    "last_error",
    "pdf_filename",
    "submission_link",
    "created_at",
    "updated_at",
]


@admin.register(BulkItem)
class BulkItemAdmin(RegisterListAdmin[BulkItem], ReadOnlyAdmin[BulkItem]):
    # The reference opens the row; the batch column links to the batch (a link inside the
    # first column's own link would nest two <a>).
    list_display = ["department_reference", "batch_link", "row_number", "status", "reason_shown", "error_summary"]
    list_filter = ["status"]
    search_fields = ["department_reference", "=batch__id"]
    list_select_related = ["batch"]
    ordering = ["batch_id", "row_number"]
    fields = tuple(ITEM_FIELDS)
    readonly_fields = ITEM_FIELDS

    def get_queryset(self, request: HttpRequest) -> QuerySet[BulkItem]:
        # The defendant's details stay unread (module docstring).
        return super().get_queryset(request).defer("data")

    @admin.display(description=_("batch"), ordering="batch_id")
    def batch_link(self, item: BulkItem) -> SafeString:
        url = reverse("admin:filing_bulkbatch_change", args=[item.batch_id])
        return format_html('<a href="{}">{}</a>', url, item.batch_id)

    @admin.display(description=_("reason shown to the filer"))
    def reason_shown(self, item: BulkItem) -> str:
        return reason_told(item, get_language()) or "—"

    @admin.display(description=_("last error"))
    def error_summary(self, item: BulkItem) -> str:
        return first_line(item.last_error)

    @admin.display(description=_("submission"))
    def submission_link(self, item: BulkItem) -> SafeString | str:
        if item.submission_id is None:
            return "—"
        url = reverse("admin:filing_submission_change", args=[item.submission_id])
        return format_html('<a href="{}">{}</a>', url, item.submission_id)
