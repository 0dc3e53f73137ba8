"""The registry issues or refuses an application for a copy or a certificate (causebook/copies.py).

**Issue** (:func:`copy_application_issue`, from the admin's queue of paid applications):

* a copy or a certified true copy is made from the stored bytes of the document as it is on
  the court file: a filing's sealed copy (without the respondents' case access codes, as for
  the public: :func:`filing.services.sealing.sealed_copy_for_public`), or the court
  document's issued copy. As many copies as were paid for follow one another in one PDF;
* a certificate of trial or of conviction is rendered, bilingual, from
  ``causebook/pdf/certificate.html`` with the particulars the registry states (the portal
  holds no verdicts);
* either is issued to the case with :func:`filing.services.court_document_issue`, which
  seals every page with a new DRN: "CERTIFIED TRUE COPY · 核證副本" for a certified copy,
  "COPY / 副本" for a copy, "ISSUED / 發出" for a certificate. It goes to the applicant
  alone: a party's message box (with an email), or for the public an email with the link
  of their application (``causebook:copy_status``), whose download checks the token.

**Refuse** (:func:`copy_application_refuse`): with a reason the applicant is told; a paid
fee is refunded through :func:`payments.services.refund_request_for_order`, as for a
returned filing (an accounts officer approves it).

Both are audited in the same transaction (``causebook.copy_issued``, ``causebook.copy_refused``).
Rendering and sealing happen in the request, as for a notice of hearing (causebook/hearings.py).
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader, PdfWriter

from accounts.models import User
from filing.describers import CourtDocumentDescription
from filing.models import CourtDocument, Document, Party
from filing.notifications import notify
from filing.sealing import StampKind
from filing.services import court_document_issue, message_post
from filing.services.review import require_registry_staff
from filing.services.sealing import sealed_copy_for_public
from icms.core.audit import AuditEventType, audit_record
from icms.core.email import absolute_url, email_enqueue_in_languages
from icms.core.languages import is_chinese
from icms.core.messages import render_bilingual, render_text
from icms.core.rendering import BASE_STYLESHEET, format_date_en, format_date_zh, render_pdf
from icms.core.storage import read_document
from payments.models import PaymentOrder
from payments.services import refund_request_for_order

from .copies import CERTIFICATE_KINDS, KIND_NAMES, Kind, Status, _snapshot, application_order
from .models import CopyApplication

STAMPS: dict[str, StampKind] = {
    Kind.COPY: StampKind.COPY,
    Kind.CERTIFIED_COPY: StampKind.CERTIFIED_COPY,
    Kind.CERTIFICATE_OF_TRIAL: StampKind.ISSUED,
    Kind.CERTIFICATE_OF_CONVICTION: StampKind.ISSUED,
}


def issued_title(application: CopyApplication) -> str:
    """The issued document's title, one line in both languages (as a notice of hearing's)."""
    english, chinese = KIND_NAMES[application.kind]
    target = application.document or application.court_document
    if target is None:
        return f"{english} {chinese} — {application.case.case_number}"
    return f"{english} {chinese} — {target.title}"


def _bundle(source: bytes, copies: int) -> bytes:
    """``copies`` copies of ``source``, one after another, in one PDF."""
    if copies == 1:
        return source
    writer = PdfWriter()
    for _copy in range(copies):
        writer.append(PdfReader(BytesIO(source)))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _source(application: CopyApplication) -> bytes:
    if application.document is not None:
        return sealed_copy_for_public(application.document)
    if application.court_document is not None:
        return read_document(application.court_document.sealed_storage_key)
    raise ValidationError(_("This application names no document to copy."), code="no_document")


def certificate_context(application: CopyApplication, *, particulars: str, issued_at: datetime) -> dict[str, object]:
    """What a certificate shows, in both languages: the case, its parties, the summons's offence
    (when the case has one), and the registry's particulars of the trial or conviction as entered."""
    case = application.case
    court = case.case_type.court
    english, chinese = KIND_NAMES[application.kind]
    parties = []
    for party in case.parties.order_by("side", "ordinal"):
        role_en, role_zh = case.case_type.role_names(party.side)
        parties.append(
            {
                "role_en": role_en,
                "role_zh": role_zh,
                "name_en": party.name_en,
                "name_zh": party.name_zh,
                "defendant": party.side != Party.Side.APPLICANT,
            }
        )
    summons = getattr(case, "summons", None)
    return {
        "kind": application.kind,
        "title_en": english,
        "title_zh": chinese,
        "case_number": case.case_number,
        "court_en": court.name_en,
        "court_zh": court.name_zh,
        "parties": parties,
        "summons": summons,
        "particulars": particulars.strip(),
        "reference": application.reference,
        "issued_en": format_date_en(issued_at),
        "issued_zh": format_date_zh(issued_at),
    }


