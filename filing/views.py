"""The filer's screens: file, acknowledgement and status, message box, case file, downloads."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms.utils import ErrorList
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.selectors import filing_eligibility
from icms.calendar import deemed_receipt
from icms.core.http import AuthenticatedHttpRequest, client_ip, found_or_404
from icms.core.panels import panels
from icms.core.storage import StorageUnavailable, document_response

from . import access, selectors
from .acknowledgement import submission_deemed
from .forms import BaseDocumentFormSet, DocumentFormSet, NewCaseForm, SubmissionKeyForm, new_case_initial
from .models import Case, CaseType, MessageItem, Submission
from .pdf_checks import PdfRejected
from .services import (
    DocumentUpload,
    NewCase,
    NewParty,
    SubmissionRefused,
    court_document_open,
    message_open,
    submission_create,
)

logger = logging.getLogger(__name__)


def _uploads(formset: BaseDocumentFormSet) -> tuple[list[DocumentUpload], list[Any]]:
    uploads, forms = [], []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or not data.get("file"):
            continue
        upload = data["file"]
        uploads.append(DocumentUpload(data["document_type"], data["title"], upload, filename=upload.name))
        forms.append(form)
    return uploads, forms


def _submit(
    request: AuthenticatedHttpRequest, formset: BaseDocumentFormSet, key_form: SubmissionKeyForm, **target: Any
) -> Submission | None:
    """Call the service; put a refusal on the form (and on the right file) instead of losing the input."""
    uploads, forms = _uploads(formset)
    try:
        return submission_create(
            user=request.user,
            uploads=uploads,
            ip_address=client_ip(request),
            submission_key=key_form.cleaned_data["submission_key"],
            **target,
        )
    except PdfRejected as rejected:
        index = getattr(rejected, "upload_index", None)
        if index is not None:
            forms[index].add_error("file", rejected.user_message)
        else:
            formset._non_form_errors = formset.error_class([rejected.user_message])  # type: ignore[attr-defined]
    except SubmissionRefused as refused:
        formset._non_form_errors = formset.error_class(refused.messages)  # type: ignore[attr-defined]
    except StorageUnavailable:
        # The submission's transaction was rolled back and the files it wrote deleted (StoredFiles).
        logger.exception("Document storage failed; the submission was not received.")
        message = _(
            "Your documents could not be stored just now, so nothing was filed. Choose the files again "
            "and submit the form in a few minutes. If this keeps happening, contact the registry."
        )
        formset._non_form_errors = formset.error_class([message])  # type: ignore[attr-defined]
    return None


def _acknowledgement(submission: Submission) -> HttpResponse:
    return redirect(reverse("filing:submission", args=[submission.reference]) + "?new=1")


def _already_filed(request: AuthenticatedHttpRequest, key_form: SubmissionKeyForm) -> Submission | None:
    """The submission this form already made, when it is posted again (double click, second tab, retry)."""
    if request.method != "POST" or not key_form.is_valid():
        return None
    return selectors.submission_for_key(user=request.user, submission_key=key_form.cleaned_data["submission_key"])


def _form_context(request: AuthenticatedHttpRequest, case_type: CaseType, **extra: Any) -> dict[str, Any]:
    return {
        "deemed_now": deemed_receipt(timezone.now()),
        "case_type": case_type,
        "panels": panels("filing_form", case_type=case_type, user=request.user),
        **extra,
    }


def _key_context(key_form: SubmissionKeyForm) -> dict[str, Any]:
    """The key's error, if the posted one was missing or malformed, and the key to render: a fresh one then."""
    errors: ErrorList | list[str] = key_form.errors.get("submission_key", []) if key_form.is_bound else []
    # page_errors: the page's title starts "Error: " (icms_forms), as for a form's own errors.
    return {"key_form": key_form.fresh(), "key_errors": errors, "page_errors": bool(errors)}


