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
nobody learns that a case exists. A deactivated membership, an organisation that is
not approved (applied, rejected or suspended), or an organisation taken off the record
ends access at once: nothing is cached.

Acting for a case is not the same as filing in it: administrators may see and
manage their organisation's cases but cannot file (icms-reference §5); use
:func:`user_may_file_for_case` before accepting a filing.

This module also holds the two state changes of account linking,
:func:`case_assignment_create` and :func:`case_assignment_delete`, because they are
part of the same policy.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record
from accounts.models import Membership, Organisation, User
from accounts.selectors import filing_eligibility, is_staff_user

from .models import Case, CaseAssignment, Party

AnyUser = User | AnonymousUser


def _active_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(
        user=user, deactivated_at__isnull=True, organisation__status=Organisation.Status.APPROVED
    )


def cases_visible_to(user: AnyUser) -> QuerySet[Case]:
    """Every case ``user`` may act for, as one queryset (no duplicates). The base of case selectors."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if is_staff_user(user):
        return Case.objects.all()
    memberships = _active_memberships(user)
    admin_orgs = memberships.filter(role__in=[Membership.Role.PRIMARY_ADMIN, Membership.Role.SECONDARY_ADMIN]).values(
        "organisation_id"
    )
    all_cases_orgs = memberships.filter(role=Membership.Role.MEMBER, sees_all_cases=True).values("organisation_id")
    member_ids = memberships.filter(role=Membership.Role.MEMBER).values("pk")
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


def user_may_act_for_case(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` may see and work on ``case`` (see the module docstring for who may)."""
    return cases_visible_to(user).filter(pk=case.pk).exists()


def user_may_file_for_case(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` may file in ``case``: a filer account (not an administrator) that may act for it."""
    return filing_eligibility(user).may_file and user_may_act_for_case(user, case)


def case_for_user(user: AnyUser, case_id: int) -> Case:
    """The case if ``user`` may act for it, else ``Case.DoesNotExist`` (which views turn into 404)."""
    return cases_visible_to(user).select_related("case_type").get(pk=case_id)


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
            event_type="case.assigned",
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
        event_type="case.unassigned",
        actor=actor,
        target=case,
        target_label=case.case_number or str(case),
        before={"membership": assignment.membership_id, "user": assignment.membership.user_id},
        ip_address=ip_address,
    )
    assignment.delete()


def link_demo_cases(people: dict[str, object], cases: list[Case]) -> None:
    """Demo data: the firm's Central-branch user is assigned the firm's money claim (DCCJ)."""
    admin, user = people["firm_primary"], people["firm_user_central"]
    assert isinstance(admin, User) and isinstance(user, User)  # noqa: S101  (demo data only)
    membership = Membership.objects.get(user=user, deactivated_at__isnull=True)
    for case in cases:
        if case.case_type.prefix == "DCCJ":
            CaseAssignment.objects.get_or_create(case=case, membership=membership, defaults={"assigned_by": admin})
