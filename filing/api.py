"""Filing endpoints of the JSON API: filing status, case look-up (token) and verification (public).

Paths and field names are a contract (issue 5). Times are ISO 8601 in Hong Kong time
(+08:00). Case data goes through the access policy: anything the token's user may
not act for is a 404, the same 404 as for something that does not exist. Without a
token the caller is the public, who may only verify.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from accounts.api_auth import ApiTokenAuth
from icms.core.api_errors import errors
from icms.core.time import HONG_KONG

from .access import AnyUser, user_is_on_filing_side
from .acknowledgement import submission_deemed
from .case_numbers.numbering import case_for_user_by_number
from .models import Case, CourtDocument, Party, Submission
from .ratelimit import verify_rate_limited
from .sealing import drn_normalize
from .selectors import case_file_for_user, submission_for_user, verify_document
from .services.summonses import summons_for_case

router = Router(tags=["filing"])


class ApiRequest(HttpRequest):
    """A request after :class:`~accounts.api_auth.ApiTokenAuth`: ``auth`` is the token's user, or the public."""

    auth: AnyUser


token_or_public = ApiTokenAuth(public=True)
SHA256 = re.compile(r"[0-9a-f]{64}")


class ErrorOut(Schema):
    detail: str


class SubmissionDocumentOut(Schema):
    #: The document's place in the submission (1, 2, ...): its download paths use it.
    ordinal: int = 0
    title: str
    type: str
    type_name_en: str
    type_name_zh: str
    sha256: str
    pages: int
    drn: str | None
    sealed_sha256: str | None
    # Set when the registry withdrew the document from view: it can no longer be opened.
    withdrawn_at: str | None = None


class DecisionOut(Schema):
    outcome: str
    decided_at: str | None
    reason_code: str | None
    reason_en: str | None
    reason_zh: str | None
    note: str


class AcknowledgementOut(Schema):
    """One version of the acknowledgement: the deemed receipt it states and why it changed."""

    version: int
    current: bool
    deemed_received_at: str | None
    deemed_rule: str
    reason_en: str
    reason_zh: str
    sha256: str | None


class SubmissionOut(Schema):
    reference: str
    status: str
    case_number: str | None
    opens_case: bool
    received_at: str
    deemed_received_at: str | None
    deemed_rule: str
    #: The filer's own reference (client and matter): the filing side's only, "" for the other parties.
    filer_reference: str = ""
    documents: list[SubmissionDocumentOut]
    decision: DecisionOut | None
    #: The filing side's only (empty for the other parties): every version, newest first.
    acknowledgements: list[AcknowledgementOut]
    #: OASIS LegalXML ECF 5 FilingReviewStatusCode: received, accepted, rejected (returned) or cancelled (withdrawn).
    filing_status_code: str = ""
    #: The rule that produced the deemed time, in words (as on the acknowledgement).
    deemed_rule_explanation_en: str = ""
    deemed_rule_explanation_zh: str = ""


#: Our submission status -> ECF 5 FilingReviewStatusCode (docs/api.md).
FILING_STATUS_CODES: dict[str, str] = {
    Submission.Status.RECEIVED: "received",
    Submission.Status.UNDER_REVIEW: "received",
    Submission.Status.ACCEPTED: "accepted",
    Submission.Status.RETURNED: "rejected",
    Submission.Status.WITHDRAWN: "cancelled",
}


class CourtOut(Schema):
    code: str
    name_en: str
    name_zh: str


class CaseTypeOut(Schema):
    prefix: str
    name_en: str
    name_zh: str


class CasePartyOut(Schema):
    side: str
    ordinal: int
    role_en: str
    role_zh: str
    kind: str
    name_en: str
    name_zh: str


class CaseDocumentOut(Schema):
    origin: str
    title: str
    type: str
    status: str
    date: str | None
    drn: str | None
    sha256: str
    pages: int
    withdrawn_at: str | None = None


class ProsecutorOut(Schema):
    name_en: str
    name_zh: str


