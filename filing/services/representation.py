"""Who is on record for a party: changed by an accepted filing, or by registry staff with a reason.

``Party.representative`` (an organisation) or ``Party.user`` (a party in person) is who
is on record now, and the access policy (:mod:`filing.access`) reads only that.
:class:`~filing.models.Representation` keeps the history: each change ends the current
row and starts a new one in the same transaction, audited
(``FILING_REPRESENTATION_ENDED`` / ``_STARTED``), and the users of the old and the new
representative get a message in their box.

* :func:`representation_on_acceptance`: the registry accepts a joining filing (made with
  a case access code) or a notice that changes who acts (``DocumentType.changes_representation``):
  the filer goes on record for the party the filing names, its organisation
  (``Submission.on_behalf_of``) or, filing as an individual, the filer in person; a filer
  of an organisation is assigned the case, as when they start one.
* :func:`representation_start` / :func:`representation_end`: staff, in the Case admin.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organisation, User
from accounts.selectors import is_staff_user
from icms.core.audit import AuditEventType, audit_record
from icms.core.messages import Bilingual, render_message

from ..models import CaseAssignment, MessageItem, Party, Representation, Submission
from .messages import message_post

OnRecord = Organisation | User


def _organisation_users(party: Party, organisation: Organisation) -> QuerySet[User]:
    """The organisation's users who receive the case's documents: administrators, assignees, see-all members."""
    members = Membership.objects.filter(
        organisation=organisation, organisation__status=Organisation.Status.APPROVED, deactivated_at__isnull=True
    ).filter(
        Q(role__in=[Membership.Role.PRIMARY_ADMIN, Membership.Role.SECONDARY_ADMIN])
        | Q(sees_all_cases=True)
        | Q(pk__in=CaseAssignment.objects.filter(case_id=party.case_id).values("membership_id"))
    )
    return User.objects.filter(pk__in=members.values("user_id"), is_active=True)


def _users_of(party: Party, on_record: OnRecord | None) -> list[User]:
    if on_record is None:
        return []
    if isinstance(on_record, Organisation):
        return list(_organisation_users(party, on_record).order_by("pk"))
    return [on_record] if on_record.is_active else []


def _name(on_record: OnRecord | None) -> Bilingual:
    if on_record is None:
        return Bilingual("nobody", "沒有人")
    if isinstance(on_record, Organisation):
        return Bilingual(on_record.name_en, on_record.name_zh or on_record.name_en)
    return Bilingual(on_record.display_name_for("en"), on_record.display_name_for("zh-hant"))


def _current_on_record(party: Party) -> OnRecord | None:
    if party.representative_id is not None:
        return Organisation.objects.get(pk=party.representative_id)
    if party.user_id is not None:
        return User.objects.get(pk=party.user_id)
    return None


def _tell(*, party: Party, before: OnRecord | None, after: OnRecord | None, submission: Submission | None) -> None:
    """A message to the users of the old and of the new representative (each once)."""
    role_en, role_zh = party.case.case_type.role_names(party.side)
    text = render_message(
        "filing/messages/representation_changed",
        {
            "case_number": party.case.case_number,
            "party": Bilingual(party.name_en or party.name_zh, party.name_zh or party.name_en),
            "role": Bilingual(role_en, role_zh),
            "before": _name(before),
            "after": _name(after),
        },
    )
    told: set[int] = set()
    for user in [*_users_of(party, before), *_users_of(party, after)]:
        if user.pk in told:
            continue
        told.add(user.pk)
        message_post(
            recipient=user,
            kind=MessageItem.Kind.REPRESENTATION,
            subject_en=text.subject.en,
            subject_zh=text.subject.zh,
            body_en=text.body.en,
            body_zh=text.body.zh,
            submission=submission,
        )


def _end_current(*, party: Party, actor: User, reason: str, ip_address: str | None) -> None:
    current = Representation.objects.select_for_update().filter(party=party, ended_at__isnull=True).first()
    if current is None:
        return
    Representation.objects.filter(pk=current.pk).update(ended_at=timezone.now(), ended_by=actor, end_reason=reason)
    audit_record(
        event_type=AuditEventType.FILING_REPRESENTATION_ENDED,
        actor=actor,
        target=party,
        target_label=f"{party.case.case_number or party.case_id} — {party}",
        before={"organisation": current.organisation_id, "in_person": current.in_person_id},
        after={"representation": current.pk, "reason": reason},
        ip_address=ip_address,
    )


def _put_on_record(
    *,
    party: Party,
    on_record: OnRecord,
    actor: User,
    reason: str,
    submission: Submission | None,
    ip_address: str | None,
) -> Representation | None:
    party = Party.objects.select_for_update().select_related("case__case_type").get(pk=party.pk)
    before = _current_on_record(party)
    if before == on_record:
        return None  # already on record: nothing changes
    _end_current(party=party, actor=actor, reason=reason, ip_address=ip_address)
    organisation = on_record if isinstance(on_record, Organisation) else None
    in_person = on_record if isinstance(on_record, User) else None
    Party.objects.filter(pk=party.pk).update(representative=organisation, user=in_person)
    representation = Representation(
        party=party,
        organisation=organisation,
        in_person=in_person,
        started_at=timezone.now(),
        submission=submission,
        reason=reason,
        started_by=actor,
    )
    representation.full_clean()
    representation.save()
    audit_record(
        event_type=AuditEventType.FILING_REPRESENTATION_STARTED,
        actor=actor,
        target=party,
        target_label=f"{party.case.case_number or party.case_id} — {party}",
        before={"organisation": getattr(before, "pk", None) if isinstance(before, Organisation) else None},
        after={
            "organisation": organisation.pk if organisation else None,
            "in_person": in_person.pk if in_person else None,
            "submission": submission.pk if submission else None,
            "reason": reason,
        },
        ip_address=ip_address,
    )
    _tell(party=party, before=before, after=on_record, submission=submission)
    return representation


def _require_staff(actor: User) -> None:
    if not is_staff_user(actor):
        raise ValidationError(_("Only registry staff change who is on record."), code="not_staff")


@transaction.atomic
def representation_start(
    *,
    party: Party,
    actor: User,
    reason: str,
    organisation: Organisation | None = None,
    user: User | None = None,
    ip_address: str | None = None,
) -> Representation | None:
    """Staff put an organisation (or a party in person) on record for ``party``, with a reason.

    Whoever was on record comes off. None when they are already on record.
    """
    _require_staff(actor)
    if not reason.strip():
        raise ValidationError(_("Give the reason."), code="reason_needed")
    if (organisation is None) == (user is None):
        raise ValidationError(_("Choose an organisation or a party in person, not both."), code="one_of")
    if organisation is not None and organisation.status != Organisation.Status.APPROVED:
        raise ValidationError(_("Only an approved organisation can go on record."), code="not_approved")
    on_record: OnRecord = organisation if organisation is not None else user  # type: ignore[assignment]
    return _put_on_record(
        party=party, on_record=on_record, actor=actor, reason=reason.strip(), submission=None, ip_address=ip_address
    )


@transaction.atomic
def representation_end(*, party: Party, actor: User, reason: str, ip_address: str | None = None) -> None:
    """Staff take whoever is on record for ``party`` off the record, with a reason."""
    _require_staff(actor)
    if not reason.strip():
        raise ValidationError(_("Give the reason."), code="reason_needed")
    party = Party.objects.select_for_update().select_related("case__case_type").get(pk=party.pk)
    before = _current_on_record(party)
    _end_current(party=party, actor=actor, reason=reason.strip(), ip_address=ip_address)
    Party.objects.filter(pk=party.pk).update(representative=None, user=None)
    _tell(party=party, before=before, after=None, submission=None)


def _changes_representation(submission: Submission) -> bool:
    if submission.access_code_id is not None:
        return True
    return submission.documents.filter(document_type__changes_representation=True).exists()


def representation_on_acceptance(*, submission: Submission, clerk: User, ip_address: str | None = None) -> None:
    """Put the filer on record for the party a joining filing or a notice of acting names.

    Called by :func:`~filing.services.review.filing_accept`, in its transaction.
    """
    if submission.for_party_id is None or not _changes_representation(submission):
        return
    party = Party.objects.select_related("case__case_type").get(pk=submission.for_party_id)
    filer = User.objects.get(pk=submission.submitted_by_id)
    organisation = (
        Organisation.objects.get(pk=submission.on_behalf_of_id) if submission.on_behalf_of_id is not None else None
    )
    if organisation is not None:
        # Assigned first, so that the filer is among those told that their organisation is on record.
        membership = Membership.objects.filter(
            user=filer, organisation=organisation, deactivated_at__isnull=True
        ).first()
        if membership is not None:
            CaseAssignment.objects.get_or_create(
                case_id=submission.case_id, membership=membership, defaults={"assigned_by": filer}
            )
    _put_on_record(
        party=party,
        on_record=organisation if organisation is not None else filer,
        actor=clerk,
        reason=f"Filing {submission.reference} accepted.",
        submission=submission,
        ip_address=ip_address,
    )
