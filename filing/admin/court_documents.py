"""Court documents issued from the staff site, and the message box as staff see it.

Issuing goes through :func:`filing.services.court_document_issue`: the PDF is
checked, stamped ISSUED with a DRN, stored and audited, and delivered to every
party and representative on commit. Staff see each delivery and its first opening.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET

from accounts.models import User
from icms.core.admin_base import ReadOnlyAdmin
from icms.core.admin_scale import RegisterListAdmin
from icms.core.http import client_ip

from ..case_numbers.numbering import numbered_case
from ..models import Case, CourtDocument, MessageItem
from ..pdf_checks import PdfRejected, validate_pdf
from ..sealing import drn_format
from ..services import court_document_issue
from ..staff_access import Copy, storage_key_of
from .previews import preview_response


class CourtDocumentIssueForm(forms.ModelForm[CourtDocument]):
    """What staff give to issue a document: the case by its number, the kind, a title and the PDF."""

    case_number = forms.CharField(
        label=_("Case number"),
        max_length=40,
        help_text=_("As on the court file, for example DCCJ 1204/2026."),
    )
    file = forms.FileField(
        label=_("The document (PDF)"),
        help_text=_("Every page gets the court stamp at its top: “ISSUED”, the date and a document reference number."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    class Meta:
        model = CourtDocument
        fields = ["kind", "title", "public_inspection"]

    def clean_case_number(self) -> Case:
        case = numbered_case(self.cleaned_data["case_number"])
        if case is None:
            raise forms.ValidationError(
                _("No case has this number. Check it: a document can be issued only to a numbered case."),
                code="no_case",
            )
        return case

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            # Kept for the service, which then does not parse the file a second time.
            self.checked_pdf = validate_pdf(upload)
        except PdfRejected as rejected:
            raise forms.ValidationError(rejected.user_message, code=rejected.rejection.value) from None
        upload.seek(0)
        return upload


class DeliveryInline(admin.TabularInline[MessageItem, CourtDocument]):
    """Who received the document in their message box, and when each first opened it."""

    model = MessageItem
    fk_name = "court_document"
    extra = 0
    can_delete = False
    verbose_name = _("delivery")
    verbose_name_plural = _("deliveries to message boxes")
    fields = readonly_fields = ("recipient", "created_at", "read_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("recipient")


@admin.register(CourtDocument)
class CourtDocumentAdmin(RegisterListAdmin[CourtDocument]):
    """Issue documents to a case (``add_courtdocument``); issued documents are never edited."""

    list_display = ["title", "case", "kind", "drn_display", "issued_at", "issued_by", "public_inspection"]
    list_filter = ["kind", "case__case_type__court", "case__case_type", "public_inspection"]
    list_select_related = ["case__case_type", "issued_by"]
    search_fields = ["title", "drn"]
    inlines = [DeliveryInline]
    fields = readonly_fields = (
        "case",
        "kind",
        "title",
        "drn_display",
        "pages",
        "sha256",
        "sealed_sha256",
        "public_inspection",
        "issued_by",
        "issued_at",
        "open",
    )

    def has_change_permission(self, request: HttpRequest, obj: CourtDocument | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: CourtDocument | None = None) -> bool:
        return False

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = CourtDocumentIssueForm
            kwargs["fields"] = ["case_number", "kind", "title", "file", "public_inspection"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["case_number", "kind", "title", "file", "public_inspection"]
        return self.readonly_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else super().get_inline_instances(request, obj)

    @method_decorator(csrf_protect)
    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if object_id is not None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        # Not wrapped in the admin's transaction: the issuing service stores the files in
        # its own durable transaction (icms.core.storage.StoredFiles), so that a failure
        # leaves no file behind and a success is committed before delivery is queued.
        # (django-stubs does not declare this private half of changeform_view.)
        return self._changeform_view(request, object_id, form_url, extra_context)  # type: ignore[attr-defined,no-any-return]

    def save_model(self, request: HttpRequest, obj: CourtDocument, form: Any, change: bool) -> None:
        """Issue through the service (check, stamp, store, audit, deliver on commit), not ``obj.save()``."""
        staff = request.user
        if change or not isinstance(staff, User):
            raise PermissionDenied
        issued = court_document_issue(
            case=form.cleaned_data["case_number"],
            staff=staff,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
            public_inspection=form.cleaned_data["public_inspection"],
            checked=form.checked_pdf,
            ip_address=client_ip(request),
        )
        # The admin goes on to log and redirect with ``obj``: make it the issued row.
        for field in CourtDocument._meta.concrete_fields:
            setattr(obj, field.attname, getattr(issued, field.attname))
        obj._state.adding = False

    @admin.display(description=_("document reference number"), ordering="drn")
    def drn_display(self, document: CourtDocument) -> str:
        return drn_format(document.drn)

    @admin.display(description=_("open"))
    def open(self, document: CourtDocument) -> str:
        url = reverse("admin:filing_courtdocument_preview", args=[document.pk])
        new_tab = gettext("(opens in a new tab)")
        links = [
            (url, gettext("Preview the original")),
            (f"{url}?copy={Copy.SEALED}", gettext("Preview the issued copy")),
        ]
        return format_html_join(
            " · ",
            '<a href="{}" target="_blank" rel="noopener">{} <span class="visually-hidden">{}</span></a>',
            ((href, label, new_tab) for href, label in links),
        )

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:document_id>/preview/",
                self.admin_site.admin_view(require_GET(self.preview_view)),
                name="filing_courtdocument_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, document_id: int) -> HttpResponseBase:
        if not self.has_view_permission(request):
            raise PermissionDenied
        document = get_object_or_404(CourtDocument, pk=document_id)
        try:
            copy = Copy(request.GET.get("copy", Copy.ORIGINAL))
        except ValueError:
            raise Http404 from None
        if not storage_key_of(document, copy):
            raise Http404
        return preview_response(request, document=document, copy=copy, filename=f"{document.title}.pdf")


class ReadFilter(admin.SimpleListFilter):
    title = _("opened")
    parameter_name = "opened"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Opened")), ("no", _("Not opened yet"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        return queryset


@admin.register(MessageItem)
class MessageItemAdmin(RegisterListAdmin[MessageItem], ReadOnlyAdmin[MessageItem]):
    """Read-only: what reached each message box, and when the recipient first opened it."""

    list_display = ["subject_en", "recipient", "kind", "created_at", "first_opened"]
    list_filter = [("created_at", admin.DateFieldListFilter), "kind", ReadFilter]
    list_select_related = ["recipient"]
    search_fields = ["subject_en", "subject_zh", "recipient__email", "submission__reference", "court_document__drn"]
    fields = readonly_fields = (
        "recipient",
        "kind",
        "subject_en",
        "subject_zh",
        "body_en",
        "body_zh",
        "submission",
        "court_document",
        "created_at",
        "read_at",
    )

    @admin.display(description=_("first opened at"), ordering="read_at")
    def first_opened(self, message: MessageItem) -> str:
        if message.read_at is None:
            return gettext("not opened")
        return timezone.localtime(message.read_at).strftime("%Y-%m-%d %H:%M:%S")
