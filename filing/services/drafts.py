"""Drafts: a filing prepared in steps and kept, with its checked documents, until it is submitted.

* :func:`draft_create` starts one: a new case, a filing in a case, a joining party's first
  filing (``access_code``, filing/services/joining.py) or a returned filing corrected
  (``refiles``, :mod:`filing.services.refiling`).
* :func:`draft_start` does both for a form posted without a draft yet, in one transaction.
* :func:`draft_save` keeps the form's answers and any new files. Each file is checked
  (:func:`~filing.pdf_checks.validate_pdf`, by :func:`draft_uploads_check`) before anything is
  stored, then stored under a server-made key in the drafts' own store
  (:func:`~icms.core.drafts_storage.draft_files`).
* :func:`draft_submit` makes the submission from the review page, with the documents already
  stored; :func:`~filing.services.submissions.submission_create` puts each file into the
  documents' store and deletes the draft's rows in its own transaction, and its files after
  commit. The draft's ``submission_key`` makes a second Submit find the first submission.
* :func:`draft_document_remove`, :func:`draft_discard` and, from beat,
  :func:`drafts_purge_expired` delete rows and then, after commit, their files (outbox work,
  ``filing.draft_files_delete``; docs/storage.md, "Drafts").

Drafts are read, each for its owner, in :mod:`filing.services.draft_lookups`.

A draft belongs to its owner alone, on any device: every lookup is by owner (a 404 for
anyone else), not by access to the case, because a joining party edits a draft of a case
it is not yet on record in. The form's answers are kept as posted (``{name: [values]}``),
an identity number encrypted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final
from uuid import UUID, uuid4

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from icms.core.crypto import decrypt, encrypt
from icms.core.drafts_storage import draft_files
from icms.core.lookups import NotFound
from icms.core.storage import StoredFiles, stored_identity_to_record

from ..models import Case, CaseAccessCode, CaseType, DraftDocument, Party, Submission, SubmissionDraft
from ..pdf_checks import PdfInfo, PdfRejected, check_submission_size, validate_pdf
from .draft_lookups import draft_documents
from .follow_up import draft_files_delete_owe
from .submissions import DocumentUpload, FilingDetails, NewCase, StoredPdf, SubmissionRefused, submission_create

MAX_DRAFT_DOCUMENTS = 10
DRAFT_KEY_CONSTRAINT: Final = "one_draft_per_key"
# Posted names that are not answers: the token, the one-time key and the buttons.
_NOT_ANSWERS = ("csrfmiddlewaretoken", "submission_key", "step", "remove", "filer_reference", "for_party")
_SECRET_SUFFIX = "-id_number"  # noqa: S105 (a field name)
# The rows a draft points to are passed in by the caller, loaded in this request (some under
# lock): asking the database again whether each exists (full_clean's foreign-key check) buys
# nothing, and the foreign keys refuse a missing one anyway.
_PASSED_ROWS: Final = ("owner", "case_type", "case", "for_party", "access_code", "refiles")


def draft_problems(draft: SubmissionDraft, documents: Sequence[DraftDocument] | None = None) -> list[str]:
    """What the draft's documents still lack before it can be reviewed and submitted, in words.

    ``documents`` are the draft's documents when the caller has them already (with their types).
    """
    documents = draft_documents(draft) if documents is None else documents
    if not documents:
        return [str(_("Add at least one document."))]
    problems = []
    starting = [document for document in documents if document.document_type.starts_case]
    if draft.opens_case and not starting:
        problems.append(
            str(_("A new case needs its originating document, such as the writ of summons or the application."))
        )
    if not draft.opens_case and starting:
        problems.append(str(_("This document starts a new case; it cannot be filed in an existing case.")))
    if draft.access_code_id is not None and not all(document.document_type.joins_case for document in documents):
        problems.append(
            str(
                _(
                    "A party joining the case may first file only the documents a party may file first, such as "
                    "an acknowledgement of service or a notice of acting."
                )
            )
        )
    return problems


def draft_expiry(now: datetime | None = None) -> datetime:
    """When a draft saved ``now`` expires: ``FILING_DRAFT_DAYS`` later."""
    return (now or timezone.now()) + timedelta(days=int(settings.FILING_DRAFT_DAYS))


# --- The answers ------------------------------------------------------------------------


def answers_from_post(post: QueryDict) -> dict[str, list[str]]:
    """The form's answers as posted, without the token, the key, the buttons or the document rows.

    The document rows become :class:`~filing.models.DraftDocument` rows once their files are
    stored; an identity number is kept encrypted.
    """
    answers: dict[str, list[str]] = {}
    for name in post:
        if name in _NOT_ANSWERS or name.startswith("documents-") or name.endswith("add_party"):
            continue
        values = post.getlist(name)
        answers[name] = [encrypt(v) if name.endswith(_SECRET_SUFFIX) and v else v for v in values]
    return answers


def draft_answers(draft: SubmissionDraft) -> QueryDict:
    """The draft's answers as a POST would carry them, to bind the form again."""
    data = QueryDict(mutable=True)
    for name, values in (draft.answers or {}).items():
        if not isinstance(values, list):
            values = [values]
        data.setlist(name, [decrypt(v) if name.endswith(_SECRET_SUFFIX) and v else str(v) for v in values])
    return data


