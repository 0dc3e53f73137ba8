"""The filer's screens: file, acknowledgement and status, message box, case file, downloads."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.selectors import filing_eligibility
from icms.core.http import AuthenticatedHttpRequest, found_or_404
from icms.core.panels import panels
from icms.core.storage import document_response

from . import access, selectors
from .acknowledgement import submission_deemed
from .bulk.services import bulk_filing_organisation
from .models import Case, CaseType, MessageItem, Submission
from .services import (
    court_document_open,
    message_open,
)
from .services.summonses import summons_for_case
from .views_drafts import draft_form_page

logger = logging.getLogger(__name__)


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
            "may_bulk_file": bulk_filing_organisation(request.user) is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def file_in_case(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """The form of a filing in a case: it saves a draft, then the review page submits it."""
    case = found_or_404(access.case_for_user, request.user, case_id)
    if case.number is None:
        raise Http404  # nothing to file in before the case is accepted (the service refuses too)
    return draft_form_page(request, case_type=case.case_type, case=case)


@login_required
@require_http_methods(["GET", "POST"])
def start_case(request: AuthenticatedHttpRequest, prefix: str) -> HttpResponse:
    """The form of a new case: it saves a draft, then the review page submits it."""
    case_type = get_object_or_404(CaseType.objects.select_related("court"), prefix=prefix.upper())
    return draft_form_page(request, case_type=case_type)


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
        # Re-filings of a returned submission (the filing side's own, as every submission they see here).
        "refiled_as": (
            list(submission.refiled_as.exclude(status=Submission.Status.WITHDRAWN).order_by("received_at"))
            if filing_side
            else []
        ),
        "panels": panels("submission", submission=submission, user=request.user) if filing_side else [],
        "summons": summons_for_case(submission.case),
    }
    if request.headers.get("HX-Request"):
        return render(request, "filing/_submission_status.html", context)
    return render(request, "filing/submission.html", context)


@login_required
@require_GET
def submissions_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's submissions, newest first; ``q`` searches them (reference, your reference, case number)."""
    query = " ".join(request.GET.get("q", "").split())[:100]
    submissions = selectors.submissions_search(request.user, query)
    page = Paginator(submissions, 25).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "page_query": urlencode({"q": query}) if query else ""}
    return render(request, "filing/submissions.html", context)


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
    sealed_kinds = (
        MessageItem.Kind.DECISION,
        MessageItem.Kind.SEALED_COPY_REISSUED,
        MessageItem.Kind.OTHER_PARTY_FILING,
    )
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
    context = {
        "file": case_file,
        "may_file": may_file,
        # Later apps' parts of the case file (causebook: the hearings and the calendar link).
        "panels": panels("case_file", case=case_file.case, user=request.user),
        "summons": summons_for_case(case_file.case),
    }
    return render(request, "filing/case_file.html", context)
