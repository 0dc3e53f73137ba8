"""The filing flow: the form saves a draft, the review page submits it; withdrawal and re-filing.

``filing.views.start_case`` and ``file_in_case`` show the form for a new draft
(:func:`draft_form_page`); :func:`draft_edit` shows it again for a saved one. Every POST
of the form keeps the answers and stores the checked files in the draft, then "Save as
draft" stays and "Continue to review" goes to :func:`draft_review`, whose Submit files it.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import filing_eligibility
from icms.calendar import deemed_receipt
from icms.core.dates import format_named
from icms.core.http import AuthenticatedHttpRequest, client_ip, found_or_404
from icms.core.lookups import NotFound
from icms.core.panels import panels
from icms.core.storage import StorageUnavailable

from . import selectors
from .forms import NewCaseForm, SubmissionKeyForm, new_case_initial
from .forms_drafts import BaseDraftDocumentFormSet, DraftDocumentFormSet, FilingDetailsForm
from .models import Case, CaseType, SubmissionDraft
from .models.submissions import OPEN_STATUSES
from .pdf_checks import PdfRejected
from .services.draft_lookups import (
    draft_document_types,
    draft_documents,
    draft_for_user,
    drafts_for_user,
    key_holder,
    parties_acted_for,
)
from .services.drafts import (
    answers_from_post,
    draft_answers,
    draft_create,
    draft_discard,
    draft_document_remove,
    draft_problems,
    draft_save,
    draft_start,
    draft_submit,
    draft_uploads_check,
)
from .services.refiling import refile_check
from .services.submission_withdrawal import WithdrawalRefused, submission_withdraw
from .services.submissions import DocumentUpload, SubmissionRefused
from .services.summonses import summons_prosecutor_name

logger = logging.getLogger(__name__)


def _kept_until(draft: SubmissionDraft) -> str:
    return format_named(draft.expires_at, "DATETIME_FORMAT")


def _quiet(form: Any) -> None:
    """Show a saved draft's answers without judging them yet: errors show when the filer continues."""
    form._errors = ErrorDict()
    for part in getattr(form, "error_parts", ()):
        part._errors = [ErrorDict() for _form in part.forms]
        part._non_form_errors = part.error_class()
        for row in part.forms:
            row._errors = ErrorDict()


def _uploads(formset: BaseDraftDocumentFormSet) -> tuple[list[DocumentUpload], list[Any]]:
    uploads, forms = [], []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or not data.get("file"):
            continue
        upload = data["file"]
        uploads.append(DocumentUpload(data["document_type"], data["title"], upload, filename=upload.name))
        forms.append(form)
    return uploads, forms


def _replacements(
    request: AuthenticatedHttpRequest, draft: SubmissionDraft | None
) -> list[tuple[int, DocumentUpload]]:
    """Corrected files chosen for documents already in the draft ("replace-<id>"), with the old one's id."""
    if draft is None:
        return []
    found = []
    for document in draft_documents(draft):
        upload = request.FILES.get(f"replace-{document.pk}")
        if upload:
            found.append(
                (
                    document.pk,
                    DocumentUpload(document.document_type, document.title, upload, filename=upload.name or ""),
                )
            )
    return found


def _go(request: AuthenticatedHttpRequest, url: str) -> HttpResponse:
    """A redirect; to the form's script (upload.js) the URL to go to, so the page's message waits there."""
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        response = HttpResponse(status=200)
        response["X-Icms-Location"] = url
        return response
    return redirect(url)


def _page(request: AuthenticatedHttpRequest, context: dict[str, Any], status: int) -> HttpResponse:
    return render(request, "filing/file_form.html", context, status=status)