# --- Changing -----------------------------------------------------------------------------


def _draft_insert(
    *,
    user: User,
    case_type: CaseType,
    case: Case | None,
    for_party: Party | None,
    access_code: CaseAccessCode | None,
    refiles: Submission | None,
    submission_key: UUID | None,
    answers: dict[str, list[str]] | None = None,
    filer_reference: str = "",
) -> SubmissionDraft:
    if case is not None and case.case_type_id != case_type.pk:
        raise ValueError("The draft's case is of another case type.")
    draft = SubmissionDraft(
        owner=user,
        case_type=case_type,
        case=case,
        for_party=for_party,
        access_code=access_code,
        refiles=refiles,
        answers=answers or {},
        filer_reference=filer_reference[:60],
        submission_key=submission_key or uuid4(),
        expires_at=draft_expiry(),
    )
    # One INSERT: it needs no transaction of its own, and inside a caller's it needs no savepoint.
    # A second draft with the same key fails at the one_draft_per_key constraint (IntegrityError);
    # the public functions below catch it outside their transaction (_draft_key_holder).
    draft.full_clean(exclude=_PASSED_ROWS)
    draft.save()
    return draft


def _draft_key_holder(error: IntegrityError, *, user: User, submission_key: UUID | None) -> SubmissionDraft | None:
    """After ``error``: the live draft that already holds ``submission_key``, which a request racing
    this one (the same form posted twice) committed first. Re-raises any other integrity error.

    None when the holder had expired (the purge had not reached it yet): it is gone for the
    filer already, so it is discarded with its files and the caller makes the draft again.
    """
    diag = getattr(error.__cause__, "diag", None)
    if submission_key is None or getattr(diag, "constraint_name", None) != DRAFT_KEY_CONSTRAINT:
        raise error
    holder = SubmissionDraft.objects.filter(owner_id=user.pk, submission_key=submission_key).first()
    if holder is None:
        raise error  # the holder was discarded meanwhile: nothing to return, let the caller see it
    if holder.expires_at <= timezone.now():
        draft_discard(draft=holder)
        return None
    return holder


def draft_create(
    *,
    user: User,
    case_type: CaseType,
    case: Case | None = None,
    for_party: Party | None = None,
    access_code: CaseAccessCode | None = None,
    refiles: Submission | None = None,
    submission_key: UUID | None = None,
) -> SubmissionDraft:
    """A new draft of ``user``'s: for a new case of ``case_type`` (``case`` None) or a filing in ``case``.

    ``access_code`` (with ``for_party``, the code's party) marks a joining party's first
    filing. ``refiles`` (a returned submission of the user's side) makes the draft its
    correction, prefilled with its answers and copies of its documents
    (:func:`filing.services.refiling.refile_prefill`); that copying stores files, so it must
    not be called inside another transaction. ``submission_key`` is the form's one-time key,
    if the draft comes from one; else a new key.
    """
    create = partial(
        _draft_create,
        user=user,
        case_type=case_type,
        case=case,
        for_party=for_party,
        access_code=access_code,
        refiles=refiles,
        submission_key=submission_key,
    )
    try:
        return create()
    except IntegrityError as error:
        # The same key's draft was made by a request that committed first: that one stands.
        holder = _draft_key_holder(error, user=user, submission_key=submission_key)
    # None: the holder had expired and was discarded, so the key is free again.
    return holder if holder is not None else create()


