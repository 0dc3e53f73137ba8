"""The access policy: who may act for a case. Every case-data selector calls it.

A user may act for (see and work on) a case when they are one of:

1. **staff**: an active Judiciary staff account (``is_staff`` or kind staff);
2. **an individual party**: an active user recorded as a party in person to the case
   (``Party.user``);
3. **an organisation user assigned to the case**: an active *member* (not an
   administrator) of an *approved* organisation that is on record for a party to the
   case (``Party.representative``), and either the case is assigned to them
   (:class:`~filing.models.CaseAssignment`, "account linking") or the administrator
   lets them see all the organisation's cases (``Membership.sees_all_cases``);
4. **an administrator of the organisation on record**: an active primary or secondary
   administrator of an approved organisation on record for a party.

Everything else is refused, and callers turn a refusal into a 404, never a 403, so
nobody learns that a case exists.

**What each side sees of the filings.** Acting for a case does not open every filing
in it. A submission that the registry has not accepted (received or under review,
withdrawn, returned) is the filing side's own business: it, its documents and its
acknowledgement are visible only to staff and to the filing side
(:func:`filing_side_submissions`), which is, in any status:

- the filer themself, when they filed in person (``on_behalf_of`` empty);
- when the filer filed for an organisation (``Submission.on_behalf_of``), the users who
  act for the case through that organisation: its administrators, the members the case
  is assigned to, and members who see all its cases, all active, of an approved
  organisation. This holds *whether or not the organisation is still on record*: a firm
  taken off the record by a change of solicitors keeps seeing the filings it made, with
  their documents and acknowledgements, but nothing else of the case (not the case
  file, not the other parties' documents, not the court's documents; and it receives
  nothing new, as :func:`case_recipients` reads who is
  on record now);
- a **joining filing** (made with a case access code, :mod:`filing.joining`, before its
  filer is on record), to its filer while an active member of the organisation it was
  filed for (or in person, as above): they see it, pending or returned, with its
  acknowledgement, and nothing else of the case until its acceptance puts them on
  record (:mod:`filing.services.representation`).

Every other party and representative on record sees a filing only once it is
accepted, and never its acknowledgement (:func:`submissions_visible_to`). Refusals
are again a 404, so the other side cannot learn that something was filed, returned
or withdrawn. A deactivated membership or an organisation that is not approved
(applied, rejected or suspended) ends access at once, and an organisation taken off
the record loses the case at once: nothing is cached.

Acting for a case is not the same as filing in it: administrators may see and
manage their organisation's cases but cannot file (icms-reference §5); use
:func:`user_may_file_for_case` before accepting a filing. A party joining the case files
its first document with the case access code instead, before it acts for the case
(:func:`filing.services.joining.filing_for_party_check`).

This module also holds the two state changes of account linking,
:func:`case_assignment_create` and :func:`case_assignment_delete`, because they are
part of the same policy.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organisation, User
from accounts.selectors import filing_eligibility, is_staff_user
from icms.core.audit import AuditEventType, audit_record
from icms.core.lookups import get_visible

from .models import Case, CaseAssignment, Party, Submission

AnyUser = User | AnonymousUser


def _active_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(
        user=user, deactivated_at__isnull=True, organisation__status=Organisation.Status.APPROVED
    )


_Ids = QuerySet[Membership, Any]  # a ``values(...)`` subquery of ids


def _acting_memberships(user: User) -> tuple[_Ids, _Ids, _Ids]:
    """The ids of the organisations ``user`` administers, of those where they see all cases,
    and of their own member (not administrator) memberships: all active, all approved."""
    memberships = _active_memberships(user)
    admin_orgs = memberships.filter(role__in=[Membership.Role.PRIMARY_ADMIN, Membership.Role.SECONDARY_ADMIN]).values(
        "organisation_id"
    )
    all_cases_orgs = memberships.filter(role=Membership.Role.MEMBER, sees_all_cases=True).values("organisation_id")
    member_ids = memberships.filter(role=Membership.Role.MEMBER).values("pk")
    return admin_orgs, all_cases_orgs, member_ids


def cases_visible_to(user: AnyUser) -> QuerySet[Case]:
    """Every case ``user`` may act for, as one queryset (no duplicates). The base of case selectors."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if is_staff_user(user):
        return Case.objects.all()
    admin_orgs, all_cases_orgs, member_ids = _acting_memberships(user)
    on_record_for_assigned = Party.objects.filter(
        case=OuterRef("case_id"), representative_id=OuterRef("membership__organisation_id")
    )
    assigned_case_ids = (
        CaseAssignment.objects.filter(membership_id__in=member_ids)
        .filter(Exists(on_record_for_assigned))
        .values("case_id")
    )
    party = Party.objects.filter(case=OuterRef("pk")).filter(
        Q(user=user) | Q(representative_id__in=admin_orgs) | Q(representative_id__in=all_cases_orgs)
    )
    return Case.objects.filter(Q(Exists(party)) | Q(pk__in=assigned_case_ids))


