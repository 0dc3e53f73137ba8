"""Copies, certified true copies and certificates (issue 15, part 7): applying and paying.

Who may apply, and for what:

* **A party** (anyone who may act for the case: :func:`filing.access.cases_visible_to`)
  applies for a copy or a certified true copy of a document on their case file: a filed
  document once accepted and sealed, or a document the court issued. In a summons case
  (the Magistrates' Courts) they may also apply for a certificate of trial or of
  conviction. The portal holds no verdicts, so it never decides whether there was a
  conviction: the application is taken, and the registry issues the certificate with the
  particulars it states, or refuses it with a reason (:mod:`causebook.copy_issue`).
* **The public** (no sign-in) apply for a copy or a certified true copy of a document open
  to public inspection (:func:`causebook.inspection.inspectable_document`), giving a name
  and an email address. Never a certificate: that is for the parties.

The fee is data: the fee items ``<level>-COPY-PAGE`` (per page of each copy),
``<level>-CERTIFY`` (per certified copy) and ``MC-CERT-TRIAL`` / ``MC-CERT-CONVICTION`` (per
certificate), seeded by ``payments/0007_copy_fees`` (amounts not verified). It is quoted
and paid like the inspection fee (``payments.services.payment_order_create``, purpose
``"copy"``), with the e-fee concession of Cap. 638E/638F, which the fee rules apply to
every e-payment (:mod:`payments.fees`), the public's included. Payment moves the
application to the registry's queue (:func:`copy_application_order_paid`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from filing.access import AnyUser, case_for_user, submissions_visible_to
from filing.models import Case, CourtDocument, Document, Submission
from icms.core.audit import AuditEventType, audit_record
from icms.core.lookups import NotFound
from payments.fees import quote
from payments.models import PaymentOrder, new_reference, new_token
from payments.services import payment_order_create

from .inspection import FILED, ISSUED, inspectable_document
from .models import CopyApplication

Kind = CopyApplication.Kind
Status = CopyApplication.Status

#: The most copies one application may ask for (each copy is charged per page).
MAX_COPIES = 5
COPY_KINDS = (Kind.COPY, Kind.CERTIFIED_COPY)
CERTIFICATE_KINDS = (Kind.CERTIFICATE_OF_TRIAL, Kind.CERTIFICATE_OF_CONVICTION)
PURPOSE = "copy"

#: What each kind is called on the court's documents and the verification page (fixed bilingual text).
KIND_NAMES: dict[str, tuple[str, str]] = {
    Kind.COPY: ("Copy", "副本"),
    Kind.CERTIFIED_COPY: ("Certified true copy", "核證副本"),
    Kind.CERTIFICATE_OF_TRIAL: ("Certificate of trial", "審訊證明書"),
    Kind.CERTIFICATE_OF_CONVICTION: ("Certificate of conviction", "定罪證明書"),
}


# --- What may be copied -----------------------------------------------------------------


@dataclass(frozen=True)
class CopyTarget:
    """A document that may be copied: ``key`` is ``filed-<id>`` or ``issued-<id>``."""

    key: str
    document: Document | CourtDocument
    title: str
    type_en: str
    type_zh: str
    dated: datetime | None
    pages: int


def _filed_target(document: Document) -> CopyTarget:
    return CopyTarget(
        f"{FILED}-{document.pk}",
        document,
        document.title,
        document.document_type.name_en,
        document.document_type.name_zh,
        document.submission.deemed_received_at,
        document.pages,
    )


def _issued_target(document: CourtDocument) -> CopyTarget:
    label = CourtDocument.Kind(document.kind).label
    return CopyTarget(
        f"{ISSUED}-{document.pk}", document, document.title, str(label), str(label), document.issued_at, document.pages
    )


def target_for(document: Document | CourtDocument) -> CopyTarget:
    return _filed_target(document) if isinstance(document, Document) else _issued_target(document)


def is_summons_case(case: Case) -> bool:
    """A case of the Magistrates' summons courts: where certificates of trial and conviction are issued."""
    return str(case.case_type.court.level) == "MC"


def copy_case_for_user(*, user: AnyUser, case_id: int) -> Case:
    """A numbered case ``user`` may act for, else :class:`NotFound` (copies are of the court file)."""
    case = case_for_user(user, case_id)
    if case.number is None:
        raise NotFound
    return Case.objects.select_related("case_type__court").get(pk=case.pk)


def party_copy_targets(*, user: AnyUser, case: Case) -> list[CopyTarget]:
    """The documents of ``case`` that ``user`` may have copied: accepted, sealed filings they may
    see (not withdrawn from view), then the court's documents (not the copies it issued)."""
    filed = (
        Document.objects.filter(
            submission__in=submissions_visible_to(user).filter(case=case, status=Submission.Status.ACCEPTED),
            withdrawn_at__isnull=True,
        )
        .exclude(sealed_storage_key="")
        .select_related("document_type", "submission")
        .order_by("submission__deemed_received_at", "ordinal")
    )
    issued = CourtDocument.objects.filter(case=case, issued_for_application__isnull=True).order_by("issued_at")
    return [_filed_target(d) for d in filed] + [_issued_target(d) for d in issued]


