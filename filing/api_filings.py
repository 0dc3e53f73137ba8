"""The write side of the filing API: start a case or file into one, add documents, submit; and downloads.

A filing is made in steps, as on the web, and through the same services:

1. ``POST /api/v1/filings`` makes a *filing in progress* (the web form's draft) for a new case or
   a case of yours, checked by the web form's own forms (:mod:`filing.api_filing_input`);
2. ``POST /api/v1/filings/{filing_id}/documents`` adds one PDF (multipart), checked by
   :func:`~filing.services.drafts.draft_uploads_check` before it is stored: the web form's checks
   and messages;
3. ``POST /api/v1/filings/{filing_id}/submit`` files it (ECF ReviewFiling), through
   :func:`~filing.services.drafts.draft_submit` and so ``submission_create``.

Why steps rather than one multipart POST: a submission may carry ten documents of up to 30 MB
each; one request per document keeps each request small enough to retry, tells which file a
refusal is about, and is exactly the web's flow, so there is one set of rules. Every POST
takes an ``Idempotency-Key`` (:mod:`accounts.api_idempotency`). Every lookup is the token
user's own: anything else is a 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import ConfigDict

from accounts.api_auth import ApiTokenAuth
from accounts.api_idempotency import HEADER, IDEMPOTENCY_HEADER, idempotent
from accounts.models import User
from accounts.selectors import filing_eligibility
from icms.core.api_errors import errors
from icms.core.http import client_ip
from icms.core.lookups import NotFound
from icms.core.storage import StorageUnavailable, document_response

from .acknowledgement import acknowledgement_current, acknowledgement_facts
from .api import SubmissionOut, hkt, submission_out
from .api_filing_input import (
    CASE_PREFIX,
    CaseIn,
    FieldError,
    PartyRefIn,
    filing_details_checked,
    new_case_form_checked,
    refused_body,
)
from .case_numbers.numbering import case_for_user_by_number
from .forms import DocumentForm, NewCaseForm
from .models import CaseType, DraftDocument, SubmissionDraft
from .pdf_checks import PdfRejected
from .selectors import document_for_user, filing_side_submission_for_user
from .services.draft_lookups import (
    draft_document_types,
    draft_documents,
    draft_for_key,
    draft_for_user,
    parties_acted_for,
)
from .services.drafts import (
    answers_from_post,
    draft_answers,
    draft_create,
    draft_problems,
    draft_save,
    draft_submit,
    draft_uploads_check,
)
from .services.submissions import DocumentUpload, SubmissionRefused

router = Router(tags=["filing"])
FILE_SCOPE = ApiTokenAuth(scope="file")
READ_SCOPE = ApiTokenAuth(scope="read")
MAX_ID = 2**63 - 1
# Keys of filings in progress made through the API: the same user and Idempotency-Key, the same draft.
_DRAFT_KEYS = uuid.UUID("6f1f0c3e-5d0b-4f1e-9a51-0c1d2e3f4a5b")


class ApiRequest(HttpRequest):
    auth: User


class FilingIn(Schema):
    """A filing to prepare: a new case (``case_type`` and ``case``) or a filing in a case (``case_tracking_id``)."""

    #: ECF CaseCategoryCode: the case type's prefix, such as ``DCCJ``, to start a new case.
    case_type: str = ""
    case: CaseIn | None = None
    #: ECF CaseTrackingID: the number of a case of yours to file into, such as ``DCCJ 1204/2026``.
    case_tracking_id: str = ""
    #: Your own reference (client and matter), up to 60 characters.
    filer_reference: str = ""
    #: The party the filing is for, in a case where you act for more than one.
    filed_for: PartyRefIn | None = None


class FilingDocumentOut(Schema):
    """A document of a filing in progress (ECF FilingLeadDocument or FilingConnectedDocument)."""

    document_identification: int
    ordinal: int
    document_type: str
    title: str
    original_filename: str
    sha256: str
    size: int
    pages: int
    filing_lead_document: bool
    fee_item: str


class PartyRefOut(Schema):
    side: str
    ordinal: int


class FilingOut(Schema):
    filing_id: int
    status: str
    opens_case: bool
    case_type: str
    case_tracking_id: str | None
    filer_reference: str
    filed_for: PartyRefOut | None
    documents: list[FilingDocumentOut]
    #: What is still missing before it can be submitted, in words; empty when ready.
    problems: list[str]
    #: The fee items its documents carry: quote them with GET /api/v1/fees/quote (ECF GetFeesCalculation).
    fee_items: list[str]
    expires_at: str


def _refused(found: list[tuple[str, str]], status: int = 400) -> JsonResponse:
    return JsonResponse(refused_body(found), status=status)


def _document_out(document: DraftDocument) -> FilingDocumentOut:
    return FilingDocumentOut(
        document_identification=document.pk,
        ordinal=document.ordinal,
        document_type=document.document_type.code,
        title=document.title,
        original_filename=document.original_filename,
        sha256=document.sha256,
        size=document.size,
        pages=document.pages,
        filing_lead_document=document.document_type.starts_case,
        fee_item=document.document_type.fee_item_code,
    )


def _problems(draft: SubmissionDraft) -> list[str]:
    problems = draft_problems(draft)
    if draft.opens_case:
        form = NewCaseForm(draft_answers(draft), prefix=CASE_PREFIX, case_type=draft.case_type)
        if form.adding_row or not form.is_valid():
            problems.insert(0, _("Complete the case's details before you submit."))
    return problems


def _filing_out(draft: SubmissionDraft) -> FilingOut:
    documents = draft_documents(draft)
    party = draft.for_party
    return FilingOut(
        filing_id=draft.pk,
        status="draft",
        opens_case=draft.opens_case,
        case_type=draft.case_type.prefix,
        case_tracking_id=draft.case.case_number if draft.case is not None else None,
        filer_reference=draft.filer_reference,
        filed_for=PartyRefOut(side=party.side, ordinal=party.ordinal) if party is not None else None,
        documents=[_document_out(d) for d in documents],
        problems=_problems(draft),
        fee_items=[d.document_type.fee_item_code for d in documents if d.document_type.fee_item_code],
        expires_at=hkt(draft.expires_at) or "",
    )


def _may_file(user: User) -> None:
    eligibility = filing_eligibility(user)
    if not eligibility.may_file:
        raise HttpError(403, str(eligibility.reason))


@router.post(
    "/filings",
    response={201: FilingOut, **errors(400, 401, 403, 404, 409, 422, 429)},
    auth=FILE_SCOPE,
    openapi_extra=IDEMPOTENCY_HEADER,
    operation_id="filing_start",
    url_name="api_filings",
)
@idempotent
def filing_start(request: ApiRequest, body: FilingIn) -> Any:
    """Start a filing (the first step of ECF ReviewFiling): a new case with its parties, or a filing in a case.

    Checked as the web form checks it; a refusal lists every field's message with its path.
    Add the documents next, then submit.
    """
    user = request.auth
    _may_file(user)
    if bool(body.case_type.strip()) == bool(body.case_tracking_id.strip()):
        return _refused(
            [("case_type", _("Give either case_type, to start a case, or case_tracking_id, to file in one."))]
        )
    key = uuid.uuid5(_DRAFT_KEYS, f"{user.pk}:{request.headers.get(HEADER, '')}")
    earlier = draft_for_key(user=user, submission_key=key)
    if earlier is not None:
        return Status(201, _filing_out(earlier))
    try:
        if body.case_type.strip():
            case_type = CaseType.objects.select_related("court").filter(prefix=body.case_type.strip().upper()).first()
            if case_type is None:
                return _refused([("case_type", _("There is no such case type. Give its prefix, such as DCCJ."))])
            if body.case is None:
                return _refused([("case", _("Give the case's details: its nature and its parties."))])
            answers = answers_from_post(new_case_form_checked(body.case, case_type))
            details = filing_details_checked(filer_reference=body.filer_reference, filed_for=None, parties=None)
            case = None
        else:
            if body.case is not None:
                return _refused([("case", _("A filing in an existing case gives no case details."))])
            case = case_for_user_by_number(user, body.case_tracking_id)
            if case.number is None:
                raise NotFound("case number")
            case_type, answers = case.case_type, {}
            details = filing_details_checked(
                filer_reference=body.filer_reference, filed_for=body.filed_for, parties=parties_acted_for(user, case)
            )
    except FieldError as refused:
        return _refused(refused.errors)
    draft = draft_create(user=user, case_type=case_type, case=case, submission_key=key)
    draft_save(
        draft=draft,
        answers=answers,
        filer_reference=details.cleaned_data.get("filer_reference", ""),
        for_party=details.cleaned_data.get("for_party"),
    )
    return Status(201, _filing_out(draft_for_user(user, draft.pk)))


@router.get(
    "/filings/{filing_id}",
    response={200: FilingOut, **errors(400, 401, 403, 404, 422)},
    auth=FILE_SCOPE,
    operation_id="filing_get",
    url_name="api_filing",
)
def filing_get(request: ApiRequest, filing_id: int = Path(..., ge=1, le=MAX_ID)) -> FilingOut:  # type: ignore[type-arg]
    """A filing in progress: its documents, what it still lacks, and the fee items to quote."""
    return _filing_out(draft_for_user(request.auth, filing_id))


@router.post(
    "/filings/{filing_id}/documents",
    response={201: FilingDocumentOut, **errors(400, 401, 403, 404, 409, 422, 429, 503)},
    auth=FILE_SCOPE,
    openapi_extra=IDEMPOTENCY_HEADER,
    operation_id="filing_document_add",
    url_name="api_filing_documents",
)
@idempotent
def filing_document_add(
    request: ApiRequest,
    filing_id: int = Path(..., ge=1, le=MAX_ID),  # type: ignore[type-arg]
    document_type: str = Form(""),  # type: ignore[type-arg]
    title: str = Form(""),  # type: ignore[type-arg]
    file: UploadedFile | None = File(None),  # type: ignore[type-arg]  # noqa: B008 - ninja's multipart file
) -> Any:
    """Add one PDF to a filing in progress (multipart: ``document_type`` code, ``title``, ``file``).

    The file is checked before anything is stored, with the web form's checks and messages
    (type, parse, encryption, scripts, size, pages). The same file with the same type and
    title again is not added twice.
    """
    draft = draft_for_user(request.auth, filing_id)
    types = draft_document_types(
        case_type=draft.case_type, opens_case=draft.opens_case, joining=draft.access_code_id is not None
    )
    chosen = types.filter(code=document_type.strip()).first()
    form = DocumentForm(
        {"document_type": str(chosen.pk) if chosen else document_type[:50], "title": title},
        {"file": file} if file is not None else {},
        case_type=draft.case_type,
        opens_case=draft.opens_case,
    )
    form.fields["document_type"].queryset = types  # type: ignore[attr-defined]
    if not form.is_valid():
        return _refused([(field, str(m)) for field, messages in form.errors.items() for m in messages])
    uploaded = form.cleaned_data["file"]  # the form requires it
    upload = DocumentUpload(
        form.cleaned_data["document_type"], form.cleaned_data["title"], uploaded, filename=uploaded.name or ""
    )
    try:
        checked = draft_uploads_check(draft=draft, uploads=[upload])
        added = draft_save(draft=draft, answers=None, uploads=[upload], checked=checked)
    except PdfRejected as rejected:
        return _refused([("file", str(rejected.user_message))])
    except SubmissionRefused as refused:
        return _refused([("file", str(message)) for message in refused.messages])
    except StorageUnavailable:
        raise HttpError(
            503, _("Your document could not be stored just now, so nothing was added. Try again in a few minutes.")
        ) from None
    if not added:  # the same file, type and title already in the filing
        info = checked[0]
        added = [
            d
            for d in draft_documents(draft)
            if d.sha256 == info.sha256 and d.document_type_id == upload.document_type.pk
        ][:1]
    return Status(201, _document_out(added[0]))


@router.post(
    "/filings/{filing_id}/submit",
    response={201: SubmissionOut, **errors(400, 401, 403, 404, 409, 422, 429, 503)},
    auth=FILE_SCOPE,
    openapi_extra=IDEMPOTENCY_HEADER,
    operation_id="ReviewFiling",
    url_name="api_filing_submit",
)
@idempotent
def filing_submit(request: ApiRequest, filing_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:  # type: ignore[type-arg]
    """File it (ECF ReviewFiling): received now, deemed received by the registry calendar's rule.

    Answers with the submission's status, as GET /api/v1/submissions/{reference} does. The fee
    is then due: pay it with POST /api/v1/submissions/{reference}/payment.
    """
    user = request.auth
    draft = draft_for_user(user, filing_id)
    problems = _problems(draft)
    if problems:
        return _refused([("filing", problem) for problem in problems])
    try:
        submission = draft_submit(draft=draft, user=user, ip_address=client_ip(request))
    except PdfRejected as rejected:
        return _refused([("documents", str(rejected.user_message))])
    except SubmissionRefused as refused:
        return _refused([("filing", str(message)) for message in refused.messages])
    except StorageUnavailable:
        raise HttpError(
            503, _("The documents could not be read just now, so nothing was filed. Try again in a few minutes.")
        ) from None
    return Status(201, submission_out(user, submission))


# --- The filer's copies: acknowledgement and sealed copies -----------------------------------


class JsonFacts(Schema):
    """The acknowledgement's facts (docs/api.md lists every field)."""

    document_kind: str
    filing_id: str
    version: int
    case_tracking_id: str | None
    received_at: dict[str, str]
    deemed_received_at: dict[str, str] | None
    deemed_rule: str
    deemed_rule_explanation: dict[str, str]
    documents: list[dict[str, Any]]

    model_config = ConfigDict(extra="allow")


