"""Changing cause book state: search purchases and the daily cause list's hearings.

Every function is atomic and keyword-only; views, the admin and payment hooks call these
and nothing else.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from filing.access import AnyUser
from icms.core.audit import AuditEventType, audit_record
from icms.core.lookups import NotFound

from .models import CalendarKeys, Hearing, SearchPurchase
from .query import SearchQuery
from .search import find_cases, max_matches
from .selectors import administered_organisation, purchase_query

if TYPE_CHECKING:
    from accounts.models import User
    from payments.models import PaymentOrder


def _aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got a naive one: {value!r}")


@transaction.atomic
def search_purchase_create(*, user: AnyUser, query: SearchQuery) -> SearchPurchase:
    """Before payment: record the search and how many cases match; returns the unpaid purchase.

    Its ``token`` (unguessable, 256 bits) is the key to the results once
    :func:`search_purchase_grant` has run. Refused when nothing matches: there is
    nothing to buy.
    """
    if query.mode == "empty":
        raise ValidationError(_("Enter a party name or a case number to search for."), code="empty")
    hits = find_cases(query)
    if not hits.total:
        raise ValidationError(_("No case matches this search, so there is nothing to pay for."), code="no_match")
    purchase = SearchPurchase(
        query=query.normal_form(),
        result_count=hits.total,
        count_is_estimate=hits.estimated,
        token=secrets.token_urlsafe(32),
        user=user if user.is_authenticated else None,
    )
    purchase.full_clean()
    purchase.save()
    return purchase


@transaction.atomic
def search_purchase_grant(
    *, purchase: SearchPurchase, paid_at: datetime, payment_reference: str = ""
) -> SearchPurchase:
    """After payment: open the result set for ``CAUSEBOOK_SEARCH_ACCESS_HOURS`` (24) from ``paid_at``.

    Keeps the result set as it stands now, in rank order (``case_ids``): the token opens
    exactly those cases. Idempotent (payment callbacks arrive at least once): the first
    grant wins and later ones change nothing. ``paid_at`` must be aware.
    """
    _aware(paid_at, "paid_at")
    expires_at = paid_at + timedelta(hours=int(settings.CAUSEBOOK_SEARCH_ACCESS_HOURS))
    if SearchPurchase.objects.filter(pk=purchase.pk, paid_at__isnull=False).exists():
        purchase.refresh_from_db()
        return purchase
    # The result set as it stands at payment, ranked: what the token opens for 24 hours.
    hits = find_cases(purchase_query(purchase), limit=max_matches())
    updated = SearchPurchase.objects.filter(pk=purchase.pk, paid_at__isnull=True).update(
        paid_at=paid_at,
        expires_at=expires_at,
        payment_reference=payment_reference or purchase.payment_reference,
        case_ids=hits.case_ids,
        capped=hits.capped,
    )
    purchase.refresh_from_db()
    if updated:
        audit_record(
            event_type=AuditEventType.CAUSEBOOK_SEARCH_ACCESS_GRANTED,
            actor=purchase.user,
            target=purchase,
            target_label=purchase.query[:255],
            after={
                "paid_at": paid_at.isoformat(),
                "expires_at": expires_at.isoformat(),
                "payment_reference": purchase.payment_reference,
                "result_count": purchase.result_count,
                "result_set": len(purchase.case_ids or []),
                "capped": purchase.capped,
            },
        )
    return purchase


def search_purchase_order_paid(order: PaymentOrder) -> None:
    """The payments hook for purpose "search": grant the purchase the order paid for.

    Registered in :class:`causebook.apps.CausebookConfig`; the order's ``purpose_ref``
    is the purchase's primary key.
    """
    if not order.purpose_ref.isdigit() or order.received_at is None:
        return
    purchase = SearchPurchase.objects.filter(pk=int(order.purpose_ref)).first()
    if purchase is not None:
        search_purchase_grant(purchase=purchase, paid_at=order.received_at, payment_reference=order.reference)


def search_fee_court_level(query: SearchQuery) -> str:
    """The court level whose fee schedule prices this search: the Magistrates' Courts when
    the search is limited to a magistracy, else the District Court."""
    from filing.models import Court

    level = Court.objects.filter(code=query.court).values_list("level", flat=True).first() if query.court else None
    return level or Court.Level.DISTRICT


def search_fee_item(query: SearchQuery) -> str:
    """The fee item of one cause book search (HK$18 standard, HK$14 through iCMS: icms-reference §3)."""
    return f"{search_fee_court_level(query)}-SEARCH"


def search_purchase_continue_url(order: PaymentOrder) -> str | None:
    """After paying, back to the bought results."""
    from django.urls import reverse

    if not order.purpose_ref.isdigit():
        return None
    token = SearchPurchase.objects.filter(pk=int(order.purpose_ref)).values_list("token", flat=True).first()
    return reverse("causebook:purchase", args=[token]) if token else None


def search_purchase_description(order: PaymentOrder) -> str | None:
    """What a search order pays for, for the payer: the search text (never the purchase's key)."""
    if not order.purpose_ref.isdigit():
        return None
    purchase = SearchPurchase.objects.filter(pk=int(order.purpose_ref)).only("query").first()
    if purchase is None:
        return None
    query = purchase_query(purchase)
    text = query.normal_q or " ".join(part for part in (query.court, query.case_type) if part)
    return gettext("“%(text)s”") % {"text": text} if text else None


# --- Hearings --------------------------------------------------------------------------

HEARING_FIELDS = (
    "case_id",
    "court_id",
    "courtroom",
    "judge_en",
    "judge_zh",
    "hearing_type",
    "nature_en",
    "nature_zh",
    "representation_en",
    "representation_zh",
    "status",
)


def _hearing_snapshot(hearing: Hearing) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(hearing, name) for name in HEARING_FIELDS}
    data["starts_at"] = hearing.starts_at.isoformat() if hearing.starts_at else None
    return data