def party_copy_target(*, user: AnyUser, case: Case, key: str) -> CopyTarget:
    """One of :func:`party_copy_targets` by its key, else :class:`NotFound`."""
    for target in party_copy_targets(user=user, case=case):
        if target.key == key:
            return target
    raise NotFound


def public_copy_target(*, kind: str, pk: int) -> CopyTarget:
    """A document open to public inspection, else :class:`NotFound` (the same for one that is not open)."""
    document = inspectable_document(kind=kind, pk=pk)
    if isinstance(document, Document):
        document = Document.objects.select_related("document_type", "submission").get(pk=document.pk)
    return target_for(document)


def target_case(document: Document | CourtDocument) -> Case:
    case: Case = document.submission.case if isinstance(document, Document) else document.case
    return case


# --- The fee ------------------------------------------------------------------------------


def copy_fee_items(*, kind: str, court_level: str, pages: int, copies: int) -> list[str]:
    """The fee item codes of an application, one per line (``payments.fees.quote``).

    A copy: the page fee for every page of every copy. A certified true copy: that, and the
    certifying fee once per copy. A certificate: its own fee once per copy.
    """
    if kind == Kind.CERTIFICATE_OF_TRIAL:
        return ["MC-CERT-TRIAL"] * copies
    if kind == Kind.CERTIFICATE_OF_CONVICTION:
        return ["MC-CERT-CONVICTION"] * copies
    items = [f"{court_level}-COPY-PAGE"] * (pages * copies)
    if kind == Kind.CERTIFIED_COPY:
        items += [f"{court_level}-CERTIFY"] * copies
    return items


def application_court_level(application: CopyApplication) -> str:
    return str(application.case.case_type.court.level)


def application_pages(application: CopyApplication) -> int:
    target = application.document or application.court_document
    return target.pages if target is not None else 0


def application_fee_items(application: CopyApplication) -> list[str]:
    return copy_fee_items(
        kind=application.kind,
        court_level=application_court_level(application),
        pages=application_pages(application),
        copies=application.copies,
    )


# --- Applying -----------------------------------------------------------------------------


def _check_copies(copies: int) -> None:
    if not 1 <= copies <= MAX_COPIES:
        raise ValidationError(
            {"copies": _("Ask for between 1 and %(most)s copies.") % {"most": MAX_COPIES}}, code="copies"
        )


def _check_kind(*, kind: str, case: Case, target: CopyTarget | None, public: bool) -> None:
    if kind in COPY_KINDS:
        if target is None:
            raise ValidationError({"kind": _("Choose the document to be copied.")}, code="no_document")
        return
    if kind not in CERTIFICATE_KINDS:
        raise ValidationError({"kind": _("Choose what you are applying for.")}, code="kind")
    if public:
        raise ValidationError({"kind": _("Only a party may apply for a certificate.")}, code="public_certificate")
    if target is not None or not is_summons_case(case):
        raise ValidationError(
            {"kind": _("Certificates of trial and of conviction are issued in summons cases only.")},
            code="not_summons",
        )


@transaction.atomic
def copy_application_create(
    *,
    applicant: User | None,
    case: Case,
    kind: str,
    copies: int,
    target: CopyTarget | None = None,
    applicant_name: str = "",
    applicant_email: str = "",
) -> CopyApplication:
    """Record an application, with its fee as quoted now. Audited (``causebook.copy_applied``).

    ``applicant`` is a party applying (the caller has checked, through the selectors, that
    they may act for ``case`` and see ``target``). ``None`` is the public (signed in or not),
    who give a name and an email, receive a link, and may apply only for a copy of a
    document open to public inspection (the caller found ``target`` with
    :func:`public_copy_target`).
    """
    public = applicant is None
    _check_copies(copies)
    _check_kind(kind=kind, case=case, target=target, public=public)
    name, email = " ".join(applicant_name.split()), applicant_email.strip()
    if public and not (name and email):
        raise ValidationError(_("Give your name and an email address for the copy."), code="no_contact")
    level = str(case.case_type.court.level)
    pages = target.pages if target is not None else 0
    fee = quote(copy_fee_items(kind=kind, court_level=level, pages=pages, copies=copies), level)
    application = CopyApplication(
        kind=kind,
        case=case,
        document=target.document if target and isinstance(target.document, Document) else None,
        court_document=target.document if target and isinstance(target.document, CourtDocument) else None,
        copies=copies,
        applicant=applicant,
        applicant_name=name if public else "",
        applicant_email=email if public else "",
        access_token=new_token() if public else None,
        fee_amount=fee.e_fee_total,
    )
    for _attempt in range(5):
        application.reference = new_reference("CA")
        application.full_clean(exclude=["access_token"])
        try:
            with transaction.atomic():
                application.save()
            break
        except IntegrityError:
            continue  # a reference drawn twice (1 in 10^15): draw again
    else:
        raise RuntimeError("Could not draw a unique application reference.")
    audit_record(
        event_type=AuditEventType.CAUSEBOOK_COPY_APPLIED,
        actor=applicant,
        target=application,
        target_label=application.reference,
        after=_snapshot(application),
    )
    return application