class SummonsOut(Schema):
    """What a summons carries; ``prosecutor`` is null for a private informant, and ``return_at``
    and ``courtroom`` are null until the registry accepts the summons and allots them."""

    offence_en: str
    offence_zh: str
    ordinance: str
    section: str
    offence_date: str
    offence_place: str
    prosecutor: ProsecutorOut | None
    officer_reference: str
    department_reference: str
    return_at: str | None
    courtroom: str | None


class CaseDetailOut(Schema):
    case_number: str
    court: CourtOut
    type: CaseTypeOut
    status: str
    nature_en: str
    nature_zh: str
    issued_at: str | None
    parties: list[CasePartyOut]
    documents: list[CaseDocumentOut]
    # A summons case's offence, prosecutor and return day (issue 15); null for any other case.
    summons: SummonsOut | None = None


class VerificationOut(Schema):
    match: bool
    case_number: str | None
    document_type_en: str | None
    document_type_zh: str | None
    issued_by_court: bool | None
    sealed: bool | None


def hkt(value: datetime | None) -> str | None:
    """ISO 8601 in Hong Kong time, such as ``2026-11-25T09:00:00+08:00``."""
    return value.astimezone(HONG_KONG).isoformat() if value is not None else None


def _decision(submission: Submission) -> DecisionOut | None:
    if submission.is_open:
        return None
    reason = submission.return_reason
    return DecisionOut(
        outcome=submission.status,
        decided_at=hkt(submission.decided_at),
        reason_code=reason.code if reason else None,
        reason_en=reason.name_en if reason else None,
        reason_zh=reason.name_zh if reason else None,
        note=submission.return_note,
    )


@router.get(
    "/submissions/{ref}",
    response={200: SubmissionOut, **errors(400, 401, 403, 404, 422)},
    auth=token_or_public,
    url_name="api_submission",
)
def submission_status(request: ApiRequest, ref: str) -> SubmissionOut:
    """Filing status (ECF GetFilingStatus): received and deemed times and rule, each document's hash and DRN,
    and the decision."""
    return submission_out(request.auth, submission_for_user(request.auth, ref))


def submission_out(user: AnyUser, submission: Submission) -> SubmissionOut:
    """A submission as ``user`` may see it (the filing side sees its reference and acknowledgements)."""
    documents = submission.documents.select_related("document_type").order_by("ordinal")
    filing_side = user_is_on_filing_side(user, submission)
    deemed = submission_deemed(submission)
    return SubmissionOut(
        reference=submission.reference,
        status=submission.status,
        case_number=submission.case.case_number or None,
        opens_case=submission.opens_case,
        received_at=hkt(submission.received_at) or "",
        deemed_received_at=hkt(submission.deemed_received_at),
        deemed_rule=submission.deemed_rule,
        filer_reference=submission.filer_reference if filing_side else "",
        documents=[
            SubmissionDocumentOut(
                ordinal=d.ordinal,
                title=d.title,
                type=d.document_type.code,
                type_name_en=d.document_type.name_en,
                type_name_zh=d.document_type.name_zh,
                sha256=d.sha256,
                pages=d.pages,
                drn=d.drn,
                sealed_sha256=d.sealed_sha256 or None,
                withdrawn_at=hkt(d.withdrawn_at),
            )
            for d in documents
        ],
        decision=_decision(submission),
        acknowledgements=_acknowledgements(submission) if filing_side else [],
        filing_status_code=FILING_STATUS_CODES.get(submission.status, submission.status),
        deemed_rule_explanation_en=deemed.explanation_en,
        deemed_rule_explanation_zh=deemed.explanation_zh,
    )


def _acknowledgements(submission: Submission) -> list[AcknowledgementOut]:
    versions = submission.acknowledgement_versions.order_by("-version")
    return [
        AcknowledgementOut(
            version=v.version,
            current=index == 0,
            deemed_received_at=hkt(v.deemed_received_at),
            deemed_rule=v.deemed_rule,
            reason_en=v.reason_en,
            reason_zh=v.reason_zh,
            sha256=v.sha256 or None,
        )
        for index, v in enumerate(versions)
    ]


def _party(party: Party, case: Case) -> CasePartyOut:
    role_en, role_zh = case.case_type.role_names(party.side)
    return CasePartyOut(
        side=party.side,
        ordinal=party.ordinal,
        role_en=role_en,
        role_zh=role_zh,
        kind=party.kind,
        name_en=party.name_en,
        name_zh=party.name_zh,
    )


