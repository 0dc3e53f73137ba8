"""The registry's review queue: submissions ordered by deemed receipt, accepted or returned.

Nobody edits a submission here: every field is read-only, and the decisions are
made by :func:`filing.services.filing_accept` and :func:`filing.services.filing_return`
(which audit them and tell the filer). Staff open documents through
:meth:`SubmissionAdmin.preview_view`, which audits every opening and records that this
clerk has opened the document: accepting needs each document opened, or the clerk's
explicit "accept without opening" (audited with the acceptance). The change page shows
one document at a time in an inline preview (``?preview=<document id>``), never by itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from icms.calendar import rule_explanation
from icms.calendar.data import registry_hours
from icms.core.admin_base import ReadOnlyAdmin
from icms.core.admin_scale import RegisterListAdmin
from icms.core.http import client_ip

from ..models import Case, Document, DocumentView, Party, ReturnReason, Submission
from ..models.submissions import OPEN_STATUSES
from ..sealing import drn_format
from ..selectors import queue_position
from ..services import filing_accept, filing_return
from ..services.review import ReviewRefused
from ..services.summonses import SummonsListing, summons_for_case
from ..staff_access import Copy, storage_key_of
from .previews import preview_response
from .search import CaseNumberSearchMixin
from .summons import SummonsListingForm, allots_return_day
from .summons_allotment import accept_summonses_allotting
from .withdrawal import document_withdraw_view

if TYPE_CHECKING:
    from django.contrib.admin.filters import _ListFilterChoices

OPEN = "open"
ALL = "all"


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def parties_label(case: Case) -> str:
    """ "CHAN Tai Man 陳大文 v KOWLOON TRANSPORT LIMITED": every party, applicants first.

    Reads ``case.parties.all()``, so a list prefetches the parties once.
    """

    def names(side: str) -> str:
        return ", ".join(
            " ".join(name for name in (party.name_en, party.name_zh) if name)
            for party in sorted(case.parties.all(), key=lambda p: (p.ordinal, p.pk))
            if party.side == side
        )

    applicants, respondents = names(Party.Side.APPLICANT), names(Party.Side.RESPONDENT)
    if applicants and respondents:
        return gettext("%(applicants)s v %(respondents)s") % {"applicants": applicants, "respondents": respondents}
    return applicants or respondents or "—"


def pages_label(document: Document) -> str:
    return ngettext("%(count)d page", "%(count)d pages", document.pages) % {"count": document.pages}


def rule_text(submission: Submission) -> str:
    """The rule that decided the deemed receipt, in words (not its code)."""
    if not submission.deemed_rule:
        return "—"
    return rule_explanation(
        submission.deemed_rule,
        received_at=submission.received_at,
        deemed_at=submission.deemed_received_at,
        hours=getattr(submission, "registry_hours", None),  # set once per queue page
    ) or str(submission.deemed_rule)


def case_label(submission: Submission) -> str:
    """The case number, or "new: DCPI" for a proceeding this filing starts."""
    case = submission.case
    return case.case_number or gettext("new: %(prefix)s") % {"prefix": case.case_type.prefix}


class QueueStatusFilter(admin.SimpleListFilter):
    """Status, defaulting to the open submissions: the queue itself."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, Any]]:
        return [(OPEN, _("Open: in the queue")), *Submission.Status.choices, (ALL, _("All"))]

    def _current(self) -> str:
        return self.value() or OPEN

    def queryset(self, request: HttpRequest, queryset: QuerySet[Submission]) -> QuerySet[Submission]:
        value = self._current()
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == ALL:
            return queryset
        if value in Submission.Status.values:
            return queryset.filter(status=value)
        return queryset.none()

    def choices(self, changelist: ChangeList) -> Iterator[_ListFilterChoices]:
        current = self._current()
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class DocumentInline(admin.TabularInline[Document, Submission]):
    """The submission's documents, with links that open each in the browser (audited)."""

    model = Document
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "ordinal",
        "title",
        "document_type",
        "pages",
        "sha256_code",
        "drn_display",
        "public_inspection",
        "opened",
        "open",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        """Each document with whether the member of staff looking has opened it."""
        mine = DocumentView.objects.filter(user=_staff(request), document=OuterRef("pk"))
        return super().get_queryset(request).annotate(opened_by_me=Exists(mine))

    @admin.display(description=_("opened by you"))
    def opened(self, document: Document) -> str:
        return gettext("Yes") if getattr(document, "opened_by_me", False) else gettext("Not yet")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="SHA-256")
    def sha256_code(self, document: Document) -> str:
        return format_html('<code class="sha256">{}</code>', document.sha256)

    @admin.display(description=_("document reference number"))
    def drn_display(self, document: Document) -> str:
        return drn_format(document.drn) if document.drn else "—"

    @admin.display(description=_("open"))
    def open(self, document: Document) -> str:
        url = reverse("admin:filing_submission_preview", args=[document.pk])
        here = reverse("admin:filing_submission_change", args=[document.submission_id])
        show = format_html(
            '<a href="{}?preview={}#document-preview">{}<span class="visually-hidden"> {}</span></a> · ',
            here,
            document.pk,
            gettext("Show here"),
            document.title,
        )
        links = [(url, gettext("Preview the filed PDF"))]
        if document.sealed_storage_key:
            links.append((f"{url}?copy={Copy.SEALED}", gettext("Preview the sealed copy")))
        new_tab = gettext("(opens in a new tab)")
        opening = format_html_join(
            " · ",
            '<a href="{}" target="_blank" rel="noopener">{} <span class="visually-hidden">{}</span></a>',
            ((href, label, new_tab) for href, label in links),
        )
        withdraw = reverse("admin:filing_submission_withdraw_document", args=[document.pk])
        if document.withdrawn_at is not None:
            withdrawn = gettext("Withdrawn from view on %(date)s") % {
                "date": formats.date_format(timezone.localtime(document.withdrawn_at), "DATETIME_FORMAT")
            }
            return format_html('{}{} · <a href="{}">{}</a>', show, opening, withdraw, withdrawn)
        return format_html('{}{} · <a href="{}">{}</a>', show, opening, withdraw, gettext("Withdraw from view"))