def hearing_validate(hearing: Hearing) -> None:
    """Raise ``ValidationError`` unless ``hearing`` may be listed (the admin form calls this too)."""
    hearing.full_clean()
    case = hearing.case
    if case.number is None:
        raise ValidationError({"case": _("Only a case with a case number can be listed for hearing.")})
    if case.case_type.court_id != hearing.court_id:
        message = _("The hearing must be in the court of the case (%(court)s).") % {"court": case.case_type.court.name}
        raise ValidationError({"court": message})


@transaction.atomic
def hearing_save(*, hearing: Hearing, actor: User, ip_address: str | None = None) -> Hearing:
    """Create or change a listing on the daily cause list, with an audit row (before and after)."""
    before = None
    if hearing.pk:
        current = Hearing.objects.select_for_update().filter(pk=hearing.pk).first()
        before = _hearing_snapshot(current) if current else None
    hearing_validate(hearing)
    hearing.save()
    audit_record(
        event_type=AuditEventType.CAUSEBOOK_HEARING_CHANGED if before else AuditEventType.CAUSEBOOK_HEARING_LISTED,
        actor=actor,
        target=hearing,
        target_label=f"{hearing.case.case_number} {hearing.label_time}",
        before=before,
        after=_hearing_snapshot(hearing),
        ip_address=ip_address,
    )
    from .webhooks import hearing_changed_event, hearing_fixed_event

    if before:
        hearing_changed_event(hearing, change="amended")
    else:
        hearing_fixed_event(hearing)
    return hearing


@transaction.atomic
def hearing_delete(*, hearing: Hearing, actor: User, ip_address: str | None = None) -> None:
    """Take a listing off the cause list entirely (a listing made in error); audited.

    An adjourned or vacated hearing should keep its row with that status instead.
    """
    audit_record(
        event_type=AuditEventType.CAUSEBOOK_HEARING_DELETED,
        actor=actor,
        target=hearing,
        target_label=f"{hearing.case.case_number} {hearing.label_time}",
        before=_hearing_snapshot(hearing),
        ip_address=ip_address,
    )
    from .webhooks import hearing_changed_event

    hearing_changed_event(hearing, change="removed")
    hearing.delete()


@transaction.atomic
def calendar_addresses_renew(*, user: User, ip_address: str | None = None) -> int:
    """Give ``user`` new calendar addresses: every address given before stops opening its feed at once.

    For an address shared by mistake. It covers the user's own feed, each case's and, for
    an administrator, the organisation's; nobody else's addresses change. Revoking
    addresses is a security action, so it is audited (old and new generation, the feeds).
    Returns the new generation.
    """
    now = timezone.now()
    CalendarKeys.objects.get_or_create(user=user, defaults={"renewed_at": now})
    # Locked, so that the audit's old and new generations are the ones this renewal changed.
    keys = CalendarKeys.objects.select_for_update().get(user=user)
    before = keys.generation
    keys.generation, keys.renewed_at = before + 1, now
    keys.full_clean()
    keys.save(update_fields=["generation", "renewed_at"])
    feeds: dict[str, Any] = {"feeds": ["user", "cases"]}
    try:
        organisation = administered_organisation(user=user)
    except NotFound:
        pass
    else:
        feeds = {"feeds": ["user", "cases", "organisation"], "organisation_id": organisation.pk}
    audit_record(
        event_type=AuditEventType.CAUSEBOOK_CALENDAR_ADDRESSES_RENEWED,
        actor=user,
        target=user,
        before={"generation": before},
        after={"generation": keys.generation, **feeds},
        ip_address=ip_address,
    )
    return keys.generation