def draft_form_page(
    request: AuthenticatedHttpRequest,
    *,
    case_type: CaseType,
    case: Case | None = None,
    draft: SubmissionDraft | None = None,
) -> HttpResponse:
    """The filing form, for a new draft (``draft`` None) or a saved one; GET shows it, POST saves it."""
    user = request.user
    post = request.POST if request.method == "POST" else None
    key_form = SubmissionKeyForm(post) if draft is None else None
    if draft is None and post is not None and key_form is not None and key_form.is_valid():
        holder = key_holder(user=user, submission_key=key_form.cleaned_data["submission_key"])
        if holder.submission_reference is not None:  # this form was submitted already (a retry, a second tab)
            return _go(request, reverse("filing:submission", args=[holder.submission_reference]) + "?new=1")
        draft = holder.draft
    opens_case = case is None
    joining = draft is not None and draft.access_code_id is not None
    eligibility = filing_eligibility(user)
    bound = post if post is not None else (draft_answers(draft) if draft is not None else None)
    case_form = (
        NewCaseForm(bound, prefix="case", case_type=case_type, initial=new_case_initial(user)) if opens_case else None
    )
    adding_row = bool(case_form is not None and case_form.adding_row)
    document_types = draft_document_types(case_type=case_type, opens_case=opens_case, joining=joining)
    formset = DraftDocumentFormSet(
        None if adding_row else post,
        None if adding_row else (request.FILES or None),
        case_type=case_type,
        opens_case=opens_case,
        prefix="documents",
        document_types=document_types,
    )
    parties = parties_acted_for(user, case) if case is not None and not joining else None
    details_initial = {
        "filer_reference": draft.filer_reference if draft else "",
        "for_party": draft.for_party_id if draft else None,
    }
    if parties is not None and details_initial["for_party"] is None and parties.count() == 1:
        details_initial["for_party"] = parties.get().pk
    details_form = FilingDetailsForm(
        None if adding_row else post, initial=details_initial, parties=parties, prefix=None
    )
    context: dict[str, Any] = {
        # Worked out only if the form is shown again: a saved draft redirects without them
        # (the fee quote behind the panel cost more than storing a 10 MB file).
        "deemed_now": SimpleLazyObject(lambda: deemed_receipt(timezone.now())),
        "case_type": case_type,
        "case": case,
        "draft": draft,
        "stored_documents": draft_documents(draft) if draft is not None else [],
        "case_form": case_form,
        "formset": formset,
        "details_form": details_form,
        "eligibility": eligibility,
        "panels": SimpleLazyObject(lambda: panels("filing_form", case_type=case_type, user=user)),
        "key_form": key_form.fresh() if key_form is not None else None,
        "key_errors": [],
        "draft_days": _draft_days(),
        "kept_until": _kept_until(draft) if draft is not None else "",
    }
    if key_form is not None and key_form.is_bound and not key_form.is_valid():
        context["key_errors"] = list(key_form.errors.get("submission_key", []))
    if post is None:
        if case_form is not None and draft is not None:
            _quiet(case_form)
        return _page(request, context, 200)
    if adding_row:
        return _page(request, context, 200)
    if not eligibility.may_file or context["key_errors"] or not (formset.is_valid() and details_form.is_valid()):
        context["page_errors"] = bool(context["key_errors"])
        return _page(request, context, 400)

    uploads, upload_forms = _uploads(formset)
    replacements = _replacements(request, draft)
    uploads_all = uploads + [upload for _id, upload in replacements]
    try:
        checked = draft_uploads_check(draft=draft, uploads=uploads_all)
    except PdfRejected as rejected:
        index = getattr(rejected, "upload_index", None)
        if index is not None and index < len(upload_forms):
            upload_forms[index].add_error("file", rejected.user_message)
        else:
            context["key_errors"] = [rejected.user_message]
        context["page_errors"] = True
        return _page(request, context, 400)
    except SubmissionRefused as refused:
        context["key_errors"], context["page_errors"] = refused.messages, True
        return _page(request, context, 400)

    created = draft is None
    try:
        if draft is None:
            draft, added = draft_start(
                user=user,
                case_type=case_type,
                case=case,
                submission_key=key_form.cleaned_data["submission_key"] if key_form is not None else None,
                answers=answers_from_post(post),
                filer_reference=details_form.cleaned_data.get("filer_reference", ""),
                for_party=details_form.cleaned_data.get("for_party"),
                uploads=uploads_all,
                checked=checked,
            )
        else:
            added = draft_save(
                draft=draft,
                answers=answers_from_post(post),
                filer_reference=details_form.cleaned_data.get("filer_reference", ""),
                for_party=details_form.cleaned_data.get("for_party"),
                uploads=uploads_all,
                checked=checked,
                replacing=[old_id for old_id, _upload in replacements],
            )
    except StorageUnavailable:
        logger.exception("Document storage failed; the draft's files were not stored.")
        message = _(
            "Your documents could not be stored just now, so nothing was filed. Choose the files again "
            "and submit the form in a few minutes. If this keeps happening, contact the registry."
        )
        context["key_errors"], context["page_errors"] = [message], True
        return _page(request, context, 400)
    for old_id, _upload in replacements:
        draft_document_remove(draft=draft, document_id=old_id)
    edit_url = reverse("filing:draft_edit", args=[draft.pk])
    remove = post.get("remove", "")
    if remove.isdigit():
        removed = draft_document_remove(draft=draft, document_id=int(remove))
        if removed is not None:
            messages.success(request, _("Removed “%(title)s” from the draft.") % {"title": removed.title})
        return _go(request, edit_url)
    if post.get("step") == "save":
        messages.success(request, _("Draft saved. It will be kept until %(when)s HKT.") % {"when": _kept_until(draft)})
        return _go(request, edit_url)
    # "Continue to review": only a complete filing goes on; what is missing is said here.
    # A draft made by this POST holds just what it added (a new draft has nothing to replace).
    problems = draft_problems(draft, added if created else None)
    if (case_form is not None and not case_form.is_valid()) or problems:
        context.update(
            draft=draft,
            stored_documents=draft_documents(draft),
            kept_until=_kept_until(draft),
            key_form=None,
            # The files are in the draft now: fresh rows, so they are not stored twice.
            formset=DraftDocumentFormSet(
                case_type=case_type, opens_case=opens_case, prefix="documents", document_types=document_types
            ),
            key_errors=problems,
            page_errors=bool(problems),
        )
        return _page(request, context, 400)
    return _go(request, reverse("filing:draft_review", args=[draft.pk]))