def _snapshot(application: CopyApplication) -> dict[str, object]:
    target = application.document or application.court_document
    return {
        "reference": application.reference,
        "kind": application.kind,
        "status": application.status,
        "case": application.case.case_number,
        "document": str(target) if target is not None else None,
        "drn": target.drn if target is not None else None,
        "copies": application.copies,
        "fee": str(application.fee_amount),
        "public": application.applicant_id is None,
    }


def copy_application_order_create(*, application: CopyApplication, payer: AnyUser) -> PaymentOrder:
    """The payment order of the application's fee (idempotent per application), as the inspection fee's."""
    return payment_order_create(
        purpose=PURPOSE,
        court_level=application_court_level(application),
        items=application_fee_items(application),
        idempotency_key=f"copy-{application.pk}",
        payer=payer if isinstance(payer, User) and payer.is_authenticated else None,
        purpose_ref=str(application.pk),
    )


def application_order(application: CopyApplication) -> PaymentOrder | None:
    """The application's payment order, if one was made."""
    return PaymentOrder.objects.filter(purpose=PURPOSE, purpose_ref=str(application.pk)).order_by("-pk").first()


# --- Payment --------------------------------------------------------------------------------


@transaction.atomic
def copy_application_mark_paid(
    *, application: CopyApplication, paid_at: datetime, payment_reference: str, amount: Decimal
) -> bool:
    """Awaiting payment → paid: the application joins the registry's queue. Idempotent; audited."""
    if timezone.is_naive(paid_at):
        raise ValidationError(_("The payment time must be timezone-aware."))
    updated = CopyApplication.objects.filter(pk=application.pk, status=Status.AWAITING_PAYMENT).update(
        status=Status.PAID,
        paid_at=paid_at,
        payment_reference=payment_reference,
        fee_amount=amount,
        updated_at=timezone.now(),
    )
    if updated:
        application.refresh_from_db()
        audit_record(
            event_type=AuditEventType.CAUSEBOOK_COPY_PAID,
            actor=application.applicant,
            target=application,
            target_label=application.reference,
            before={"status": Status.AWAITING_PAYMENT},
            after={**_snapshot(application), "payment": payment_reference, "paid_at": paid_at.isoformat()},
        )
    return bool(updated)


def _application_of(order: object) -> CopyApplication | None:
    ref = str(getattr(order, "purpose_ref", ""))
    if not ref.isdigit():
        return None
    return (
        CopyApplication.objects.select_related(
            "case__case_type__court", "document__submission", "court_document", "applicant"
        )
        .filter(pk=int(ref))
        .first()
    )


def copy_application_order_paid(order: PaymentOrder) -> None:
    """The payments hook for purpose ``"copy"`` (at least once: idempotent)."""
    application = _application_of(order)
    if application is not None and order.received_at is not None:
        copy_application_mark_paid(
            application=application, paid_at=order.received_at, payment_reference=order.reference, amount=order.amount
        )


def copy_application_continue_url(order: PaymentOrder) -> str | None:
    """After paying: the public's status page (by its token), or the party's list of applications."""
    application = _application_of(order)
    if application is None:
        return None
    if application.access_token:
        return reverse("causebook:copy_status", args=[application.access_token])
    return reverse("causebook:copies_mine") + f"#{application.reference}"


def application_label(application: CopyApplication) -> str:
    """ "Certified true copy of “Defence” (DCCJ 12/2026)", in the reader's language."""
    target = application.document or application.court_document
    if target is None:
        return gettext("%(kind)s (%(case_number)s)") % {
            "kind": application.get_kind_display(),
            "case_number": application.case.case_number,
        }
    return gettext("%(kind)s of “%(title)s” (%(case_number)s)") % {
        "kind": application.get_kind_display(),
        "title": target.title,
        "case_number": application.case.case_number,
    }


def copy_application_description(order: PaymentOrder) -> str | None:
    """What a copy order pays for, for the payer (never the application's key)."""
    application = _application_of(order)
    return application_label(application) if application is not None else None


# --- Reading applications ------------------------------------------------------------------


def applications_for_user(user: User) -> QuerySet[CopyApplication]:
    """The user's own applications, newest first (a party's; the public have their link)."""
    return CopyApplication.objects.filter(applicant=user).select_related(
        "case__case_type", "document", "court_document", "issued"
    )


def application_for_token(token: str) -> CopyApplication:
    """A member of the public's application, by the token in their link; else :class:`NotFound`."""
    found = (
        CopyApplication.objects.select_related("case__case_type__court", "document", "court_document", "issued")
        .filter(access_token=token, applicant__isnull=True)
        .first()
        if token
        else None
    )
    if found is None:
        raise NotFound
    return found


def issued_copy_for_token(token: str) -> CourtDocument:
    """The issued copy of a public application, by its token; :class:`NotFound` until it is issued."""
    application = application_for_token(token)
    if application.status != Status.ISSUED or application.issued is None:
        raise NotFound
    return application.issued
