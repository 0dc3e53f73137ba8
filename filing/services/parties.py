"""Registry staff correcting a case's parties (the Case admin's party rows), each change audited.

A party's particulars are part of the court record: a name, a side, an address for service
or an identity document corrected by staff must say who did it, what it was and what it
became, and why. Each service here writes its audit row in the transaction of the change:
``filing.party_added``, ``filing.party_changed`` (only the fields that changed, old and new)
and ``filing.party_removed`` (the party as it was). The identity document's number is
never written whole, only masked (:func:`filing.party_ids.party_id_mask`); a new number
whose mask is the same as the old one's is recorded as replaced.

Who acts for a party (``user``, ``representative``) is not changed here: that is
:mod:`filing.services.representation`, which keeps the history of who was on record.
"""

from __future__ import annotations

from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import is_staff_user
from icms.core.audit import AuditEventType, audit_record

from ..models import Party

#: What staff may correct and the audit log records; the identity number is recorded masked.
PARTICULARS: Final = ("side", "ordinal", "kind", "name_en", "name_zh", "address_for_service", "id_kind", "id_number")


def _particulars(party: Party) -> dict[str, Any]:
    values = {name: getattr(party, name) for name in PARTICULARS}
    values["id_number"] = party.id_number_masked
    return values


def _label(party: Party) -> str:
    return f"{party.case.case_number or party.case_id} — {party}"


def _check(*, actor: User, reason: str) -> str:
    if not is_staff_user(actor):
        raise ValidationError(_("Only registry staff correct a case's parties."), code="not_staff")
    if not reason.strip():
        raise ValidationError(_("Give the reason for the change."), code="reason_needed")
    return reason.strip()


@transaction.atomic
def party_save_by_staff(*, party: Party, actor: User, reason: str, ip_address: str | None = None) -> Party:
    """Save ``party`` as staff left it (a new party of its case, or a correction of one), with the audit row.

    ``party`` carries the new values, unsaved (as the admin's form leaves it). Nothing is
    written, not even an audit row, when no particular changed.
    """
    reason = _check(actor=actor, reason=reason)
    if party.pk is None:
        party.full_clean()
        party.save()
        audit_record(
            event_type=AuditEventType.FILING_PARTY_ADDED,
            actor=actor,
            target=party,
            target_label=_label(party),
            after={**_particulars(party), "reason": reason},
            ip_address=ip_address,
        )
        return party
    old = Party.objects.select_for_update(of=("self",)).select_related("case__case_type").get(pk=party.pk)
    if old.case_id != party.case_id:
        raise ValueError("A party does not move to another case.")
    changed = [name for name in PARTICULARS if getattr(old, name) != getattr(party, name)]
    if not changed:
        return old
    party.full_clean()
    party.save(update_fields=[*changed, "updated_at"])
    before, after = _particulars(old), _particulars(party)
    recorded_after: dict[str, Any] = {name: after[name] for name in changed}
    if "id_number" in changed:
        # The masks may be equal (the same first characters): say that the number itself changed.
        recorded_after["id_number_replaced"] = True
    audit_record(
        event_type=AuditEventType.FILING_PARTY_CHANGED,
        actor=actor,
        target=party,
        target_label=_label(old),
        before={name: before[name] for name in changed},
        after={**recorded_after, "reason": reason},
        ip_address=ip_address,
    )
    return party


@transaction.atomic
def party_remove_by_staff(*, party: Party, actor: User, reason: str, ip_address: str | None = None) -> None:
    """Remove ``party`` from its case, recording it as it was. A party with a history (who was on
    record for it, its filings, access codes) cannot be removed: the database refuses (PROTECT)."""
    reason = _check(actor=actor, reason=reason)
    old = Party.objects.select_for_update(of=("self",)).select_related("case__case_type").get(pk=party.pk)
    audit_record(
        event_type=AuditEventType.FILING_PARTY_REMOVED,
        actor=actor,
        target=old,
        target_label=_label(old),
        before=_particulars(old),
        after={"reason": reason},
        ip_address=ip_address,
    )
    old.delete()