def _summons(case: Case) -> SummonsOut | None:
    details = summons_for_case(case)
    if details is None:
        return None
    prosecutor = details.prosecutor
    return SummonsOut(
        offence_en=details.offence_en,
        offence_zh=details.offence_zh,
        ordinance=details.ordinance,
        section=details.section,
        offence_date=details.offence_date.isoformat(),
        offence_place=details.offence_place,
        prosecutor=ProsecutorOut(name_en=prosecutor.name_en, name_zh=prosecutor.name_zh) if prosecutor else None,
        officer_reference=details.officer_reference,
        department_reference=details.department_reference,
        return_at=hkt(details.return_at),
        courtroom=details.courtroom or None,
    )


def _court_document(document: CourtDocument) -> CaseDocumentOut:
    return CaseDocumentOut(
        origin="court",
        title=document.title,
        type=document.kind,
        status="issued",
        date=hkt(document.issued_at),
        drn=document.drn,
        sha256=document.sealed_sha256,
        pages=document.pages,
    )


@router.get(
    "/cases/{path:case_number}",
    response={200: CaseDetailOut, **errors(400, 401, 403, 404, 422)},
    auth=token_or_public,
    url_name="api_case",
)
def case_detail(request: ApiRequest, case_number: str) -> CaseDetailOut:
    """A case by its number (``DCCJ 1204/2026``, URL-encoded): parties with roles, and documents with status."""
    case = case_for_user_by_number(request.auth, case_number)
    case_file = case_file_for_user(request.auth, case.pk)
    court = case.case_type.court
    filed = [
        CaseDocumentOut(
            origin="filed",
            title=document.title,
            type=document.document_type.code,
            status=submission.status,
            date=hkt(submission.deemed_received_at or submission.received_at),
            drn=document.drn,
            sha256=document.sha256,
            pages=document.pages,
            withdrawn_at=hkt(document.withdrawn_at),
        )
        for submission in case_file.submissions
        for document in submission.documents.all()
    ]
    return CaseDetailOut(
        case_number=case.case_number,
        court=CourtOut(code=court.code, name_en=court.name_en, name_zh=court.name_zh),
        type=CaseTypeOut(prefix=case.case_type.prefix, name_en=case.case_type.name_en, name_zh=case.case_type.name_zh),
        status=case.status,
        nature_en=case.nature_en,
        nature_zh=case.nature_zh,
        issued_at=hkt(case.issued_at),
        parties=[_party(party, case) for party in case_file.parties],
        documents=filed + [_court_document(d) for d in case_file.court_documents],
        summons=_summons(case),
    )


@router.get(
    "/verify",
    response={200: VerificationOut, **errors(400, 422, 429)},
    auth=None,
    url_name="api_verify",
)
def verify(request: HttpRequest, sha256: str = "", drn: str = "") -> VerificationOut:
    """Public: does a SHA-256 or a DRN match a document the court sealed or issued? Case number and type only."""
    if verify_rate_limited(request):
        raise HttpError(429, "Too many checks from your address. Wait a minute and try again.")
    sha256, drn = sha256.strip().lower(), drn.strip()
    if bool(sha256) == bool(drn):
        raise HttpError(400, "Give either sha256 or drn.")
    if sha256 and not SHA256.fullmatch(sha256):
        raise HttpError(400, "sha256 must be 64 hexadecimal digits.")
    if drn:
        try:
            drn = drn_normalize(drn)
        except ValueError:
            raise HttpError(400, "drn is not a valid document reference number: check the 12 digits.") from None
    found = verify_document(drn=drn, sha256=sha256)
    if found is None:
        return VerificationOut(
            match=False,
            case_number=None,
            document_type_en=None,
            document_type_zh=None,
            issued_by_court=None,
            sealed=None,
        )
    return VerificationOut(
        match=True,
        case_number=found.case_number,
        document_type_en=found.document_kind_en,
        document_type_zh=found.document_kind_zh,
        issued_by_court=found.issued_by_court,
        sealed=found.sealed,
    )