def certificate_render(application: CopyApplication, *, particulars: str, issued_at: datetime) -> bytes:
    """The certificate as a tagged, archival PDF (not yet sealed: issuing seals it)."""
    return render_pdf(
        "causebook/pdf/certificate.html",
        certificate_context(application, particulars=particulars, issued_at=issued_at),
        stylesheets=(BASE_STYLESHEET, "causebook/pdf/court_document.css", "causebook/pdf/certificate.css"),
    )


def _require_paid(application: CopyApplication) -> CopyApplication:
    """The application's row, locked, if it is still paid and waiting; else ``ValidationError``."""
    current = CopyApplication.objects.select_for_update().get(pk=application.pk)
    if current.status != Status.PAID:
        raise ValidationError(
            _("This application is no longer waiting to be issued (it is %(status)s).")
            % {"status": current.get_status_display()},
            code="not_paid",
        )
    return current


def copy_application_issue(
    *, application: CopyApplication, staff: User, particulars: str = "", ip_address: str | None = None
) -> CourtDocument:
    """Issue the copy or certificate of a paid application, to its applicant alone.

    ``particulars`` (certificates only, required) is the registry's statement of the trial
    or conviction, printed on the certificate. Refused (``ValidationError``) for an
    application not paid or already decided, or a certificate without particulars.
    """
    require_registry_staff(staff)
    application = CopyApplication.objects.select_related(
        "case__case_type__court",
        "document__submission__case__case_type__court",
        "document__document_type",
        "court_document",
        "applicant",
    ).get(pk=application.pk)
    if application.status != Status.PAID:
        raise ValidationError(
            _("This application is no longer waiting to be issued (it is %(status)s).")
            % {"status": application.get_status_display()},
            code="not_paid",
        )
    issued_at = timezone.now()
    if application.kind in CERTIFICATE_KINDS:
        if not particulars.strip():
            raise ValidationError(
                {"particulars": _("State the particulars the certificate certifies, as on the court's record.")}
            )
        pdf = certificate_render(application, particulars=particulars, issued_at=issued_at)
    else:
        pdf = _source(application)
    pdf = _bundle(pdf, application.copies)

    def record(document: CourtDocument) -> None:
        current = _require_paid(application)
        before = {"status": current.status}
        current.status = Status.ISSUED
        current.issued = document
        current.issued_at = document.issued_at
        current.decided_by = staff
        current.save(update_fields=["status", "issued", "issued_at", "decided_by", "updated_at"])
        audit_record(
            event_type=AuditEventType.CAUSEBOOK_COPY_ISSUED,
            actor=staff,
            target=current,
            target_label=current.reference,
            before=before,
            after={
                **_snapshot(current),
                "issued_drn": document.drn,
                "issued_sha256": document.sealed_sha256,
                "particulars": particulars.strip(),
            },
            ip_address=ip_address,
        )
        _tell_issued(current, document)

    document = court_document_issue(
        case=application.case,
        staff=staff,
        kind=CourtDocument.Kind.OTHER,
        title=issued_title(application),
        file=BytesIO(pdf),
        ip_address=ip_address,
        on_issue=record,
        stamp_kind=STAMPS[application.kind],
        deliver=False,
    )
    application.refresh_from_db()
    return document


def _tell_issued(application: CopyApplication, document: CourtDocument) -> None:
    """The party's message box and an email; for the public, an email with their link. In the
    issuing transaction: the messages commit with it, and the emails go after (the outbox)."""
    case_number = application.case.case_number
    if application.applicant is not None:
        subject = render_bilingual(
            "filing/messages/court_document_subject.txt",
            {"kind": "", "title": document.title, "case_number": case_number},
        )
        message_post(
            recipient=application.applicant,
            kind="court_document",
            subject_en=subject.en,
            subject_zh=subject.zh,
            court_document=document,
        )
        notify(
            recipients=[application.applicant],
            template="court_document",
            context={"case_number": case_number, "title": document.title},
        )
        return
    _email_public(application, "copy_issued")


def _kind_lower(application: CopyApplication) -> object:
    """The kind as a sentence says it ("certified true copy"), in the language being rendered."""
    return lazy(lambda: str(Kind(application.kind).label).lower(), str)()


def _render_email(template: str, context: dict[str, object], language: str) -> tuple[str, str]:
    context = {**context, "chinese": is_chinese(language)}
    return (
        render_text(f"causebook/email/{template}_subject.txt", context, language=language),
        render_text(f"causebook/email/{template}.txt", context, language=language),
    )


