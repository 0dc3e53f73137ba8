"""The organisation's cases on account screens: the dashboard's case list, and assigning
cases to members ("account linking"). Accounts owns those screens and never imports
filing; filing shows its part there as panels (:mod:`icms.core.panels`), registered in
:meth:`filing.apps.FilingConfig.ready`, and handles the assignment forms here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, User
from accounts.selectors import admin_membership_for_user, membership_for_admin
from icms.core.http import AuthenticatedHttpRequest, client_ip, found_or_404
from icms.core.panels import Panel

from .access import (
    assignments_for_membership,
    case_assignment_create,
    case_assignment_delete,
    cases_visible_to,
    organisation_cases,
)
from .forms import CaseAssignForm


def dashboard_cases_panel(*, user: User) -> Panel:
    """The cases the user may act for, newest first (at most 50), on their dashboard."""
    cases = cases_visible_to(user).select_related("case_type").order_by("-year", "-number")[:50]
    return "filing/panels/dashboard_cases.html", {"cases": cases}


def member_cases_panel(*, user: User, admin: Membership, member: Membership) -> Panel | None:
    """An Organisation User's assigned cases, and the form to assign another, for their administrator."""
    if member.role != Membership.Role.MEMBER:
        return None
    assignments = assignments_for_membership(member)
    assignable = organisation_cases(admin.organisation).exclude(pk__in=assignments.values("case_id"))
    return (
        "filing/panels/member_cases.html",
        {
            "member": member,
            "assignments": assignments,
            "assign_form": CaseAssignForm(cases=assignable.select_related("case_type").order_by("-year", "-number")),
            "can_assign": member.is_active,
        },
    )


def _back_to_member(membership: Membership) -> HttpResponse:
    return redirect("accounts:member_detail", membership_id=membership.pk)


@login_required
@require_POST
def member_case_assign(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    admin = found_or_404(admin_membership_for_user, request.user)
    membership = found_or_404(membership_for_admin, user=request.user, membership_id=membership_id)
    form = CaseAssignForm(request.POST, cases=organisation_cases(admin.organisation))
    if not form.is_valid():
        messages.error(request, _("Choose one of your organisation's cases."))
        return _back_to_member(membership)
    try:
        case_assignment_create(
            case=form.cleaned_data["case"], membership=membership, actor=request.user, ip_address=client_ip(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_member(membership)
    messages.success(request, _("The case has been assigned."))
    return _back_to_member(membership)


@login_required
@require_POST
def member_case_unassign(request: AuthenticatedHttpRequest, membership_id: int, assignment_id: int) -> HttpResponse:
    membership = found_or_404(membership_for_admin, user=request.user, membership_id=membership_id)
    assignment = get_object_or_404(assignments_for_membership(membership), pk=assignment_id)
    case_assignment_delete(assignment=assignment, actor=request.user, ip_address=client_ip(request))
    messages.success(request, _("The case is no longer assigned to this member."))
    return _back_to_member(membership)