def _filing_side(user: User) -> Q:
    """Submissions ``user`` filed, or filed for an organisation through which they act for the case.

    Whether the organisation is on record *now* does not matter: a firm taken off the
    record keeps its own filings, and a joining filing is its filer's before anyone is on record.
    """
    admin_orgs, all_cases_orgs, member_ids = _acting_memberships(user)
    assigned_through_organisation = CaseAssignment.objects.filter(
        case=OuterRef("case_id"), membership_id__in=member_ids, membership__organisation=OuterRef("on_behalf_of_id")
    )
    for_their_organisation = (
        Q(on_behalf_of_id__in=admin_orgs)
        | Q(on_behalf_of_id__in=all_cases_orgs)
        | Q(Exists(assigned_through_organisation))
    )
    in_person = Q(submitted_by=user, on_behalf_of__isnull=True)
    # A joining filer is not assigned the case until the filing is accepted.
    joining = Q(submitted_by=user, access_code__isnull=False, on_behalf_of_id__in=member_ids.values("organisation_id"))
    return in_person | joining | for_their_organisation


def filing_side_submissions(user: AnyUser) -> QuerySet[Submission]:
    """Submissions ``user`` sees in full, in any status and with the acknowledgement: the filing side's.

    Staff see all. Otherwise the submissions they filed in person, and those filed for an
    organisation (``on_behalf_of``) through which they act for the case (administrator,
    assignee, or member who sees all its cases), whether or not it is still on record;
    and a joining filing (made with a case access code) to its filer, while a member.
    """
    if not user.is_authenticated or not user.is_active:
        return Submission.objects.none()
    if is_staff_user(user):
        return Submission.objects.all()
    return Submission.objects.filter(_filing_side(user))


def submissions_visible_to(user: AnyUser) -> QuerySet[Submission]:
    """Submissions ``user`` may see: the filing side's in any status, and once accepted every
    submission of a case they may act for.

    The base of every selector of submissions and filed documents (see the module docstring).
    """
    if not user.is_authenticated or not user.is_active:
        return Submission.objects.none()
    if is_staff_user(user):
        return Submission.objects.all()
    return Submission.objects.filter(
        Q(status=Submission.Status.ACCEPTED, case__in=cases_visible_to(user)) | _filing_side(user)
    )


def user_is_on_filing_side(user: AnyUser, submission: Submission) -> bool:
    """Whether ``user`` acts for the party that made ``submission`` (or is staff)."""
    return filing_side_submissions(user).filter(pk=submission.pk).exists()


