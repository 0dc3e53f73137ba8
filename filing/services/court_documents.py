"""Documents the court issues to a case, delivered to everyone acting for the parties."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import lazy

from accounts.models import User
from icms.core.audit import AuditEventType, audit_record
from icms.core.messages import render_bilingual
from icms.core.storage import StoredFiles

from ..access import case_recipients
from ..models import Case, CourtDocument
from ..pdf_checks import PdfInfo, validate_pdf
from ..sealing import Stamp, StampKind, drn_generate, seal_pdf
from .messages import message_post
from .review import ReviewRefused, require_registry_staff


def court_document_issue(
    *,
    case: Case,
    staff: User,
    kind: str,
    title: str,
    file: IO[bytes] | Any,
    public_inspection: bool = False,
    checked: PdfInfo | None = None,
    ip_address: str | None = None,
    on_issue: Callable[[CourtDocument], None] | None = None,
    stamp_kind: StampKind = StampKind.ISSUED,
    deliver: bool = True,
) -> CourtDocument:
    """Issue a document to a case: checked, stamped ISSUED with a DRN, stored, audited.

    ``checked`` is the result of :func:`~filing.pdf_checks.validate_pdf` on this file when
    the caller has already checked it (the admin form does, to show the error on the
    field); the file is then not parsed again. Nothing is trusted blindly: the stored
    bytes must hash to ``checked.sha256``, or nothing is kept. Delivery to the message
    boxes follows on commit.

    ``on_issue(document)`` runs inside the issuing transaction, after the document row
    is written: a later app records what the document is for (causebook's hearing and
    its notice) in the same transaction, without filing knowing of it. If it raises,
    nothing is issued and no file is kept.

    ``stamp_kind`` is the band's label: ISSUED for the court's own documents, COPY or
    CERTIFIED_COPY for a copy issued on an application. ``deliver=False`` leaves delivery
    to the caller: a copy goes to its applicant alone, not to every party on the case.
    """
    require_registry_staff(staff)
    if case.number is None:
        raise ReviewRefused("A court document can be issued only to a numbered case.", code="no_number")
    info = checked if checked is not None else validate_pdf(file)
    file.seek(0)
    original = file.read()
    issued_at = timezone.now()
    court = case.case_type.court
    for _attempt in range(5):
        drn = drn_generate()
        stamp = Stamp(
            kind=stamp_kind,
            court_name_en=court.name_en,
            court_name_zh=court.name_zh,
            case_number=case.case_number,
            moment=issued_at,
            drn=drn,
        )
        sealed = seal_pdf(original, stamp)
        try:
            with StoredFiles() as files:
                stored = files.save(original, expected_sha256=info.sha256, prefix="court-documents")
                stored_sealed = files.save(sealed, prefix="court-documents")
                document = CourtDocument.objects.create(
                    case=case,
                    kind=kind,
                    title=title.strip()[:255],
                    storage_key=stored.key,
                    sha256=stored.sha256,
                    sealed_storage_key=stored_sealed.key,
                    sealed_sha256=stored_sealed.sha256,
                    size=stored.size,
                    pages=info.pages,
                    drn=drn,
                    public_inspection=public_inspection,
                    issued_by=staff,
                    issued_at=issued_at,
                )
                audit_record(
                    event_type=AuditEventType.FILING_COURT_DOCUMENT_ISSUED,
                    actor=staff,
                    target=document,
                    after={"case": case.case_number, "kind": kind, "drn": drn, "sha256": stored_sealed.sha256},
                    ip_address=ip_address,
                )
                from .follow_up import court_document_delivery_owe

                if deliver:
                    court_document_delivery_owe(document)
                    from ..webhooks import court_document_issued_event

                    # Every organisation on record hears of it (accounts.webhooks); a copy for
                    # one applicant is not news for the parties.
                    court_document_issued_event(document)
                if on_issue is not None:
                    on_issue(document)
            return document
        except IntegrityError:
            continue  # a DRN collision; draw again
    raise RuntimeError("Could not draw a unique DRN.")


def _kind_unless_titled(kind: object, title: str) -> str:
    """The kind's name, or nothing when the title already starts with it, in the language being
    rendered: "Notice of hearing: Notice of hearing: …" says it twice."""
    label = str(kind)
    return "" if title.strip().casefold().startswith(label.casefold()) else label


def court_document_deliver(*, court_document_id: int) -> int:
    """Post the document to every recipient's message box, with an email notice. Idempotent."""
    from ..notifications import notify

    court_document = CourtDocument.objects.select_related("case__case_type__court").get(pk=court_document_id)
    case = court_document.case
    subject = render_bilingual(
        "filing/messages/court_document_subject.txt",
        {
            "kind": lazy(_kind_unless_titled, str)(
                CourtDocument.Kind(court_document.kind).label, court_document.title
            ),
            "title": court_document.title,
            "case_number": case.case_number,
        },
    )
    delivered: list[User] = []
    with transaction.atomic():
        for recipient in case_recipients(case):
            _, created = message_post(
                recipient=recipient,
                kind="court_document",
                subject_en=subject.en,
                subject_zh=subject.zh,
                # No attachment of its own: the document is fetched through
                # filing:court_document, which checks access on every download.
                court_document=court_document,
            )
            if created:
                delivered.append(recipient)
        notify(
            recipients=delivered,
            template="court_document",
            context={"case_number": case.case_number, "title": court_document.title},
        )
    return len(delivered)
