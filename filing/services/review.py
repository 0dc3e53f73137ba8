"""Registry review: accepting a filing (case number, DRNs, sealed copies) or returning it."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import is_staff_user
from icms.core.audit import AuditEventType, audit_record
from icms.core.dates import format_named
from icms.core.messages import Bilingual, render_message

from .. import hooks
from ..case_numbers.numbering import case_number_assign
from ..models import Case, Document, DocumentView, ReturnReason, Submission
from ..models.submissions import OPEN_STATUSES
from ..sealing import drn_generate
from .joining import access_codes_issue
from .messages import message_post
from .representation import representation_on_acceptance
from .summonses import SummonsListing, summons_return_day_allot


class ReviewRefused(ValidationError):
    """The decision cannot be made (already decided, not staff, pending receipt)."""


def require_registry_staff(user: User) -> None:
    if not is_staff_user(user):
        raise ReviewRefused(_("Only registry staff review filings."), code="not_staff")


def _new_drn() -> str:
    return drn_generate()


def _assign_drn(document: Document) -> None:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                Document.objects.filter(pk=document.pk, drn__isnull=True).update(drn=_new_drn())
            return
        except IntegrityError:  # a DRN collision (1 in 10^10); draw again
            continue
    raise RuntimeError("Could not draw a unique DRN.")


def _decidable(submission: Submission, now: datetime) -> QuerySet[Submission]:
    """The submission, if the registry may decide it now: still open, and received in law.

    A filing is decided only once its deemed time has arrived, so the deemed time on a
    sealed copy is final (docs/calendar.md): before then, or while it is pending, a
    closure recorded later could still move it. The claim is one conditional UPDATE, so
    a re-stamp racing the decision either moves the time first or finds it decided.
    """
    return Submission.objects.filter(
        pk=submission.pk, status__in=OPEN_STATUSES, deemed_received_at__isnull=False, deemed_received_at__lte=now
    )


def _refusal(submission: Submission, now: datetime) -> ReviewRefused:
    """Why :func:`_decidable` found nothing, in the clerk's language."""
    current = Submission.objects.filter(pk=submission.pk).values("status", "deemed_received_at").first()
    if current is None or current["status"] not in OPEN_STATUSES:
        return ReviewRefused(_("This submission has already been decided."), code="decided")
    if current["deemed_received_at"] is None:
        return ReviewRefused(
            _(
                "Not yet received in law: its deemed receipt is pending, because the registry was closed when it "
                "arrived and its reopening is not yet recorded. Decide it once the reopening is recorded and that "
                "time has come."
            ),
            code="pending",
        )
    return ReviewRefused(
        _("Not yet received in law until %(deemed)s. Decide it from then on.")
        % {"deemed": format_named(current["deemed_received_at"], "LONG_DATETIME_SECONDS_FORMAT")},
        code="not_yet_received",
    )


def documents_not_opened_by(submission: Submission, clerk: User) -> list[Document]:
    """The submission's documents that ``clerk`` has not opened or previewed, in filing order."""
    opened = DocumentView.objects.filter(user=clerk, document__submission=submission).values("document_id")
    return list(submission.documents.exclude(pk__in=opened).order_by("ordinal", "pk"))


def _not_opened_refusal(unopened: list[Document]) -> ReviewRefused:
    titles = "; ".join(f"“{document.title}”" for document in unopened)
    return ReviewRefused(
        _(
            "Open each document before you accept the filing. Not yet opened by you: %(titles)s. "
            "To accept it without opening them, tick “Accept without opening every document”."
        )
        % {"titles": titles},
        code="documents_not_opened",
    )