def _draft_days() -> int:
    from django.conf import settings

    return int(settings.FILING_DRAFT_DAYS)


def _draft_case_type(draft: SubmissionDraft) -> CaseType:
    return CaseType.objects.select_related("court").get(pk=draft.case_type_id)


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request: AuthenticatedHttpRequest, draft_id: int) -> HttpResponse:
    """A saved draft's form: its answers, its documents (with "Remove"), and rows for more."""
    draft = found_or_404(draft_for_user, request.user, draft_id)
    return draft_form_page(request, case_type=_draft_case_type(draft), case=draft.case, draft=draft)


def _review_new_case(draft: SubmissionDraft) -> NewCaseForm | None:
    form = NewCaseForm(draft_answers(draft), prefix="case", case_type=draft.case_type)
    return form if not form.adding_row and form.is_valid() else None


def _submitted_already(request: AuthenticatedHttpRequest, submission_key: UUID) -> HttpResponse | None:
    """To the submission filed with this one-time key, if one was (a second Submit, a second tab)."""
    earlier = selectors.submission_for_key(user=request.user, submission_key=submission_key)
    if earlier is None:
        return None
    return redirect(reverse("filing:submission", args=[earlier.reference]) + "?new=1")


@login_required
@require_http_methods(["GET", "POST"])
def draft_review(request: AuthenticatedHttpRequest, draft_id: int) -> HttpResponse:
    """Everything the filing will say, the fee and the deemed time, before the final Submit."""
    try:
        draft = draft_for_user(request.user, draft_id)
    except NotFound as missing:
        # Submitted already (the draft is gone): a second Submit goes to the first submission.
        key = SubmissionKeyForm(request.POST) if request.method == "POST" else None
        if key is not None and key.is_valid():
            earlier = _submitted_already(request, key.cleaned_data["submission_key"])
            if earlier is not None:
                return earlier
        raise Http404 from missing
    edit_url = reverse("filing:draft_edit", args=[draft.pk])
    case_form = _review_new_case(draft) if draft.opens_case else None
    documents = draft_documents(draft)
    problems = draft_problems(draft, documents)
    if (draft.opens_case and case_form is None) or problems:
        # A Submit in another tab may have filed the draft, and removed its documents with it,
        # between reading the draft and reading its documents: go to that submission.
        earlier = _submitted_already(request, draft.submission_key) if request.method == "POST" else None
        if earlier is not None:
            return earlier
        messages.warning(request, _("Complete the form before you review the filing."))
        return redirect(edit_url)
    errors: list[str] = []
    if request.method == "POST":
        try:
            submission = draft_submit(
                draft=draft,
                user=request.user,
                ip_address=client_ip(request),
                new_case=case_form.new_case() if case_form is not None else None,
                documents=documents,
            )
        except PdfRejected as rejected:
            errors = [rejected.user_message]
        except SubmissionRefused as refused:
            errors = list(refused.messages)
        except StorageUnavailable:
            logger.exception("Document storage failed; the submission was not received.")
            errors = [_("The documents could not be read just now, so nothing was filed. Try again in a few minutes.")]
        else:
            return redirect(reverse("filing:submission", args=[submission.reference]) + "?new=1")
    now = timezone.now()
    new_case = case_form.new_case() if case_form is not None else None
    context = {
        "draft": draft,
        "case": draft.case,
        "case_type": _draft_case_type(draft),
        "new_case": new_case,
        # A summons's prosecutor is the filer's organisation (none: a private informant).
        "summons_prosecutor": summons_prosecutor_name(request.user) if new_case and new_case.summons else "",
        "documents": documents,
        "deemed_now": deemed_receipt(now),
        "fee": panels("draft_review", draft=draft, documents=documents, user=request.user),
        "edit_url": edit_url,
        "key_errors": errors,
        "page_errors": bool(errors),
        "kept_until": _kept_until(draft),
    }
    return render(request, "filing/draft_review.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def drafts_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's drafts, to resume or discard (POST ``discard``)."""
    if request.method == "POST":
        discard = request.POST.get("discard", "")
        if not discard.isdigit():
            raise Http404
        draft = found_or_404(draft_for_user, request.user, int(discard))
        draft_discard(draft=draft)
        messages.success(request, _("Draft discarded."))
        return redirect("filing:drafts")
    drafts = list(drafts_for_user(request.user)[:200])
    return render(request, "filing/drafts.html", {"drafts": drafts, "draft_days": _draft_days()})


# --- Withdrawal and re-filing -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def submission_withdraw_confirm(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """GET: what withdrawing means (the fee included); POST: withdraw. The filing side only (404 otherwise)."""
    submission = found_or_404(selectors.filing_side_submission_for_user, request.user, reference)
    page = reverse("filing:submission", args=[submission.reference])
    if request.user.is_staff:
        raise Http404
    if submission.status not in OPEN_STATUSES:
        messages.warning(request, _("This submission can no longer be withdrawn."))
        return redirect(page)
    if request.method == "POST":
        try:
            submission_withdraw(submission=submission, user=request.user, ip_address=client_ip(request))
        except WithdrawalRefused as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(
                request, _("Submission %(reference)s is withdrawn.") % {"reference": submission.reference}
            )
        return redirect(page)
    paid = bool(submission.payment_reference)
    return render(request, "filing/submission_withdraw.html", {"submission": submission, "paid": paid})


@login_required
@require_POST
def submission_refile(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """ "Correct and file again": a draft prefilled from the returned submission, then its form."""
    returned = found_or_404(selectors.filing_side_submission_for_user, request.user, reference)
    try:
        refile_check(user=request.user, returned=returned)
    except SubmissionRefused as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("filing:submission", returned.reference)
    case = returned.case if not returned.opens_case else None
    draft = draft_create(
        user=request.user,
        case_type=returned.case.case_type,
        case=case,
        for_party=returned.for_party,
        access_code=returned.access_code,
        refiles=returned,
    )
    return redirect("filing:draft_edit", draft.pk)