@login_required
@require_GET
def file_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start a new case or file into one of your cases."""
    eligibility = filing_eligibility(request.user)
    cases = access.cases_visible_to(request.user).exclude(status=Case.Status.DRAFT)
    case_types = CaseType.objects.select_related("court").order_by("court__level", "prefix")
    return render(
        request,
        "filing/file_start.html",
        {
            "eligibility": eligibility,
            "cases": cases.select_related("case_type").order_by("-year", "-number")[:100],
            "case_types": case_types,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def file_in_case(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = found_or_404(access.case_for_user, request.user, case_id)
    if case.number is None:
        raise Http404  # nothing to file in before the case is accepted (the service refuses too)
    key_form = SubmissionKeyForm(request.POST or None)
    if (earlier := _already_filed(request, key_form)) is not None:
        return _acknowledgement(earlier)
    eligibility = filing_eligibility(request.user)
    formset = DocumentFormSet(
        request.POST or None, request.FILES or None, case_type=case.case_type, opens_case=False, prefix="documents"
    )
    if request.method == "POST" and eligibility.may_file and key_form.is_valid() and formset.is_valid():
        submission = _submit(request, formset, key_form, case=case)
        if submission is not None:
            return _acknowledgement(submission)
    status = 400 if request.method == "POST" else 200
    context = _form_context(
        request, case.case_type, case=case, formset=formset, eligibility=eligibility, **_key_context(key_form)
    )
    return render(request, "filing/file_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def start_case(request: AuthenticatedHttpRequest, prefix: str) -> HttpResponse:
    case_type = get_object_or_404(CaseType.objects.select_related("court"), prefix=prefix.upper())
    key_form = SubmissionKeyForm(request.POST or None)
    if (earlier := _already_filed(request, key_form)) is not None:
        return _acknowledgement(earlier)
    eligibility = filing_eligibility(request.user)
    case_form = NewCaseForm(
        request.POST or None, prefix="case", case_type=case_type, initial=new_case_initial(request.user)
    )
    formset = DocumentFormSet(
        request.POST or None, request.FILES or None, case_type=case_type, opens_case=True, prefix="documents"
    )
    if (
        request.method == "POST"
        and eligibility.may_file
        and key_form.is_valid()
        and case_form.is_valid()
        and formset.is_valid()
    ):
        data = case_form.cleaned_data
        new_case = NewCase(
            case_type=case_type,
            nature_en=data["nature_en"],
            nature_zh=data["nature_zh"],
            applicants=[NewParty(data["applicant_name_en"], data["applicant_name_zh"], data["applicant_kind"])],
            respondents=[NewParty(data["respondent_name_en"], data["respondent_name_zh"], data["respondent_kind"])],
        )
        submission = _submit(request, formset, key_form, new_case=new_case)
        if submission is not None:
            return _acknowledgement(submission)
    status = 400 if request.method == "POST" else 200
    context = _form_context(
        request, case_type, case_form=case_form, formset=formset, eligibility=eligibility, **_key_context(key_form)
    )
    return render(request, "filing/file_form.html", context, status=status)


@login_required
@require_GET
def submission_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The acknowledgement at once, then the status with a timeline and the queue position."""
    submission = found_or_404(selectors.submission_for_user, request.user, reference)
    # The acknowledgement and the fee are the filing side's; another party sees an accepted filing only.
    filing_side = access.user_is_on_filing_side(request.user, submission)
    context = {
        "submission": submission,
        "filing_side": filing_side,
        "case": submission.case,
        "documents": submission.documents.select_related("document_type").order_by("ordinal"),
        "deemed": submission_deemed(submission),
        "acknowledgements": (
            list(submission.acknowledgement_versions.exclude(storage_key="").order_by("-version"))
            if filing_side
            else []
        ),
        "queue_position": selectors.queue_position(submission),
        "just_filed": request.GET.get("new") == "1",
        "panels": panels("submission", submission=submission, user=request.user) if filing_side else [],
    }
    if request.headers.get("HX-Request"):
        return render(request, "filing/_submission_status.html", context)
    return render(request, "filing/submission.html", context)