def _email_public(application: CopyApplication, template: str) -> None:
    if not application.access_token:
        raise RuntimeError(f"Public application {application.reference} has no link.")
    context: dict[str, object] = {
        "name": application.applicant_name,
        "reference": application.reference,
        "case_number": application.case.case_number,
        "kind": _kind_lower(application),
        "reason": application.refusal_reason,
        "url": absolute_url(reverse("causebook:copy_status", args=[application.access_token])),
    }
    email_enqueue_in_languages(
        to=application.applicant_email,
        language=settings.LANGUAGE_CODE,
        render=partial(_render_email, template, context),
    )


@transaction.atomic
def copy_application_refuse(
    *, application: CopyApplication, staff: User, reason: str, ip_address: str | None = None
) -> CopyApplication:
    """Refuse an application awaiting payment or paid, with a reason the applicant is told.

    A paid fee is refunded: a refund request on the order, approved by an accounts officer
    (as for a returned filing). Audited; the applicant is emailed.
    """
    require_registry_staff(staff)
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": _("Give the reason: the applicant is told it.")}, code="no_reason")
    current = CopyApplication.objects.select_for_update().get(pk=application.pk)
    if current.status not in (Status.AWAITING_PAYMENT, Status.PAID):
        raise ValidationError(
            _("This application is no longer open (it is %(status)s).") % {"status": current.get_status_display()},
            code="decided",
        )
    before = {"status": current.status}
    current.status = Status.REFUSED
    current.refusal_reason = text
    current.decided_by = staff
    current.save(update_fields=["status", "refusal_reason", "decided_by", "updated_at"])
    order = application_order(current)
    refund = None
    if order is not None and order.status == PaymentOrder.Status.PAID:
        refund = refund_request_for_order(
            order=order, reason=f"Copy application {current.reference} refused: {text}", requested_by=staff
        )
    audit_record(
        event_type=AuditEventType.CAUSEBOOK_COPY_REFUSED,
        actor=staff,
        target=current,
        target_label=current.reference,
        before=before,
        after={**_snapshot(current), "reason": text, "refund": refund.reference if refund else None},
        ip_address=ip_address,
    )
    if current.applicant is not None:
        if current.applicant.is_active and current.applicant.email:
            email_enqueue_in_languages(
                to=current.applicant.email,
                language=current.applicant.preferred_language or settings.LANGUAGE_CODE,
                render=partial(_render_email, "copy_refused", _refusal_context(current)),
            )
    else:
        _email_public(current, "copy_refused")
    return current


def _refusal_context(application: CopyApplication) -> dict[str, object]:
    return {
        "name": application.applicant.get_full_name() if application.applicant else application.applicant_name,
        "reference": application.reference,
        "case_number": application.case.case_number,
        "kind": _kind_lower(application),
        "reason": application.refusal_reason,
        "url": absolute_url(reverse("causebook:copies_mine")),
    }


# --- The verification page ---------------------------------------------------------------


def copy_court_document_description(court_document: CourtDocument) -> CourtDocumentDescription | None:
    """What /verify/ says of a copy or certificate issued on an application: "Certified true copy
    of Defence, issued 6 December 2026". The document copied is named by its type, never its
    title: the page says no more than a case number and a document type."""
    application = (
        CopyApplication.objects.select_related("document__document_type", "court_document", "case")
        .filter(issued=court_document)
        .first()
    )
    if application is None or application.issued_at is None:
        return None
    english, chinese = KIND_NAMES[application.kind]
    issued_en, issued_zh = format_date_en(application.issued_at), format_date_zh(application.issued_at)
    target = application.document or application.court_document
    if isinstance(target, Document):
        of_en, of_zh = target.document_type.name_en, target.document_type.name_zh
    elif isinstance(target, CourtDocument):
        label = KIND_LABELS.get(target.kind, ("Court document", "法庭文件"))
        of_en, of_zh = label
    else:
        return CourtDocumentDescription(
            kind_en=english,
            kind_zh=chinese,
            description_en=f"{english} in {application.case.case_number}, issued {issued_en}",
            description_zh=f"{application.case.case_number}的{chinese}，於{issued_zh}發出",
        )
    return CourtDocumentDescription(
        kind_en=english,
        kind_zh=chinese,
        description_en=f"{english} of {of_en}, issued {issued_en}",
        description_zh=f"{of_zh}的{chinese}，於{issued_zh}發出",
    )


#: The court's own documents' kinds, in both languages, for the description above (fixed text).
KIND_LABELS: dict[str, tuple[str, str]] = {
    CourtDocument.Kind.JUDGMENT: ("Judgment", "判決書"),
    CourtDocument.Kind.ORDER: ("Order", "命令"),
    CourtDocument.Kind.NOTICE_OF_HEARING: ("Notice of hearing", "聆訊通知書"),
    CourtDocument.Kind.OTHER: ("Court document", "法庭文件"),
}