class ReturnForm(forms.Form):
    reason = forms.ModelChoiceField(
        label=_("Reason for return"),
        queryset=ReturnReason.objects.filter(active=True),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the filer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required for “Another reason”. The filer reads the note in their message box."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"]
        assert isinstance(reason, forms.ModelChoiceField)  # noqa: S101  (narrowing for mypy)
        reason.label_from_instance = lambda obj: obj.name  # type: ignore[method-assign]


#: How many documents a listed submission carries: evaluated for the rows of the page only.
_documents_of_row = (
    Document.objects.filter(submission=OuterRef("pk"))
    .order_by()
    .values("submission")
    .annotate(n=Count("pk"))
    .values("n")
)


@admin.register(Submission)
class SubmissionAdmin(CaseNumberSearchMixin[Submission], RegisterListAdmin[Submission], ReadOnlyAdmin[Submission]):
    """The review queue. Decisions need ``filing.change_submission``; seeing it needs ``view``."""

    list_display = [
        "reference",
        "case_display",
        "parties",
        "filer",
        "received",
        "deemed",
        "rule",
        "document_count",
        "status",
    ]
    list_display_links = ["reference"]
    list_filter = [QueueStatusFilter, "case__case_type__court", "case__case_type"]
    search_fields = ["reference"]
    case_path = "case__"
    list_per_page = 50
    actions = ["accept_selected", accept_summonses_allotting, "return_selected"]
    inlines = [DocumentInline]
    fieldsets = [
        (None, {"fields": ["reference", "status", "case_display", "parties", "opens_case", "queue"]}),
        (_("Filer"), {"fields": ["submitted_by", "on_behalf_of", "payment_reference"]}),
        (_("Receipt"), {"fields": ["received", "deemed", "rule", "acknowledged_at"]}),
        (_("Decision"), {"fields": ["decided_by", "decided_at", "return_reason", "return_note", "withdrawn_at"]}),
    ]
    readonly_fields = [
        "reference",
        "status",
        "case_display",
        "parties",
        "opens_case",
        "queue",
        "submitted_by",
        "on_behalf_of",
        "payment_reference",
        "received",
        "deemed",
        "rule",
        "acknowledged_at",
        "decided_by",
        "decided_at",
        "return_reason",
        "return_note",
        "withdrawn_at",
    ]

    # --- Permissions: nobody adds, edits or deletes (ReadOnlyAdmin); deciding needs change_submission.

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("filing.change_submission")

    # --- The queue.

    def get_queryset(self, request: HttpRequest) -> QuerySet[Submission]:
        return (
            super()
            .get_queryset(request)
            .select_related("case__case_type__court", "submitted_by", "on_behalf_of", "decided_by", "return_reason")
            .prefetch_related(
                "case__parties", Prefetch("documents", queryset=Document.objects.order_by("ordinal", "pk"))
            )
            # A count per row by a subquery, not a GROUP BY over the whole status: grouping every
            # accepted submission to list fifty took 14-16 s at 2,000,000 (bench/admin_lists.py).
            .annotate(document_count=Coalesce(Subquery(_documents_of_row), 0))
        )

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        """The queue page, its rows given the registry hours once: the rule column's words need
        them, and reading them per row would cost a query each."""
        changelist = super().get_changelist_instance(request)
        hours = registry_hours()
        for submission in changelist.result_list:  # evaluates the page; the template reuses it
            submission.registry_hours = hours
        return changelist

    # django-stubs types ordering as field names only; Django takes expressions too.
    def get_ordering(self, request: HttpRequest) -> list[OrderBy | str]:  # type: ignore[override]
        # The order of filing.selectors.review_queue(): by deemed receipt, pending last.
        return [F("deemed_received_at").asc(nulls_last=True), F("received_at").asc(), "pk"]

    @admin.display(description=_("case"))
    def case_display(self, submission: Submission) -> str:
        return case_label(submission)

    @admin.display(description=_("filer"), ordering="submitted_by__email")
    def filer(self, submission: Submission) -> str:
        name = submission.submitted_by.display_name
        if submission.on_behalf_of is not None:
            return f"{name} ({submission.on_behalf_of.name})"
        return name

    @admin.display(description=_("received at"), ordering="received_at")
    def received(self, submission: Submission) -> str:
        return _local(submission.received_at)

    @admin.display(description=_("deemed received at"), ordering="deemed_received_at")
    def deemed(self, submission: Submission) -> str:
        deemed_at = submission.deemed_received_at
        if deemed_at is None:
            return gettext("pending reopening: not yet received in law")
        if submission.is_open and deemed_at > timezone.now():
            return gettext("not yet received in law until %(deemed)s") % {"deemed": _local(deemed_at)}
        return _local(deemed_at)

    @admin.display(description=_("parties"))
    def parties(self, submission: Submission) -> str:
        return parties_label(submission.case)

    @admin.display(description=_("deemed-receipt rule"))
    def rule(self, submission: Submission) -> str:
        return rule_text(submission)

    @admin.display(description=_("documents"), ordering="document_count")
    def document_count(self, submission: Submission) -> str:
        """Each document's title and page count, one to a line."""
        return (
            format_html_join(
                "<br>",
                "{} ({})",
                ((document.title, pages_label(document)) for document in submission.documents.all()),
            )
            or "—"
        )

    @admin.display(description=_("place in the queue"))
    def queue(self, submission: Submission) -> str:
        ahead = queue_position(submission)
        if ahead is None:
            return "—"
        return gettext("%(count)d submissions ahead") % {"count": ahead}

    # --- Custom views.

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/accept/", wrap(self.accept_view), name="filing_submission_accept"),
            path("<int:object_id>/return/", wrap(self.return_view), name="filing_submission_return"),
            path("document/<int:document_id>/preview/", wrap(self.preview_view), name="filing_submission_preview"),
            path(
                "document/<int:document_id>/withdraw/",
                wrap(self.withdraw_view),
                name="filing_submission_withdraw_document",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {
            **(extra_context or {}),
            "may_decide": self.has_decide_permission(request),
            **self._summons_context(object_id),
            **self._preview_context(request, object_id),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)

    def _summons_context(self, object_id: str) -> dict[str, Any]:
        """A new summons's details, and the return-day fields its "Accept" needs (filing/admin/summons.py)."""
        if not object_id.isdigit():
            return {}
        submission = Submission.objects.select_related("case__case_type__court").filter(pk=int(object_id)).first()
        if submission is None:
            return {}
        summons = summons_for_case(submission.case)
        if summons is None:
            return {}
        return {
            "summons": summons,
            "summons_form": SummonsListingForm(prefix=None) if allots_return_day(submission) else None,
        }

    def _preview_context(self, request: HttpRequest, object_id: str) -> dict[str, Any]:
        """The document chosen for the inline preview (``?preview=<id>``), if it is one of this filing's."""
        chosen = request.GET.get("preview", "")
        if not chosen.isdigit() or not object_id.isdigit():
            return {}
        document = Document.objects.filter(pk=int(chosen), submission_id=int(object_id)).first()
        if document is None:
            return {}
        return {
            "preview_document": document,
            "preview_url": reverse("admin:filing_submission_preview", args=[document.pk]),
            "preview_pages": pages_label(document),
        }

    def _open_submission(self, request: HttpRequest, object_id: int) -> Submission:
        if not self.has_decide_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def _accept(
        self,
        request: HttpRequest,
        submission: Submission,
        *,
        without_opening: bool = False,
        listing: SummonsListing | None = None,
    ) -> bool:
        reference = submission.reference
        if not submission.is_open:
            self.message_user(request, gettext("%(ref)s: already decided.") % {"ref": reference}, messages.WARNING)
            return False
        try:
            accepted = filing_accept(
                submission=submission,
                clerk=_staff(request),
                ip_address=client_ip(request),
                accepted_without_opening=without_opening,
                summons_listing=listing,
            )
        except ReviewRefused as refused:
            self.message_user(request, f"{reference}: {' '.join(refused.messages)}", messages.ERROR)
            return False
        self.message_user(
            request,
            gettext("%(ref)s accepted in %(case)s. The sealed copies are being made; the filer will be told.")
            % {"ref": reference, "case": accepted.case.case_number or case_label(accepted)},
            messages.SUCCESS,
        )
        return True

    def accept_view(self, request: HttpRequest, object_id: int) -> HttpResponseBase:
        """POST only (with CSRF): accept one submission, then back to the queue."""
        return require_POST(self._accept_view)(request, object_id)

    def _accept_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        submission = self._open_submission(request, object_id)
        listing = None
        if allots_return_day(submission):  # a new summons: the return day is allotted with the acceptance
            form = SummonsListingForm(request.POST)
            if not form.is_valid():
                errors = [f"{form[name].label}: {' '.join(map(str, errs))}" for name, errs in form.errors.items()]
                self.message_user(request, f"{submission.reference}: {' '.join(errors)}", messages.ERROR)
                return HttpResponseRedirect(reverse("admin:filing_submission_change", args=[submission.pk]))
            listing = form.listing()
        without_opening = request.POST.get("accepted_without_opening") == "on"
        if not self._accept(request, submission, without_opening=without_opening, listing=listing):
            return HttpResponseRedirect(reverse("admin:filing_submission_change", args=[submission.pk]))
        return HttpResponseRedirect(reverse("admin:filing_submission_changelist"))

    def return_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """GET shows the reason and note form; POST returns the submission."""
        submission = self._open_submission(request, object_id)
        if not submission.is_open:
            self.message_user(
                request, gettext("%(ref)s: already decided.") % {"ref": submission.reference}, messages.WARNING
            )
            return HttpResponseRedirect(reverse("admin:filing_submission_change", args=[submission.pk]))
        form = ReturnForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid() and self._return_all(request, [submission], form):
            return HttpResponseRedirect(reverse("admin:filing_submission_changelist"))
        return self._return_page(request, [submission], form, action="")

    def _return_all(self, request: HttpRequest, submissions: list[Submission], form: ReturnForm) -> bool:
        """Return each open submission; False (with the error on the form) if the reason needs more."""
        for submission in submissions:
            if not submission.is_open:
                self.message_user(
                    request, gettext("%(ref)s: already decided.") % {"ref": submission.reference}, messages.WARNING
                )
                continue
            try:
                filing_return(
                    submission=submission,
                    clerk=_staff(request),
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    ip_address=client_ip(request),
                )
            except ReviewRefused as refused:
                if refused.code == "note_needed":
                    form.add_error("note", refused)
                    return False
                self.message_user(request, f"{submission.reference}: {' '.join(refused.messages)}", messages.ERROR)
                continue
            self.message_user(
                request,
                gettext("%(ref)s returned. The filer has been told the reason.") % {"ref": submission.reference},
                messages.SUCCESS,
            )
        return True

    def _return_page(
        self, request: HttpRequest, submissions: list[Submission], form: ReturnForm, *, action: str
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            "admin/filing/submission/return.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Return submissions to the filer"),
                "submissions": submissions,
                "form": form,
                "opts": self.model._meta,
                "action": action,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Accept the selected submissions"), permissions=["decide"])
    def accept_selected(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        """Bulk accept, in queue order; each submission is its own transaction and gets its own report."""
        for submission in queryset.order_by(*self.get_ordering(request)):
            self._accept(request, submission)  # the service refuses what is not yet received in law

    @admin.action(description=_("Return the selected submissions, with a reason"), permissions=["decide"])
    def return_selected(self, request: HttpRequest, queryset: QuerySet[Submission]) -> TemplateResponse | None:
        submissions = list(queryset.order_by(*self.get_ordering(request)))
        form = ReturnForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid() and self._return_all(request, submissions, form):
            return None
        return self._return_page(request, submissions, form, action="return_selected")

    @staticmethod
    def _copy(request: HttpRequest) -> Copy:
        try:
            return Copy(request.GET.get("copy", Copy.ORIGINAL))
        except ValueError:
            raise Http404 from None

    def withdraw_view(self, request: HttpRequest, document_id: int) -> HttpResponseBase:
        """Withdraw a filed document from view, or put it back (filing/admin/withdrawal.py)."""
        if not self.has_decide_permission(request):
            raise PermissionDenied
        return document_withdraw_view(self, request, document_id)

    def preview_view(self, request: HttpRequest, document_id: int) -> HttpResponseBase:
        """Open a filed document in the browser (inline), audited as staff access."""
        return require_GET(self._preview_view)(request, document_id)

    def _preview_view(self, request: HttpRequest, document_id: int) -> HttpResponseBase:
        if not self.has_view_permission(request):
            raise PermissionDenied
        document = get_object_or_404(Document.objects.select_related("submission"), pk=document_id)
        copy = self._copy(request)
        if not storage_key_of(document, copy):
            raise Http404
        return preview_response(request, document=document, copy=copy, filename=f"{document.title}.pdf")


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # the admin site only lets signed-in staff this far
        raise PermissionDenied
    return user