@login_required
@require_GET
def submissions_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    submissions = selectors.submissions_for_user(request.user).order_by("-received_at")
    page = Paginator(submissions, 25).get_page(request.GET.get("page"))
    return render(request, "filing/submissions.html", {"page": page})


@login_required
@require_GET
def acknowledgement_download(request: AuthenticatedHttpRequest, reference: str) -> HttpResponseBase:
    submission = found_or_404(selectors.filing_side_submission_for_user, request.user, reference)
    if not submission.acknowledgement_key:
        raise Http404
    return document_response(submission.acknowledgement_key, filename=f"acknowledgement-{submission.reference}.pdf")


@login_required
@require_GET
def acknowledgement_version_download(
    request: AuthenticatedHttpRequest, reference: str, version: int
) -> HttpResponseBase:
    """Any version of the acknowledgement, the superseded ones included (the filing side only)."""
    submission = found_or_404(selectors.filing_side_submission_for_user, request.user, reference)
    found = get_object_or_404(submission.acknowledgement_versions.exclude(storage_key=""), version=version)
    return document_response(
        found.storage_key, filename=f"acknowledgement-{submission.reference}-v{found.version}.pdf"
    )


@login_required
@require_GET
def document_download(request: AuthenticatedHttpRequest, document_id: int, copy: str) -> HttpResponseBase:
    document = found_or_404(selectors.document_for_user, request.user, document_id)
    if copy == "sealed":
        if not document.sealed_storage_key:
            raise Http404
        return document_response(document.sealed_storage_key, filename=f"{document.drn or document.pk}-sealed.pdf")
    return document_response(
        document.storage_key, filename=document.original_filename or f"document-{document.pk}.pdf"
    )


@login_required
@require_GET
def court_document_download(request: AuthenticatedHttpRequest, document_id: int) -> HttpResponseBase:
    document = found_or_404(selectors.court_document_for_user, request.user, document_id)
    court_document_open(user=request.user, court_document=document)
    return document_response(document.sealed_storage_key, filename=f"{document.drn}.pdf")


@login_required
@require_GET
def message_box(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = selectors.messages_for_user(request.user)
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    return render(request, "filing/message_box.html", {"page": page, "unread": selectors.unread_count(request.user)})


@login_required
@require_GET
def message_detail(request: AuthenticatedHttpRequest, message_id: int) -> HttpResponse:
    message = found_or_404(selectors.message_for_user, request.user, message_id)
    if message.kind != MessageItem.Kind.COURT_DOCUMENT:
        # A court document counts as opened when the document itself is downloaded.
        message_open(user=request.user, message=message)
    # Only an accepted filing has sealed copies; a returned one never will.
    documents = []
    submission = message.submission
    sealed_kinds = (MessageItem.Kind.DECISION, MessageItem.Kind.SEALED_COPY_REISSUED)
    if message.kind in sealed_kinds and submission is not None and submission.status == Submission.Status.ACCEPTED:
        documents = list(submission.documents.filter(drn__isnull=False).order_by("ordinal"))
    return render(request, "filing/message_detail.html", {"message": message, "documents": documents})


@login_required
@require_GET
def message_attachment(request: AuthenticatedHttpRequest, message_id: int) -> HttpResponseBase:
    message = found_or_404(selectors.message_for_user, request.user, message_id)
    if message.court_document_id:
        # A court document is served only where access to its case is checked again
        # (a membership ended since delivery ends it); messages delivered before then
        # carried its storage key.
        return redirect("filing:court_document", message.court_document_id)
    if not message.attachment_key:
        raise Http404
    message_open(user=request.user, message=message)
    return document_response(message.attachment_key, filename=f"icms-message-{message.pk}.pdf")


@login_required
@require_GET
def case_file(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case_file = found_or_404(selectors.case_file_for_user, request.user, case_id)
    may_file = access.user_may_file_for_case(request.user, case_file.case)
    if case_file.case.status == Case.Status.DRAFT:
        messages.info(request, _("This case was never opened: its originating filing was returned."))
    return render(request, "filing/case_file.html", {"file": case_file, "may_file": may_file})