def user_may_act_for_case(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` may see and work on ``case`` (see the module docstring for who may)."""
    return cases_visible_to(user).filter(pk=case.pk).exists()


def user_may_file_for_case(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` may file in ``case``: a filer account (not an administrator) that may act for it."""
    return filing_eligibility(user).may_file and user_may_act_for_case(user, case)


def case_for_user(user: AnyUser, case_id: int) -> Case:
    """The case if ``user`` may act for it, else ``NotFound``."""
    return get_visible(cases_visible_to(user).select_related("case_type"), pk=case_id)


def case_recipients(case: Case) -> QuerySet[User]:
    """Everyone who receives the court's documents in a case.

    The parties acting in person, and for each organisation on record: its
    administrators and the Organisation Users the case is assigned to or who see
    all its cases. Only active accounts and memberships of approved organisations.
    """
    organisation_ids = Party.objects.filter(case=case, representative__isnull=False).values("representative_id")
    members = Membership.objects.filter(
        organisation_id__in=organisation_ids,
        organisation__status="approved",
        deactivated_at__isnull=True,
    ).filter(
        Q(role__in=[Membership.Role.PRIMARY_ADMIN, Membership.Role.SECONDARY_ADMIN])
        | Q(sees_all_cases=True)
        | Q(pk__in=CaseAssignment.objects.filter(case=case).values("membership_id"))
    )
    in_person = Party.objects.filter(case=case, user__isnull=False).values("user_id")
    return User.objects.filter(Q(pk__in=in_person) | Q(pk__in=members.values("user_id")), is_active=True).distinct()


# --- Account linking ----------------------------------------------------------------


def organisation_cases(organisation: Organisation) -> QuerySet[Case]:
    """Cases on which ``organisation`` is on record for a party: what its administrators can assign."""
    return Case.objects.filter(Exists(Party.objects.filter(case=OuterRef("pk"), representative=organisation)))


def assignments_for_membership(membership: Membership) -> QuerySet[CaseAssignment]:
    """The cases assigned to ``membership``. Callers must already have scoped ``membership`` to the user."""
    return (
        CaseAssignment.objects.select_related("case__case_type").filter(membership=membership).order_by("-created_at")
    )


def _require_admin_of(actor: User, organisation: Organisation) -> None:
    if (
        not _active_memberships(actor)
        .filter(organisation=organisation, role__in=[Membership.Role.PRIMARY_ADMIN, Membership.Role.SECONDARY_ADMIN])
        .exists()
    ):
        raise PermissionDenied("Only an administrator of the organisation on record may assign its cases.")


@transaction.atomic
def case_assignment_create(
    *, case: Case, membership: Membership, actor: User, ip_address: str | None = None
) -> CaseAssignment:
    """An administrator assigns a case of the organisation to one of its Organisation Users."""
    organisation = membership.organisation
    _require_admin_of(actor, organisation)
    if membership.deactivated_at is not None or membership.role != Membership.Role.MEMBER:
        raise ValidationError(_("Cases can be assigned only to active Organisation Users."), code="not_member")
    if not organisation_cases(organisation).filter(pk=case.pk).exists():
        raise ValidationError(_("Your organisation is not on record in this case."), code="not_on_record")
    assignment, created = CaseAssignment.objects.get_or_create(
        case=case, membership=membership, defaults={"assigned_by": actor}
    )
    if created:
        audit_record(
            event_type=AuditEventType.CASE_ASSIGNED,
            actor=actor,
            target=case,
            target_label=case.case_number or str(case),
            after={"membership": membership.pk, "user": membership.user_id},
            ip_address=ip_address,
        )
    return assignment


@transaction.atomic
def case_assignment_delete(*, assignment: CaseAssignment, actor: User, ip_address: str | None = None) -> None:
    """An administrator takes a case away from an Organisation User."""
    _require_admin_of(actor, assignment.membership.organisation)
    case = assignment.case
    audit_record(
        event_type=AuditEventType.CASE_UNASSIGNED,
        actor=actor,
        target=case,
        target_label=case.case_number or str(case),
        before={"membership": assignment.membership_id, "user": assignment.membership.user_id},
        ip_address=ip_address,
    )
    assignment.delete()