def _draft_create(
    *,
    user: User,
    case_type: CaseType,
    case: Case | None,
    for_party: Party | None,
    access_code: CaseAccessCode | None,
    refiles: Submission | None,
    submission_key: UUID | None,
) -> SubmissionDraft:
    if refiles is None:
        # In a savepoint when a caller's transaction is open, so that a key conflict leaves it usable.
        with transaction.atomic():
            return _draft_insert(
                user=user,
                case_type=case_type,
                case=case,
                for_party=for_party,
                access_code=access_code,
                refiles=None,
                submission_key=submission_key,
            )
    from .refiling import refile_prefill

    with draft_files() as files:  # the copies go again if anything here fails
        draft = _draft_insert(
            user=user,
            case_type=case_type,
            case=case,
            for_party=for_party,
            access_code=access_code,
            refiles=refiles,
            submission_key=submission_key,
            filer_reference=refiles.filer_reference,
        )
        refile_prefill(draft=draft, returned=refiles, files=files)
    return draft


def draft_start(
    *,
    user: User,
    case_type: CaseType,
    case: Case | None = None,
    submission_key: UUID | None = None,
    answers: dict[str, list[str]],
    filer_reference: str = "",
    for_party: Party | None = None,
    uploads: Sequence[DocumentUpload] = (),
    checked: Sequence[PdfInfo] = (),
) -> tuple[SubmissionDraft, list[DraftDocument]]:
    """A new draft of the form's answers and files: :func:`draft_create` then :func:`draft_save`, in one transaction.

    The draft is made inside the transaction that stores its files, so nobody else can see
    it yet: it needs no lock and holds no documents to compare the new ones with. If
    anything fails, neither the draft nor its files are kept.
    """
    if len(uploads) != len(checked):
        raise ValueError("Check each upload (draft_uploads_check) before saving it.")
    for _attempt in range(2):
        try:
            with draft_files() as files:
                draft = _draft_insert(
                    user=user,
                    case_type=case_type,
                    case=case,
                    # As draft_save keeps it: the party a filing in a case is for.
                    for_party=for_party if case is not None else None,
                    access_code=None,
                    refiles=None,
                    submission_key=submission_key,
                    answers=answers,
                    filer_reference=filer_reference.strip(),
                )
                added = _documents_store(
                    files=files, draft=draft, uploads=uploads, checked=checked, have=set(), ordinal=0
                )
            return draft, added
        except IntegrityError as error:
            # The same form, posted twice at once: the other request made the draft and committed
            # first (ours stored nothing, the insert comes first). Save this post into that draft,
            # as a second post of a saved draft is: the files it holds already are not added again.
            holder = _draft_key_holder(error, user=user, submission_key=submission_key)
        if holder is not None:
            return holder, draft_save(
                draft=holder,
                answers=answers,
                filer_reference=filer_reference,
                for_party=for_party,
                uploads=uploads,
                checked=checked,
            )
    raise RuntimeError("unreachable: an expired holder of the key was discarded before the second attempt")


