"""Public inspection of documents open to it: the index, the fee, and the inspection copy.

Only documents open to public inspection (set from the document type when a filing
is accepted, or by staff on a court document) ever appear here: not the titles and
not the count of the others (icms-reference §4). What the buyer receives is an
inspection copy, watermarked on every page; originals and sealed copies are never
handed out here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from filing.access import AnyUser
from filing.models import Case, CourtDocument, Document, Submission
from filing.sealing import drn_format
from icms.core.audit import AuditEventType, audit_record
from icms.core.lookups import NotFound

from .models import InspectionPurchase

FILED = "filed"
ISSUED = "issued"


@dataclass(frozen=True)
class InspectableDocument:
    kind: str
    pk: int
    title: str
    type_en: str
    type_zh: str
    dated: datetime | None
    pages: int


def _public_filed(case: Case) -> list[Document]:
    return list(
        Document.objects.filter(
            submission__case=case,
            submission__status=Submission.Status.ACCEPTED,
            public_inspection=True,
            withdrawn_at__isnull=True,  # withdrawn from view: not open to anyone but staff
        )
        .exclude(sealed_storage_key="")
        .select_related("document_type", "submission")
        .order_by("submission__deemed_received_at", "ordinal")
    )


def inspectable_documents(case: Case) -> list[InspectableDocument]:
    """The index of a case's documents open to public inspection (two queries)."""
    entries = [
        InspectableDocument(
            FILED,
            d.pk,
            d.title,
            d.document_type.name_en,
            d.document_type.name_zh,
            d.submission.deemed_received_at,
            d.pages,
        )
        for d in _public_filed(case)
    ]
    for c in CourtDocument.objects.filter(case=case, public_inspection=True).order_by("issued_at"):
        label = CourtDocument.Kind(c.kind).label
        entries.append(InspectableDocument(ISSUED, c.pk, c.title, str(label), str(label), c.issued_at, c.pages))
    return entries


def inspectable_document(*, kind: str, pk: int) -> Document | CourtDocument:
    """A document open to public inspection, or 404 (the same for one that is not open)."""
    found: Document | CourtDocument | None
    if kind == FILED:
        found = (
            Document.objects.filter(
                pk=pk, submission__status=Submission.Status.ACCEPTED, public_inspection=True, withdrawn_at__isnull=True
            )
            .exclude(sealed_storage_key="")
            .first()
        )
    elif kind == ISSUED:
        found = CourtDocument.objects.filter(pk=pk, public_inspection=True).first()
    else:
        found = None
    if found is None:
        raise NotFound
    return found


@transaction.atomic
def inspection_purchase_create(*, user: AnyUser, kind: str, pk: int) -> InspectionPurchase:
    document = inspectable_document(kind=kind, pk=pk)
    purchase = InspectionPurchase.objects.create(
        document=document if isinstance(document, Document) else None,
        court_document=document if isinstance(document, CourtDocument) else None,
        token=secrets.token_urlsafe(32),
        user=user if isinstance(user, User) and user.is_authenticated else None,
    )
    return purchase


def inspection_case(purchase: InspectionPurchase) -> Case:
    """The case of the inspected document."""
    target = purchase.target
    case: Case = target.submission.case if isinstance(target, Document) else target.case
    return case


def inspection_court_level(purchase: InspectionPurchase) -> str:
    return str(inspection_case(purchase).case_type.court.level)


@transaction.atomic
def inspection_purchase_grant(*, purchase: InspectionPurchase, paid_at: datetime, payment_reference: str = "") -> bool:
    """Open the inspection for ``CAUSEBOOK_INSPECTION_ACCESS_HOURS`` (24) from payment. Idempotent; audited."""
    if timezone.is_naive(paid_at):
        raise ValidationError(_("The payment time must be timezone-aware."))
    hours = int(settings.CAUSEBOOK_INSPECTION_ACCESS_HOURS)
    updated = InspectionPurchase.objects.filter(pk=purchase.pk, paid_at__isnull=True).update(
        paid_at=paid_at, expires_at=paid_at + timedelta(hours=hours), payment_reference=payment_reference
    )
    if updated:
        audit_record(
            event_type=AuditEventType.CAUSEBOOK_INSPECTION_PAID,
            actor=purchase.user,
            target=purchase,
            after={"document": str(purchase.target), "payment": payment_reference},
        )
    return bool(updated)


