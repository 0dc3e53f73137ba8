"""Reads of filing data, each scoped to what the user may see (a 404 otherwise).

Submissions and filed documents go through :func:`filing.access.submissions_visible_to`:
the filing side sees its own filings in every status, the other parties only once
accepted, and only the filing side gets the acknowledgement.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Case as CaseWhen
from django.db.models import CharField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import translation

from accounts.models import User
from accounts.selectors import is_staff_user
from icms.core.lookups import NotFound

from .access import AnyUser, cases_visible_to, filing_side_submissions, submissions_visible_to
from .case_numbers import parse_case_number
from .describers import court_document_described
from .models import Case, CourtDocument, Document, MessageItem, Party, Submission
from .models.submissions import OPEN_STATUSES
from .sealing import drn_normalize


def submissions_for_user(user: AnyUser) -> QuerySet[Submission]:
    """Submissions the user may see: their side's in any status, the other parties' once accepted."""
    return submissions_visible_to(user).select_related("case__case_type__court", "submitted_by")


def your_reference(user: AnyUser, *, submission: str = "") -> CaseWhen:
    """An annotation: the filer's own reference of the submission, if ``user`` is on its filing side, else "".

    The reference is the filing side's business (their client and matter), never shown to
    the other parties. ``submission`` is the path from the queried model to the
    submission, such as ``"submission"`` for a message; empty for a submission itself.
    """
    pk = OuterRef(f"{submission}__pk") if submission else OuterRef("pk")
    field = f"{submission}__filer_reference" if submission else "filer_reference"
    on_filing_side = Exists(filing_side_submissions(user).filter(pk=pk))
    return CaseWhen(When(on_filing_side, then=F(field)), default=Value(""), output_field=CharField())


def submissions_search(user: AnyUser, query: str = "") -> QuerySet[Submission]:
    """The submissions ``user`` may see, each with ``your_reference``, matching ``query`` if given.

    A query matches a submission's reference (``ES-…``, or part of it), the filer's own
    reference (any part, any letter case; the filing side's own submissions only) or
    its case number in any spelling :func:`~filing.case_numbers.parse_case_number` reads
    (``dccj 12/2026``; without the year, every year). Newest first.
    """
    submissions = submissions_for_user(user).annotate(your_reference=your_reference(user))
    text = " ".join(query.split())
    if text:
        matches = Q(reference__icontains=text) | Q(your_reference__icontains=text)
        case_number = parse_case_number(text)
        if case_number is not None:
            matches |= case_number.as_filter("case__")
        submissions = submissions.filter(matches)
    return submissions.order_by("-received_at", "-pk")


def submission_for_user(user: AnyUser, reference: str) -> Submission:
    try:
        return submissions_for_user(user).get(reference=reference.strip().upper())
    except Submission.DoesNotExist:
        raise NotFound from None


def filing_side_submission_for_user(user: AnyUser, reference: str) -> Submission:
    """A submission made by the side ``user`` acts for (or any, for staff): for its acknowledgement. 404 otherwise."""
    try:
        return (
            filing_side_submissions(user)
            .select_related("case__case_type__court", "submitted_by")
            .get(reference=reference.strip().upper())
        )
    except Submission.DoesNotExist:
        raise NotFound from None


def submission_for_key(*, user: AnyUser, submission_key: UUID) -> Submission | None:
    """The submission ``user`` made with the one-time ``submission_key``, if any.

    Only the user's own: a key another user sent is not found, so it reveals nothing.
    """
    if not user.is_authenticated:
        return None
    return Submission.objects.filter(submitted_by_id=user.pk, submission_key=submission_key).first()


def queue_position(submission: Submission) -> int | None:
    """How many open submissions the registry will review before this one (by deemed receipt)."""
    if submission.status not in OPEN_STATUSES:
        return None
    ahead = Submission.objects.filter(status__in=OPEN_STATUSES).exclude(pk=submission.pk)
    if submission.deemed_received_at is None:
        # Pending receipt waits behind everything already deemed received.
        return ahead.filter(Q(deemed_received_at__isnull=False) | Q(received_at__lt=submission.received_at)).count()
    return ahead.filter(
        Q(deemed_received_at__lt=submission.deemed_received_at)
        | Q(deemed_received_at=submission.deemed_received_at, received_at__lt=submission.received_at)
    ).count()


def messages_for_user(user: User) -> QuerySet[MessageItem]:
    """The user's messages, newest first, each with ``your_reference`` (their own reference of its submission)."""
    return (
        MessageItem.objects.filter(recipient=user)
        .select_related("submission", "court_document__case__case_type")
        .annotate(your_reference=your_reference(user, submission="submission"))
        .order_by("-created_at", "-id")
    )


def message_for_user(user: User, message_id: int) -> MessageItem:
    try:
        return messages_for_user(user).get(pk=message_id)
    except MessageItem.DoesNotExist:
        raise NotFound from None


def unread_count(user: User) -> int:
    return MessageItem.objects.filter(recipient=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class CaseFile:
    case: Case
    parties: list[Party]
    submissions: list[Submission]
    court_documents: list[CourtDocument]


def case_file_for_user(user: AnyUser, case_id: int) -> CaseFile:
    """The case file for someone entitled: parties, filed documents with status, court documents.

    The filings listed are those the user may see: their own side's in every status, the
    other parties' only once accepted.
    """
    try:
        case = cases_visible_to(user).select_related("case_type__court").get(pk=case_id)
    except Case.DoesNotExist:
        raise NotFound from None
    documents = Document.objects.select_related("document_type").order_by("ordinal")
    submissions = list(
        submissions_visible_to(user)
        .filter(case=case)
        .select_related("submitted_by", "return_reason")
        .prefetch_related(Prefetch("documents", queryset=documents))
        .order_by("-received_at")
    )
    return CaseFile(
        case=case,
        parties=list(case.parties.select_related("representative").order_by("side", "ordinal")),
        submissions=submissions,
        court_documents=list(case.court_documents.order_by("-issued_at")),
    )


def document_for_user(user: AnyUser, document_id: int) -> Document:
    """A filed document the user may open: their side's in any status, the other parties' once
    accepted; one withdrawn from view only by staff (filing/services/withdrawal.py)."""
    documents = Document.objects.select_related("submission__case__case_type", "document_type")
    if not is_staff_user(user):
        documents = documents.filter(withdrawn_at__isnull=True)
    try:
        return documents.get(pk=document_id, submission__in=submissions_visible_to(user))
    except Document.DoesNotExist:
        raise NotFound from None


def court_document_for_user(user: AnyUser, document_id: int) -> CourtDocument:
    try:
        return CourtDocument.objects.select_related("case__case_type").get(
            pk=document_id, case__in=cases_visible_to(user)
        )
    except CourtDocument.DoesNotExist:
        raise NotFound from None


@dataclass(frozen=True)
class Verification:
    """What the public verification page may say: the case number and the document type, no more."""

    case_number: str
    document_kind_en: str
    document_kind_zh: str
    issued_by_court: bool
    sealed: bool
    #: For a copy or certificate issued on an application: "Certified true copy of Defence,
    #: issued 6 December 2026" (filing.describers).
    description_en: str = ""
    description_zh: str = ""


def verify_document(*, drn: str = "", sha256: str = "") -> Verification | None:
    """Whether a DRN or a SHA-256 matches a document the court sealed or issued.

    Only accepted, sealed filings and issued court documents match; nothing about a
    filing under review or returned can be learnt here.
    """
    try:
        drn = drn_normalize(drn) if drn else ""
    except ValueError:
        return None
    sha256 = sha256.strip().lower()
    if not drn and not sha256:
        return None
    filed = Document.objects.filter(submission__status=Submission.Status.ACCEPTED).exclude(sealed_storage_key="")
    filed = filed.filter(drn=drn) if drn else filed.filter(Q(sealed_sha256=sha256) | Q(sha256=sha256))
    document = filed.select_related("submission__case__case_type", "document_type").first()
    if document is not None:
        return Verification(
            case_number=document.submission.case.case_number,
            document_kind_en=document.document_type.name_en,
            document_kind_zh=document.document_type.name_zh,
            issued_by_court=False,
            sealed=not drn and document.sealed_sha256 == sha256,
        )
    issued = CourtDocument.objects.select_related("case__case_type")
    issued = issued.filter(drn=drn) if drn else issued.filter(Q(sealed_sha256=sha256) | Q(sha256=sha256))
    court_document = issued.first()
    if court_document is not None:
        label = CourtDocument.Kind(court_document.kind).label
        with translation.override("en"):
            kind_en = str(label)
        with translation.override("zh-hant"):
            kind_zh = str(label)
        described = court_document_described(court_document)
        return Verification(
            case_number=court_document.case.case_number,
            document_kind_en=described.kind_en if described else kind_en,
            document_kind_zh=described.kind_zh if described else kind_zh,
            issued_by_court=True,
            sealed=bool(drn) or court_document.sealed_sha256 == sha256,
            description_en=described.description_en if described else "",
            description_zh=described.description_zh if described else "",
        )
    return None


def review_queue() -> QuerySet[Submission]:
    """Open submissions in the order the registry reviews them: by deemed receipt, pending last."""
    return (
        Submission.objects.filter(status__in=OPEN_STATUSES)
        .select_related("case__case_type__court", "submitted_by")
        .annotate(document_count=Count("documents"))
        .order_by("deemed_received_at", "received_at")
    )


def staff_may_review(user: AnyUser) -> bool:
    return is_staff_user(user)