def draft_uploads_check(*, draft: SubmissionDraft | None, uploads: Sequence[DocumentUpload]) -> list[PdfInfo]:
    """Check each new file before anything is stored; :class:`PdfRejected` names the file (``upload_index``).

    Also refused: more documents than one submission takes, or more bytes than it may carry.
    """
    existing = draft_documents(draft) if draft is not None else []
    if len(existing) + len(uploads) > MAX_DRAFT_DOCUMENTS:
        raise SubmissionRefused(
            _("A submission takes at most %(count)s documents. File the others in a further submission.")
            % {"count": MAX_DRAFT_DOCUMENTS},
            code="refused",
        )
    sizes = [document.size for document in existing] + [_size(upload.file) for upload in uploads]
    check_submission_size(sizes)
    checked = []
    for index, upload in enumerate(uploads):
        try:
            checked.append(validate_pdf(upload.file))
        except PdfRejected as rejected:
            rejected.upload_index = index  # type: ignore[attr-defined]  # which file, for the form
            raise
    return checked


def draft_save(
    *,
    draft: SubmissionDraft,
    answers: dict[str, list[str]] | None,
    filer_reference: str | None = None,
    for_party: Party | None = None,
    uploads: Sequence[DocumentUpload] = (),
    checked: Sequence[PdfInfo] = (),
    replacing: Sequence[int] = (),
) -> list[DraftDocument]:
    """Keep the answers (unless None) and store the new files, checked by :func:`draft_uploads_check`.

    The bytes stored are proven to be the bytes checked (``expected_sha256``); if anything
    fails, nothing is kept, not even the files. The draft's expiry starts again. A file
    already in the draft with the same type and title (the form posted twice) is not added
    again, unless it is in ``replacing`` (documents the caller removes next).
    """
    if len(uploads) != len(checked):
        raise ValueError("Check each upload (draft_uploads_check) before saving it.")
    with draft_files() as files:
        locked = SubmissionDraft.objects.select_for_update().get(pk=draft.pk)
        changes: dict[str, Any] = {"expires_at": draft_expiry(), "updated_at": timezone.now()}
        if answers is not None:
            changes["answers"] = answers
        if filer_reference is not None:
            changes["filer_reference"] = filer_reference.strip()[:60]
        if filer_reference is not None and locked.case_id is not None and locked.access_code_id is None:
            # The party a filing in a case is for, as the filer chose it; a joining party's is
            # the code's, fixed when the draft was made.
            changes["for_party"] = for_party
        SubmissionDraft.objects.filter(pk=locked.pk).update(**changes)
        # One query for both the last ordinal and what the draft already holds.
        rows = list(locked.documents.values_list("pk", "ordinal", "sha256", "document_type_id", "title"))
        replaced = set(replacing)
        added = _documents_store(
            files=files,
            draft=locked,
            uploads=uploads,
            checked=checked,
            have={row[2:] for row in rows if row[0] not in replaced},
            ordinal=max((row[1] for row in rows), default=0),
        )
    # The caller's draft as saved, without reading it back.
    for name, value in changes.items():
        setattr(draft, name, value)
    return added


def _documents_store(
    *,
    files: StoredFiles,
    draft: SubmissionDraft,
    uploads: Sequence[DocumentUpload],
    checked: Sequence[PdfInfo],
    have: set[tuple[str, int, str]],
    ordinal: int,
) -> list[DraftDocument]:
    """Store each checked upload in ``draft``, numbered after ``ordinal``.

    An upload already in ``have`` (its sha256, document type and title) is not stored again.
    """
    added = []
    for upload, info in zip(uploads, checked, strict=True):
        title = upload.title.strip()[:255]
        if (info.sha256, upload.document_type.pk, title) in have:
            continue  # the same form posted again (a double click, a retry): already in the draft
        have.add((info.sha256, upload.document_type.pk, title))
        ordinal += 1
        stored = files.save(upload.file, expected_sha256=info.sha256)
        # Recorded now, so that Submit can prove the file unchanged without reading it again.
        identity = stored_identity_to_record(stored.key, storage=files.storage)
        added.append(
            DraftDocument.objects.create(
                draft=draft,
                document_type=upload.document_type,
                title=title,
                original_filename=upload.original_filename,
                storage_key=stored.key,
                sha256=stored.sha256,
                size=stored.size,
                pages=info.pages,
                ordinal=ordinal,
                storage_identity=identity,
            )
        )
    return added


