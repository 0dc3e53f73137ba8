"""Receiving a submission: checked, stored and recorded in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import DateTimeField, Func
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organisation, User
from accounts.selectors import filing_eligibility, membership_for_user
from icms.calendar.data import current_calendar
from icms.calendar.stamping import deemed_receipt_stamp
from icms.core.audit import AuditEventType, audit_record
from icms.core.drafts_storage import draft_file_to_documents, is_draft_key, storage_for_key
from icms.core.storage import (
    StorageIntegrityError,
    StorageUnavailable,
    StoredDocument,
    StoredFiles,
    hash_stored_document,
    stored_identity,
)

from .. import access
from ..claim_limits import claim_amount_check
from ..models import (
    Case,
    CaseAssignment,
    CaseType,
    Document,
    DraftDocument,
    Party,
    Representation,
    Submission,
    SubmissionDraft,
)
from ..party_ids import party_id_check, party_id_normalise
from ..pdf_checks import PdfInfo, PdfRejected, check_submission_size, validate_pdf
from ..selectors import submission_for_key
from .acknowledgements import acknowledgement_version_create
from .filing_input import DocumentUpload, FilingDetails, NewCase, NewParty, StoredPdf, SubmissionRefused
from .follow_up import draft_files_delete_owe
from .summonses import summons_details_create

__all__ = [
    "DocumentUpload",
    "FilingDetails",
    "NewCase",
    "NewParty",
    "StoredPdf",
    "SubmissionRefused",
    "returned_case_reopen",
    "submission_create",
]


class ClockTimestamp(Func):
    """PostgreSQL's ``clock_timestamp()``: the one clock every web server shares.

    Unlike ``now()`` it is the time of the statement's execution, not the start of
    the transaction, so a slow upload does not make a filing earlier than it was.
    """

    function = "clock_timestamp"
    template = "clock_timestamp()"
    output_field = DateTimeField()


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


def _create_case(*, user: User, new_case: NewCase, membership: Membership | None, into: Case | None = None) -> Case:
    organisation = membership.organisation if membership is not None else None
    case_type = new_case.case_type
    allowed = case_type.organisations_may_start if organisation else case_type.individuals_may_start
    if not allowed:
        raise _refuse(_("Your kind of account cannot start this kind of case."))
    if not new_case.applicants or not new_case.respondents:
        raise _refuse(_("Name at least one party on each side."))
    try:
        claim_amount_check(case_type=case_type, amount=new_case.amount_claimed)
    except ValidationError as error:
        raise SubmissionRefused.first_of(error) from None
    case = Case(
        case_type=case_type,
        status=Case.Status.PENDING,
        nature_en=new_case.nature_en.strip(),
        nature_zh=new_case.nature_zh.strip(),
        amount_claimed=new_case.amount_claimed,
        created_by=user,
    )
    # Not its case type and filer again: both were just read, and the foreign keys hold them anyway.
    # Nor its constraints: a case starts without a number and year (given on acceptance, under a
    # row lock), which the check on them holds and the unique one skips, and Django asked the
    # database about the check in a savepoint (three round trips).
    case.full_clean(exclude=["case_type", "created_by"], validate_constraints=False)
    if into is not None:
        # A returned opening filing filed again keeps its case row (services/refiling.py).
        case.pk, case.created_at, case._state.adding = into.pk, into.created_at, False
    case.save()
    sides = (
        (Party.Side.APPLICANT, new_case.applicants),
        (Party.Side.RESPONDENT, new_case.respondents),
        (Party.Side.THIRD_PARTY, new_case.third_parties),
    )
    for side, parties in sides:
        for ordinal, details in enumerate(parties, start=1):
            # A firm acts for every party on its side that the originating document names (it issues
            # the writ for all of them); a party in person only for themself, the first named.
            filer_party = side != Party.Side.THIRD_PARTY and (ordinal == 1 or organisation is not None)
            filer_party = filer_party and (side == Party.Side.APPLICANT) == new_case.filer_is_applicant
            _party_create(
                case=case,
                side=side,
                ordinal=ordinal,
                details=details,
                user=user,
                organisation=organisation,
                filer_party=filer_party,
            )
    summons_details_create(case=case, summons=new_case.summons, organisation=organisation)
    if membership is not None:
        CaseAssignment.objects.create(case=case, membership=membership, assigned_by=user)
    return case


def _party_create(
    *,
    case: Case,
    side: str,
    ordinal: int,
    details: NewParty,
    user: User,
    organisation: Organisation | None,
    filer_party: bool,
) -> Party:
    """One party as the originating document names it; the filer's own party goes on record for them."""
    if not (details.name_en.strip() or details.name_zh.strip()):
        raise _refuse(_("Give each party a name in English or Chinese."))
    try:
        party_id_check(details.id_kind, details.id_number)
    except ValidationError as error:
        raise SubmissionRefused.first_of(error) from None
    party = Party(
        case=case,
        side=side,
        ordinal=ordinal,
        kind=details.kind,
        name_en=details.name_en.strip(),
        name_zh=details.name_zh.strip(),
        address_for_service=details.address_for_service.strip(),
        id_kind=details.id_kind if details.id_number.strip() else "",
        id_number=party_id_normalise(details.id_kind, details.id_number),
        # The filer acts in person, or their organisation goes on record for the party.
        user=user if filer_party and organisation is None else None,
        representative=organisation if filer_party else None,
    )
    # Not its case (created in this transaction), user or organisation (just read), nor the
    # "party_has_a_name" constraint, checked above on the same stripped names: each cost queries.
    party.full_clean(exclude=["case", "user", "representative"], validate_constraints=False)
    party.save()
    if filer_party:
        # The history of who acts (Representation) starts with the case.
        Representation.objects.create(
            party=party,
            organisation=organisation,
            in_person=None if organisation is not None else user,
            started_at=timezone.now(),
            started_by=user,
            reason="Started the case",
        )
    return party


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
    details: FilingDetails | None = None,
) -> Submission:
    """Receive a submission: into ``case``, or starting ``new_case``.

    ``details`` carries what the filer said about the filing besides its documents:
    their own reference, the party it is for, the access code of a joining party and
    the returned submission it corrects.

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
            details=details or FilingDetails(),
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
    details: FilingDetails,
) -> Submission:
    eligibility = filing_eligibility(user)
    if not eligibility.may_file:
        raise _refuse(eligibility.reason)
    if case is not None:
        from .joining import filing_for_party_check

        # The access policy, or for a joining filing its access code (filing/services/joining.py).
        filing_for_party_check(user=user, case=case, details=details, uploads=uploads)
    if case is not None and case.number is None:
        # Until the registry accepts the opening filing there is no case number to seal
        # further documents with; a returned opening filing leaves a draft nobody files in.
        raise _refuse(_("This case has no case number yet, so no further document can be filed in it."))
    case_type = case.case_type if case is not None else new_case.case_type  # type: ignore[union-attr]
    _check_types(uploads=uploads, case_type=case_type, opens_case=new_case is not None)

    sizes = [upload.stored.size if upload.stored else _size(upload.file) for upload in uploads]
    check_submission_size(sizes)
    checked: list[PdfInfo] = []
    for index, upload in enumerate(uploads):
        try:
            checked.append(_stored_check(upload.stored) if upload.stored else validate_pdf(upload.file))
        except PdfRejected as rejected:
            rejected.upload_index = index  # type: ignore[attr-defined]  # which file, for the form
            raise

    # Read once: the organisation filed for, and the membership a new case is assigned to.
    membership = membership_for_user(user)
    organisation = membership.organisation if membership is not None else None
    with StoredFiles() as files:
        if new_case is not None:
            into = returned_case_reopen(user=user, refiles=details.refiles)
            case = _create_case(user=user, new_case=new_case, membership=membership, into=into)
        if case is None:
            raise RuntimeError("unreachable: a case is given or created")
        submission = Submission.objects.create(
            case=case,
            opens_case=new_case is not None,
            submitted_by=user,
            on_behalf_of=organisation,
            received_at=ClockTimestamp(),
            submission_key=submission_key,
            filer_reference=details.filer_reference.strip()[:60],
            for_party=details.for_party,
            access_code=details.access_code,
            refiles=details.refiles,
            payment_reference=details.payment_reference,
        )
        for ordinal, (upload, info) in enumerate(zip(uploads, checked, strict=True), start=1):
            stored = (
                _filed_copy(files, upload.stored)
                if upload.stored
                else files.save(upload.file, expected_sha256=info.sha256)
            )
            Document.objects.create(
                submission=submission,
                document_type=upload.document_type,
                title=upload.title.strip()[:255],
                original_filename=upload.original_filename,
                storage_key=stored.key,
                sha256=stored.sha256,
                size=stored.size,
                pages=info.pages,
                ordinal=ordinal,
            )
        # Files from the drafts' store (a draft's, a bulk batch row's) were put into the documents'
        # store above; their drafts' files go after commit (files from before stay where they are).
        owed = [upload.stored.key for upload in uploads if upload.stored and is_draft_key(upload.stored.key)]
        label = f"Filed files of {submission.reference}"
        if submission_key is not None:
            # The draft this came from is done: its rows go now, and all its files after commit.
            drafts = SubmissionDraft.objects.filter(owner=user, submission_key=submission_key)
            draft_keys = list(DraftDocument.objects.filter(draft__in=drafts).values_list("storage_key", flat=True))
            if draft_keys:
                owed = list(dict.fromkeys([*draft_keys, *owed]))
                label = f"Files of the draft of {submission.reference}"
            drafts.delete()
        draft_files_delete_owe(owed, label=label)
        calendar = current_calendar()  # one read of the calendar for the stamp and the acknowledgement
        deemed_receipt_stamp(model=Submission, pk=submission.pk, calendar=calendar)
        # The version reads the stamped row under a lock: the submission as received and stamped.
        submission = acknowledgement_version_create(submission=submission, calendar=calendar).submission
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
        from ..webhooks import submission_received_events
        from .follow_up import acknowledgement_owe

        acknowledgement_owe(submission)
        # The filer's organisation hears of it (accounts.webhooks), in this same transaction.
        submission_received_events(submission)
    return submission


def returned_case_reopen(*, user: User, refiles: Submission | None) -> Case | None:
    """The case row a corrected opening filing reuses, emptied of its parties; None for any other filing.

    A returned opening filing left its case a draft without a number, which nobody else
    ever saw (filing/services/refiling.py): the correction goes into the same row, back to
    pending with the corrected claim and parties, instead of leaving an empty case behind.
    Refused if the case was opened after all or is pending again (filed again meanwhile).
    """
    if refiles is None or not refiles.opens_case:
        return None
    if refiles.status != Submission.Status.RETURNED or not access.user_is_on_filing_side(user, refiles):
        raise _refuse(_("Only a returned submission of your side can be corrected and filed again."))
    case = Case.objects.select_for_update().get(pk=refiles.case_id)
    if case.number is not None or case.status != Case.Status.DRAFT:
        raise _refuse(_("This case has already been filed again."))
    parties = Party.objects.filter(case=case)
    Representation.objects.filter(party__in=parties).delete()
    parties.delete()
    # The filer's own assignment is made again with the case (others the firm made stay).
    CaseAssignment.objects.filter(case=case, membership__user=user).delete()
    return case


def _stored_check(stored: StoredPdf) -> PdfInfo:
    """A document checked when it was uploaded to a draft: proven unchanged, so what is filed is what was checked.

    Its SHA-256 was taken from the bytes as they streamed in, and the checked file itself
    was moved into place. Since then, the storage object's identity (inode, size and
    modification and change times on the filesystem; version id and ETag on S3) staying
    what was recorded at upload is the proof: reading and hashing 10 MB again would prove
    no more against a change made through the storage (docs/storage.md, "Receiving").
    Without a recorded identity, or when it differs, the file is hashed again and
    refused only if its bytes changed. The scheduled fixity check still re-hashes every
    stored document (docs/operations.md, "Fixity").
    """
    try:
        storage = storage_for_key(stored.key)  # the drafts' store, or the documents' (older drafts, batches)
        unchanged = bool(stored.identity) and stored_identity(stored.key, storage=storage) == stored.identity
        digest = stored.sha256 if unchanged else hash_stored_document(stored.key, storage=storage)
    except FileNotFoundError:
        digest = ""
    except OSError as error:
        raise StorageUnavailable(f"Could not read {stored.key}: {error}") from error
    if digest != stored.sha256:
        raise _refuse(_("A document of this draft is no longer as it was uploaded. Remove it and upload it again."))
    return PdfInfo(size=stored.size, sha256=stored.sha256, pages=stored.pages, version="", repaired=False)


def _filed_copy(files: StoredFiles, stored: StoredPdf) -> StoredPdf | StoredDocument:
    """A checked draft file as a document: put into the documents' store, which keeps it.

    In place when it is there already (a draft, or a bulk batch, saved before they had the
    drafts' store). The copy is proven to be the checked bytes
    (:func:`~icms.core.drafts_storage.draft_file_to_documents`) and goes again on a rollback.
    """
    if not is_draft_key(stored.key):
        return stored
    try:
        return draft_file_to_documents(
            files=files, key=stored.key, sha256=stored.sha256, size=stored.size, identity=stored.identity
        )
    except StorageIntegrityError:
        raise _refuse(
            _("A document of this draft is no longer as it was uploaded. Remove it and upload it again.")
        ) from None


def _size(file: Any) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    position = file.tell()
    end = file.seek(0, 2)
    file.seek(position)
    return int(end)