def inspection_order_paid(order: object) -> None:
    """The payments hook for purpose "inspection"; ``purpose_ref`` is the purchase's key."""
    ref = getattr(order, "purpose_ref", "")
    received_at = getattr(order, "received_at", None)
    if not str(ref).isdigit() or received_at is None:
        return
    purchase = InspectionPurchase.objects.filter(pk=int(ref)).first()
    if purchase is not None:
        inspection_purchase_grant(purchase=purchase, paid_at=received_at, payment_reference=order.reference)  # type: ignore[attr-defined]


def inspection_continue_url(order: object) -> str | None:
    from django.urls import reverse

    ref = str(getattr(order, "purpose_ref", ""))
    token = (
        InspectionPurchase.objects.filter(pk=int(ref)).values_list("token", flat=True).first()
        if ref.isdigit()
        else None
    )
    return reverse("causebook:inspection", args=[token]) if token else None


def inspection_description(order: object) -> str | None:
    """What an inspection order pays for, for the payer: the document's title and its case
    number (never the purchase's key)."""
    ref = str(getattr(order, "purpose_ref", ""))
    purchase = (
        InspectionPurchase.objects.select_related(
            "document__submission__case__case_type", "court_document__case__case_type"
        )
        .filter(pk=int(ref))
        .first()
        if ref.isdigit()
        else None
    )
    if purchase is None:
        return None
    return gettext("“%(title)s” (%(case_number)s)") % {
        "title": purchase.target.title,
        "case_number": inspection_case(purchase).case_number,
    }


@dataclass(frozen=True)
class BackLink:
    url: str
    text: str


def inspection_back_link(*, purchase: InspectionPurchase, user: AnyUser) -> BackLink:
    """Where the inspection page leads back to.

    The case's cause book page for those who may see it without a search token (staff and
    those acting for the case); for anyone else the cause book search. An inspection does
    not record the paid search it came from, and the case page opens to the public only
    with that search's token, so a link to the case would be a dead end for them.
    """
    from .selectors import cause_book_case

    case = inspection_case(purchase)
    try:
        cause_book_case(user=user, case_id=case.pk)
    except NotFound:
        return BackLink(url=reverse("causebook:search"), text=gettext("Back to the cause book search"))
    return BackLink(
        url=reverse("causebook:case", args=[case.pk]),
        text=gettext("Back to %(case_number)s") % {"case_number": case.case_number},
    )


def inspection_for_token(token: str) -> InspectionPurchase:
    purchase = (
        InspectionPurchase.objects.select_related(
            "document__document_type",
            "document__submission__case__case_type__court",
            "court_document__case__case_type__court",
        )
        .filter(token=token)
        .first()
    )
    if purchase is None:
        raise NotFound
    return purchase


def inspection_is_open(purchase: InspectionPurchase, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return purchase.expires_at is not None and purchase.expires_at > now


def inspection_copy_bytes(*, purchase: InspectionPurchase, actor: AnyUser) -> tuple[bytes, str]:
    """The watermarked inspection copy of a paid, unexpired inspection, and a file name. Audited."""
    from filing.inspection_copy import inspection_copy
    from filing.services.sealing import sealed_copy_for_public
    from icms.core.storage import read_document

    if not inspection_is_open(purchase):
        raise NotFound
    target = purchase.target
    case = target.submission.case if isinstance(target, Document) else target.case
    made_at = timezone.now()
    # An originating document's seal carries the parties' case access codes: not for the public.
    source = (
        sealed_copy_for_public(target) if isinstance(target, Document) else read_document(target.sealed_storage_key)
    )
    data = inspection_copy(source, made_at=made_at, case_number=case.case_number)
    with transaction.atomic():
        audit_record(
            event_type=AuditEventType.CAUSEBOOK_INSPECTION_COPY_MADE,
            actor=actor if getattr(actor, "is_authenticated", False) else None,  # type: ignore[arg-type]
            target=purchase,
            after={"document": str(target), "drn": target.drn, "made_at": made_at.isoformat()},
        )
    return data, f"inspection-copy-{drn_format(target.drn or '').replace(' ', '')}.pdf"