@transaction.atomic
def draft_document_remove(*, draft: SubmissionDraft, document_id: int) -> DraftDocument | None:
    """Take one document off the draft and, after commit, delete its file. None if it is not there."""
    SubmissionDraft.objects.select_for_update().filter(pk=draft.pk).first()
    document = draft.documents.filter(pk=document_id).first()
    if document is None:
        return None
    document.delete()
    draft_files_delete_owe([document.storage_key], label=f"A document removed from draft {draft.pk}")
    return document


@transaction.atomic
def draft_discard(*, draft: SubmissionDraft) -> None:
    """Delete the draft and, after commit, its files."""
    locked = SubmissionDraft.objects.select_for_update().filter(pk=draft.pk).first()
    if locked is None:
        return
    keys = list(locked.documents.values_list("storage_key", flat=True))
    locked.delete()
    draft_files_delete_owe(keys, label=f"Files of discarded draft {draft.pk}")


def drafts_purge_expired(*, now: datetime, batch: int = 200) -> int:
    """Delete the drafts that expired by ``now`` and, after each commit, their files. Returns how many.

    Idempotent, and safe beside a Submit: a draft being submitted is locked and skipped
    (``skip_locked``); once submitted it is gone. Submit put its files into the documents'
    store under keys of their own, so deleting a draft's files never touches a document's.
    """
    purged = 0
    while True:
        with transaction.atomic():
            drafts = list(
                SubmissionDraft.objects.select_for_update(skip_locked=True)
                .filter(expires_at__lte=now)
                .order_by("pk")[:batch]
            )
            if not drafts:
                return purged
            keys = list(DraftDocument.objects.filter(draft__in=drafts).values_list("storage_key", flat=True))
            SubmissionDraft.objects.filter(pk__in=[draft.pk for draft in drafts]).delete()
            draft_files_delete_owe(keys, label=f"Files of {len(drafts)} expired drafts")
        purged += len(drafts)


# --- Submitting ---------------------------------------------------------------------------


def draft_submit(
    *,
    draft: SubmissionDraft,
    user: User,
    ip_address: str | None = None,
    new_case: NewCase | None = None,
    documents: Sequence[DraftDocument] | None = None,
) -> Submission:
    """File the draft as it stands: its answers, and its documents as stored and checked.

    Refused (:class:`~filing.services.submissions.SubmissionRefused`) if the answers are not
    complete; the review page sends the filer back to the form first. A second Submit (a
    double click, a second tab) finds the first submission by the draft's one-time key
    (:func:`~filing.services.submissions.submission_create`).

    The review page has already validated a new case's answers and read the documents to
    show them: it passes ``new_case`` and ``documents`` so they are not worked out twice.
    """
    if draft.owner_id != user.pk:
        raise NotFound(SubmissionDraft._meta.label)
    uploads = [
        DocumentUpload(
            document.document_type,
            document.title,
            None,
            filename=document.original_filename,
            stored=StoredPdf(
                key=document.storage_key,
                sha256=document.sha256,
                size=document.size,
                pages=document.pages,
                identity=document.storage_identity,
            ),
        )
        for document in (draft_documents(draft) if documents is None else documents)
    ]
    if draft.opens_case and new_case is None:
        from ..forms import NewCaseForm

        form = NewCaseForm(draft_answers(draft), prefix="case", case_type=draft.case_type)
        if form.adding_row or not form.is_valid():
            raise SubmissionRefused(_("Complete the case's details before you submit."), code="refused")
        new_case = form.new_case()
    return submission_create(
        user=user,
        uploads=uploads,
        case=None if draft.opens_case else draft.case,
        new_case=new_case if draft.opens_case else None,
        ip_address=ip_address,
        submission_key=draft.submission_key,
        details=FilingDetails(
            filer_reference=draft.filer_reference,
            for_party=draft.for_party,
            access_code=draft.access_code,
            refiles=draft.refiles,
        ),
    )


def _size(file: Any) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    position = file.tell()
    end = file.seek(0, 2)
    file.seek(position)
    return int(end)