@transaction.atomic
def filing_accept(
    *,
    submission: Submission,
    clerk: User,
    ip_address: str | None = None,
    accepted_without_opening: bool = False,
    summons_listing: SummonsListing | None = None,
) -> Submission:
    """Accept a filing: number a new case, give each document a DRN and its inspection flag.

    A new summons needs ``summons_listing``, its return day and courtroom: acceptance
    records them and lists it on that day's cause list (:func:`summons_return_day_allot`).

    The clerk must have opened (or previewed) each of its documents first
    (:class:`~filing.models.DocumentView`), or say ``accepted_without_opening``: the audit
    row of the acceptance records which, and the documents not opened.

    The sealed copies are made after commit (:func:`submission_documents_seal`), which
    then tells the filer; the number lock is held only for this short transaction.
    """
    require_registry_staff(clerk)
    now = timezone.now()
    claimed = _decidable(submission, now).update(status=Submission.Status.ACCEPTED, decided_by=clerk, decided_at=now)
    if not claimed:
        raise _refusal(submission, now)
    unopened = documents_not_opened_by(submission, clerk)
    if unopened and not accepted_without_opening:
        raise _not_opened_refusal(unopened)  # the claim above rolls back with the transaction
    submission.refresh_from_db()
    case = Case.objects.select_related("case_type").get(pk=submission.case_id)
    if submission.deemed_received_at is None:
        raise RuntimeError("A decidable submission has a deemed receipt.")
    if submission.opens_case:
        year = timezone.localtime(submission.deemed_received_at).year
        case = case_number_assign(case=case, year=year)
        Case.objects.filter(pk=case.pk).update(status=Case.Status.ACTIVE, issued_at=submission.deemed_received_at)
        # Before the sealed copy is made: its seal prints each respondent's code (filing/joining.py).
        access_codes_issue(case=case, actor=clerk, ip_address=ip_address)
        try:
            summons_return_day_allot(case=case, listing=summons_listing, clerk=clerk, ip_address=ip_address)
        except ValidationError as refused:  # the claim above rolls back with the transaction
            raise ReviewRefused(
                " ".join(refused.messages), code=getattr(refused, "code", None) or "return_day"
            ) from None
    for document in submission.documents.select_related("document_type"):
        _assign_drn(document)
        Document.objects.filter(pk=document.pk).update(public_inspection=document.document_type.public_inspection)
    audit_record(
        event_type=AuditEventType.FILING_SUBMISSION_ACCEPTED,
        actor=clerk,
        target=submission,
        before={"status": "open"},
        after={
            "status": Submission.Status.ACCEPTED,
            "case_number": Case.objects.get(pk=case.pk).case_number,
            "drns": list(submission.documents.values_list("drn", flat=True)),
            "accepted_without_opening": bool(unopened),
            "documents_not_opened": [{"id": document.pk, "title": document.title} for document in unopened],
        },
        ip_address=ip_address,
    )
    from .follow_up import sealing_owe
    from .other_parties import other_parties_owe

    # A joining filing or a notice of acting puts its filer on record (filing/services/representation.py).
    representation_on_acceptance(submission=submission, clerk=clerk, ip_address=ip_address)
    sealing_owe(submission)
    # The other parties on record are told once the sealed copies exist (not for an opening filing).
    other_parties_owe(submission)
    from ..webhooks import submission_decided_event

    submission_decided_event(submission)  # filing.accepted, with the case number
    return submission


@transaction.atomic
def filing_return(
    *, submission: Submission, clerk: User, reason: ReturnReason, note: str = "", ip_address: str | None = None
) -> Submission:
    """Return a filing with a coded reason and a note; a refund follows through the hooks."""
    from ..notifications import notify

    require_registry_staff(clerk)
    if reason.code == "other" and not note.strip():
        raise ReviewRefused(_("Explain the reason in the note."), code="note_needed")
    now = timezone.now()
    claimed = _decidable(submission, now).update(
        status=Submission.Status.RETURNED,
        decided_by=clerk,
        decided_at=now,
        return_reason=reason,
        return_note=note.strip(),
    )
    if not claimed:
        raise _refusal(submission, now)
    submission.refresh_from_db()
    if submission.opens_case:
        Case.objects.filter(pk=submission.case_id, number__isnull=True).update(status=Case.Status.DRAFT)
    audit_record(
        event_type=AuditEventType.FILING_SUBMISSION_RETURNED,
        actor=clerk,
        target=submission,
        before={"status": "open"},
        after={"status": Submission.Status.RETURNED, "reason": reason.code, "note": submission.return_note},
        ip_address=ip_address,
    )
    hooks.submission_returned(submission)
    from ..webhooks import submission_decided_event

    submission_decided_event(submission)  # filing.returned, with the reasons
    text = render_message(
        "filing/messages/submission_returned",
        {
            "reference": submission.reference,
            "reason": Bilingual(reason.name_en, reason.name_zh),
            "note": submission.return_note,
        },
    )
    message_post(
        recipient=submission.submitted_by,
        kind="decision",
        subject_en=text.subject.en,
        subject_zh=text.subject.zh,
        body_en=text.body.en,
        body_zh=text.body.zh,
        submission=submission,
    )
    notify(
        recipients=[submission.submitted_by],
        template="decision",
        context={
            "submission": submission,
            "accepted": False,
            "reason_en": reason.name_en,
            "reason_zh": reason.name_zh,
            "note": submission.return_note,
        },
    )
    return submission
