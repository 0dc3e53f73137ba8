"""Sealing accepted filings: the FILED copy of each document, made after the acceptance
commits, and its re-issue under the same DRN when a correction changes the deemed time."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from icms.core.messages import Bilingual, render_message
from icms.core.rendering import format_datetime_en, format_datetime_zh
from icms.core.storage import StoredDocument, read_document, stored_once

from ..access import case_recipients
from ..models import Document, Submission
from ..sealing import Stamp, StampKind, seal_pdf
from .joining import seal_code_lines
from .messages import message_post
from .summonses import summons_for_case, summons_return_day_words, summons_seal_lines


def sealed_copies_reissued_tell(*, submission: Submission) -> int:
    """Tell every party on record that the sealed copies were re-issued (a corrected deemed
    time), once per version: a message with the new copies and an email. Returns how many
    were told for the first time."""
    from ..notifications import notify

    case = submission.case
    version = max(submission.documents.values_list("sealed_version", flat=True))
    deemed = submission.deemed_received_at
    if deemed is None:
        raise RuntimeError("A re-issued sealed copy has a deemed time.")
    text = render_message(
        "filing/messages/sealed_copy_reissued",
        {
            "case_number": case.case_number,
            "reference": submission.reference,
            "deemed": Bilingual(format_datetime_en(deemed), format_datetime_zh(deemed)),
            "version": version,
        },
    )
    told = []
    with transaction.atomic():
        for recipient in case_recipients(case):
            _, created = message_post(
                recipient=recipient,
                kind="sealed_copy_reissued",
                version=version,
                subject_en=text.subject.en,
                subject_zh=text.subject.zh,
                body_en=text.body.en,
                body_zh=text.body.zh,
                submission=submission,
            )
            if created:
                told.append(recipient)
        notify(
            recipients=told,
            template="sealed_copy_reissued",
            context={"submission": submission, "case_number": case.case_number, "version": version},
        )
    return len(told)


def submission_documents_seal(*, submission_id: int) -> int:
    """Make the sealed copy of each accepted document, then tell the filer. Idempotent.

    The sealed copy is the original with the court's FILED band above every page
    (court, case number, deemed receipt, DRN, digest, page n of m); the original bytes
    are never changed.
    """
    from ..notifications import notify

    submission = Submission.objects.select_related("case__case_type__court", "submitted_by").get(pk=submission_id)
    if submission.status != Submission.Status.ACCEPTED:
        return 0
    case = submission.case
    court = case.case_type.court
    if submission.deemed_received_at is None:
        raise RuntimeError("An accepted submission always has a deemed receipt.")
    sealed = 0
    # The originating document's seal carries each respondent's case access code (filing/joining.py)
    # and, on a summons, its return day and courtroom.
    codes = seal_code_lines(submission)
    summons = summons_for_case(case) if submission.opens_case else None
    notice = summons_seal_lines(summons, court)
    for document in (
        submission.documents.filter(sealed_storage_key="").select_related("document_type").order_by("ordinal")
    ):
        if document.drn is None:
            raise RuntimeError(f"Accepted document {document.pk} has no DRN.")
        stamp = Stamp(
            kind=StampKind.FILED,
            court_name_en=court.name_en,
            court_name_zh=court.name_zh,
            case_number=case.case_number,
            moment=submission.deemed_received_at,
            drn=document.drn,
            version=document.sealed_version,
            access_codes=codes if document.document_type.starts_case else (),
            notice_lines=notice if document.document_type.starts_case else (),
        )
        sealed_bytes = seal_pdf(read_document(document.storage_key), stamp)
        with stored_once(
            sealed_bytes,
            prefix="sealed",
            claim=_sealed_copy_claim(document),
        ) as stored:
            sealed += stored is not None  # None: another worker sealed this one first
    reissued = submission.documents.filter(sealed_version__gt=1)
    if reissued.exists():
        if not reissued.filter(sealed_storage_key="").exists():
            sealed_copies_reissued_tell(submission=submission)
        return sealed
    # A summons's acceptance tells the prosecutor its return day too (filing/services/summonses.py).
    return_day = summons_return_day_words(summons, court)
    text = render_message(
        "filing/messages/submission_accepted",
        {"reference": submission.reference, "case_number": case.case_number, **return_day},
    )
    with transaction.atomic():
        _, created = message_post(
            recipient=submission.submitted_by,
            kind="decision",
            subject_en=text.subject.en,
            subject_zh=text.subject.zh,
            body_en=text.body.en,
            body_zh=text.body.zh,
            submission=submission,
        )
        if created:
            notify(
                recipients=[submission.submitted_by],
                template="decision",
                context={"submission": submission, "accepted": True, "case_number": case.case_number, **return_day},
            )
    return sealed


def sealed_copy_for_public(document: Document) -> bytes:
    """The sealed copy as the public may see it: an inspection copy is made from this.

    The sealed originating document carries the respondents' case access codes on its
    seal, which are for the parties alone: for it, the original is sealed again, at the
    same version and with the same DRN and time, without them (a summons keeps its return
    day, which the public cause list shows anyway). Any other sealed copy is returned as stored.
    """
    submission = document.submission
    if not (submission.opens_case and document.document_type.starts_case and seal_code_lines(submission)):
        return read_document(document.sealed_storage_key)
    case = submission.case
    court = case.case_type.court
    if submission.deemed_received_at is None or document.drn is None:
        raise RuntimeError("A sealed document has a DRN and a deemed receipt.")
    stamp = Stamp(
        kind=StampKind.FILED,
        court_name_en=court.name_en,
        court_name_zh=court.name_zh,
        case_number=case.case_number,
        moment=submission.deemed_received_at,
        drn=document.drn,
        version=document.sealed_version,
        notice_lines=summons_seal_lines(summons_for_case(case), court),
    )
    return seal_pdf(read_document(document.storage_key), stamp)


def _sealed_copy_claim(document: Document) -> Callable[[StoredDocument], int]:
    """Give the stored copy to ``document`` if it is still unsealed at this version."""
    unsealed = Document.objects.filter(pk=document.pk, sealed_storage_key="", sealed_version=document.sealed_version)
    return lambda stored: unsealed.update(sealed_storage_key=stored.key, sealed_sha256=stored.sha256)