@router.get(
    "/submissions/{ref}/acknowledgement",
    response={200: JsonFacts, **errors(400, 401, 403, 404, 422)},
    auth=READ_SCOPE,
    operation_id="acknowledgement_get",
    url_name="api_acknowledgement",
)
def acknowledgement_json(request: ApiRequest, ref: str) -> Any:
    """The acknowledgement as JSON, with the PDF's facts: SHA-256 of each document, DRNs once sealed,
    received and deemed times, and the deemed-receipt rule. The filing side only."""
    submission = filing_side_submission_for_user(request.auth, ref)
    version = acknowledgement_current(submission)
    if version is None:
        raise NotFound("acknowledgement")
    # As it is, not filtered through the schema: the same bytes as the page's "Download as JSON".
    return JsonResponse(acknowledgement_facts(submission, version=version), json_dumps_params={"ensure_ascii": False})


@router.get(
    "/submissions/{ref}/acknowledgement.pdf",
    response={200: None, **errors(400, 401, 403, 404, 409, 422)},
    auth=READ_SCOPE,
    operation_id="acknowledgement_pdf",
    url_name="api_acknowledgement_pdf",
    openapi_extra={"responses": {"200": {"description": "The PDF", "content": {"application/pdf": {}}}}},
)
def acknowledgement_pdf(request: ApiRequest, ref: str) -> HttpResponseBase:
    """The acknowledgement PDF (the filing side only). 409 while it is still being made: try again shortly."""
    submission = filing_side_submission_for_user(request.auth, ref)
    if not submission.acknowledgement_key:
        raise HttpError(409, _("The acknowledgement is being prepared. Try again in a moment."))
    return document_response(submission.acknowledgement_key, filename=f"acknowledgement-{submission.reference}.pdf")


@router.get(
    "/submissions/{ref}/documents/{ordinal}/sealed.pdf",
    response={200: None, **errors(400, 401, 403, 404, 422)},
    auth=READ_SCOPE,
    operation_id="sealed_copy_pdf",
    url_name="api_sealed_copy",
    openapi_extra={"responses": {"200": {"description": "The sealed copy", "content": {"application/pdf": {}}}}},
)
def sealed_copy_pdf(request: ApiRequest, ref: str, ordinal: int = Path(..., ge=1, le=1000)) -> HttpResponseBase:  # type: ignore[type-arg]
    """The sealed copy of a document of an accepted submission (ECF GetDocument). 404 until it is sealed."""
    submission = filing_side_submission_for_user(request.auth, ref)
    found = submission.documents.filter(ordinal=ordinal).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound("document")
    document = document_for_user(request.auth, found)
    if not document.sealed_storage_key:
        raise NotFound("sealed copy")
    return document_response(document.sealed_storage_key, filename=f"{document.drn or document.pk}-sealed.pdf")
