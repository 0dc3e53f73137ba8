"""Receiving a submission: checked, stored and recorded in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import DateTimeField, Func
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from accounts.selectors import filing_eligibility, membership_for_user
from icms.calendar.stamping import deemed_receipt_stamp
from icms.core.audit import AuditEventType, audit_record
from icms.core.storage import StoredFiles

from .. import access
from ..models import Case, CaseAssignment, CaseType, Document, DocumentType, Party, Submission
from ..pdf_checks import PdfInfo, PdfRejected, check_submission_size, validate_pdf
from ..selectors import submission_for_key
from .acknowledgements import acknowledgement_version_create


class ClockTimestamp(Func):
    """PostgreSQL's ``clock_timestamp()``: the one clock every web server shares.

    Unlike ``now()`` it is the time of the statement's execution, not the start of
    the transaction, so a slow upload does not make a filing earlier than it was.
    """

    function = "clock_timestamp"
    template = "clock_timestamp()"
    output_field = DateTimeField()


class SubmissionRefused(ValidationError):
    """The filer may not make this submission; the message says why, in their language."""


@dataclass(frozen=True)
class DocumentUpload:
    document_type: DocumentType
    title: str
    file: IO[bytes] | Any
    filename: str = ""


@dataclass(frozen=True)
class NewParty:
    name_en: str = ""
    name_zh: str = ""
    kind: str = Party.Kind.PERSON


@dataclass(frozen=True)
class NewCase:
    """The details of a new proceeding, which the originating document starts."""

    case_type: CaseType
    applicants: Sequence[NewParty]
    respondents: Sequence[NewParty]
    nature_en: str = ""
    nature_zh: str = ""
    filer_is_applicant: bool = True
    extra: dict[str, str] = field(default_factory=dict)


def _refuse(message: Any) -> SubmissionRefused:
    return SubmissionRefused(message, code="refused")


def _check_types(*, uploads: Sequence[DocumentUpload], case_type: CaseType, opens_case: bool) -> None:
    if not uploads:
        raise _refuse(_("Add at least one document."))
    for upload in uploads:
        if upload.document_type.case_type_id != case_type.pk or not upload.document_type.active:
            raise _refuse(_("Choose a document type of this kind of case."))
        if not upload.title.strip():
            raise _refuse(_("Give each document a title."))
    starting = [u for u in uploads if u.document_type.starts_case]
    if opens_case and not starting:
        raise _refuse(_("A new case needs its originating document, such as the writ of summons or the application."))
    if not opens_case and starting:
        raise _refuse(_("This document starts a new case; it cannot be filed in an existing case."))


def _filing_organisation(user: User) -> Organisation | None:
    membership = membership_for_user(user)
    return membership.organisation if membership is not None else None


def _create_case(*, user: User, new_case: NewCase, organisation: Organisation | None) -> Case:
    case_type = new_case.case_type
    allowed = case_type.organisations_may_start if organisation else case_type.individuals_may_start
    if not allowed:
        raise _refuse(_("Your kind of account cannot start this kind of case."))
    if not new_case.applicants or not new_case.respondents:
        raise _refuse(_("Name at least one party on each side."))
    case = Case(
        case_type=case_type,
        status=Case.Status.PENDING,
        nature_en=new_case.nature_en.strip(),
        nature_zh=new_case.nature_zh.strip(),
        created_by=user,
    )
    case.full_clean()
    case.save()
    for side, parties in ((Party.Side.APPLICANT, new_case.applicants), (Party.Side.RESPONDENT, new_case.respondents)):
        for ordinal, details in enumerate(parties, start=1):
            if not (details.name_en.strip() or details.name_zh.strip()):
                raise _refuse(_("Give each party a name in English or Chinese."))
            filer_party = ordinal == 1 and (side == Party.Side.APPLICANT) == new_case.filer_is_applicant
            party = Party(
                case=case,
                side=side,
                ordinal=ordinal,
                kind=details.kind,
                name_en=details.name_en.strip(),
                name_zh=details.name_zh.strip(),
                # The filer acts in person, or their organisation goes on record for the party.
                user=user if filer_party and organisation is None else None,
                representative=organisation if filer_party else None,
            )
            party.full_clean()
            party.save()
    if organisation is not None:
        membership = membership_for_user(user)
        if membership is None:
            raise RuntimeError("An organisation filer has an active membership.")
        CaseAssignment.objects.create(case=case, membership=membership, assigned_by=user)
    return case


# The unique constraint that makes a submission key one-time (filing.models.Submission).
SUBMISSION_KEY_CONSTRAINT = "one_submission_per_key"


def _is_key_conflict(error: IntegrityError) -> bool:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == SUBMISSION_KEY_CONSTRAINT


def submission_create(
    *,
    user: User,
    uploads: Sequence[DocumentUpload],
    case: Case | None = None,
    new_case: NewCase | None = None,
    ip_address: str | None = None,
    submission_key: UUID | None = None,
) -> Submission:
    """Receive a submission: into ``case``, or starting ``new_case``.

    Every file is checked before anything is stored (:mod:`filing.pdf_checks`); a
    rejection raises :class:`~filing.pdf_checks.PdfRejected` naming the problem.
    Files are stored, the submission and its documents recorded, its received
    time taken from the database clock, its deemed receipt stamped and an audit
    row written, all in one transaction: if anything fails, nothing is kept, not
    even the stored files. The acknowledgement PDF follows from a task on commit.

    ``submission_key`` is the one-time key of the form the filer sent (or an API
    client's ``Idempotency-Key``). If ``user`` has already made a submission with it
    (a double click, a second tab, a retry after a timeout) that submission is
    returned and nothing new is created or stored. Two requests racing with the same
    key meet at the ``one_submission_per_key`` constraint: the later one waits for the
    first to commit, is rolled back (its files deleted, its draft case too) and gets
    the first one's submission. Keys are per user, so another user's key is simply a
    fresh key and reveals nothing.
    """
    if (case is None) == (new_case is None):
        raise ValueError("Pass exactly one of case and new_case.")
    if submission_key is not None:
        earlier = submission_for_key(user=user, submission_key=submission_key)
        if earlier is not None:
            return earlier
    try:
        return _submission_receive(
            user=user,
            uploads=uploads,
            case=case,
            new_case=new_case,
            ip_address=ip_address,
            submission_key=submission_key,
        )
    except IntegrityError as error:
        if submission_key is None or not _is_key_conflict(error):
            raise
        # A concurrent request with the same key committed first; ours was rolled back whole.
        earlier = submission_for_key(user=user, submission_key=submission_key)
        if earlier is None:
            raise
        return earlier


def _submission_receive(
    *,
    user: User,
    uploads: Sequence[DocumentUpload],
    case: Case | None,
    new_case: NewCase | None,
    ip_address: str | None,
    submission_key: UUID | None,
) -> Submission:
    eligibility = filing_eligibility(user)
    if not eligibility.may_file:
        raise _refuse(eligibility.reason)
    if case is not None and not access.user_may_file_for_case(user, case):
        # The caller found the case through the access policy; refusing here is belt and braces.
        raise _refuse(_("You cannot file in this case."))
    if case is not None and case.number is None:
        # Until the registry accepts the opening filing there is no case number to seal
        # further documents with; a returned opening filing leaves a draft nobody files in.
        raise _refuse(_("This case has no case number yet, so no further document can be filed in it."))
    case_type = case.case_type if case is not None else new_case.case_type  # type: ignore[union-attr]
    _check_types(uploads=uploads, case_type=case_type, opens_case=new_case is not None)

    sizes = [_size(upload.file) for upload in uploads]
    check_submission_size(sizes)
    checked: list[PdfInfo] = []
    for index, upload in enumerate(uploads):
        try:
            checked.append(validate_pdf(upload.file))
        except PdfRejected as rejected:
            rejected.upload_index = index  # type: ignore[attr-defined]  # which file, for the form
            raise

    organisation = _filing_organisation(user)
    with StoredFiles() as files:
        if new_case is not None:
            case = _create_case(user=user, new_case=new_case, organisation=organisation)
        if case is None:
            raise RuntimeError("unreachable: a case is given or created")
        submission = Submission.objects.create(
            case=case,
            opens_case=new_case is not None,
            submitted_by=user,
            on_behalf_of=organisation,
            received_at=ClockTimestamp(),
            submission_key=submission_key,
        )
        submission.refresh_from_db(fields=["received_at"])
        for ordinal, (upload, info) in enumerate(zip(uploads, checked, strict=True), start=1):
            stored = files.save(upload.file, expected_sha256=info.sha256)
            Document.objects.create(
                submission=submission,
                document_type=upload.document_type,
                title=upload.title.strip()[:255],
                original_filename=(upload.filename or getattr(upload.file, "name", "") or "")[-255:],
                storage_key=stored.key,
                sha256=stored.sha256,
                size=stored.size,
                pages=info.pages,
                ordinal=ordinal,
            )
        deemed_receipt_stamp(model=Submission, pk=submission.pk)
        submission.refresh_from_db()
        acknowledgement_version_create(submission=submission)
        audit_record(
            event_type=AuditEventType.FILING_SUBMISSION_RECEIVED,
            actor=user,
            target=submission,
            after={
                "reference": submission.reference,
                "case": case.pk,
                "opens_case": submission.opens_case,
                "received_at": submission.received_at.isoformat(),
                "documents": [{"sha256": info.sha256, "pages": info.pages, "size": info.size} for info in checked],
            },
            ip_address=ip_address,
        )
        from .follow_up import acknowledgement_owe

        acknowledgement_owe(submission)
    return submission


def _size(file: Any) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    position = file.tell()
    end = file.seek(0, 2)
    file.seek(position)
    return int(end)
