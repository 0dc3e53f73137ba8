"""Account screens: dashboard, profile, organisation application and the administrators' screens.

Thin: each view reads through :mod:`accounts.selectors` (scoped to the signed-in user,
404 for anything else) and changes state only through :mod:`accounts.services`,
by POST followed by a redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from icms.core.http import AuthenticatedHttpRequest, client_ip, found_or_404
from icms.core.panels import panels

from . import registration, selectors, services
from .forms import (
    AccessForm,
    InvitationForm,
    MfaRuleForm,
    OrganisationApplicationForm,
    ProfileForm,
    RoleForm,
    TransferForm,
)
from .models import Membership, User


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


@require_GET
def admin_login(request: HttpRequest) -> HttpResponse:
    """The staff site signs in through allauth, so that staff pass their second factor."""
    if request.user.is_authenticated:
        # Signed in but not admitted by the admin: no access to the staff site.
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = selectors.membership_for_user(request.user)
    return render(
        request,
        "accounts/dashboard.html",
        {
            "membership": membership,
            "eligibility": selectors.filing_eligibility(request.user),
            "email_verified": selectors.email_is_verified(request.user),
            "has_totp": selectors.has_totp(request.user),
            "applications": selectors.organisation_applications_for_user(request.user),
            # The user's cases: filing's panel (accounts never imports filing).
            "panels": panels("account_dashboard", user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "name_zh": user.name_zh,
        "preferred_language": user.preferred_language,
        "hearing_reminders": user.hearing_reminders,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hkid: str | None = data["hkid"] or None
        if data["remove_hkid"]:
            hkid = ""
        try:
            services.profile_update(
                user=user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                name_zh=data["name_zh"],
                preferred_language=data["preferred_language"],
                hkid=hkid,
                hearing_reminders=data["hearing_reminders"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your details have been saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_apply(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganisationApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organisation_apply(
                applicant=request.user,
                type=data["type"],
                name_en=data["name_en"],
                name_zh=data["name_zh"],
                address=data["address"],
                telephone=data["telephone"],
                ip_address=client_ip(request),
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error) if isinstance(error, ValidationError) else _("Not allowed."))
        else:
            messages.success(
                request, _("Your application has been sent. The registry will email you when it has decided.")
            )
            return redirect("accounts:dashboard")
    return render(request, "accounts/organisation_apply.html", {"form": form})


@login_required
@require_GET
def organisation(request: AuthenticatedHttpRequest) -> HttpResponse:
    admin = found_or_404(selectors.admin_membership_for_user, request.user)
    members = found_or_404(selectors.members_for_admin, user=request.user)
    invitations = found_or_404(selectors.invitations_for_admin, user=request.user).filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    )
    return render(
        request,
        "accounts/organisation.html",
        {
            "admin": admin,
            "organisation": admin.organisation,
            "members": members,
            "invitations": invitations,
            "invite_form": InvitationForm(),
            "mfa_form": MfaRuleForm(initial={"require_mfa": admin.organisation.require_mfa}),
            "is_primary": admin.role == Membership.Role.PRIMARY_ADMIN,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    admin = found_or_404(selectors.admin_membership_for_user, request.user)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invitation_create(
                organisation=admin.organisation,
                actor=request.user,
                email=data["email"],
                role=data["role"],
                branch_code=data["branch_code"],
                sees_all_cases=data["sees_all_cases"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        except PermissionDenied:
            form.add_error("role", _("Only the primary administrator can invite administrators."))
        else:
            messages.success(request, _("The invitation has been emailed to %(email)s.") % {"email": data["email"]})
            return redirect("accounts:organisation")
    return render(request, "accounts/invitation_form.html", {"form": form, "organisation": admin.organisation})


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    invitation = found_or_404(selectors.invitation_for_admin, user=request.user, invitation_id=invitation_id)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user, ip_address=client_ip(request))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The invitation has been withdrawn."))
    return redirect("accounts:organisation")


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email. Forged, expired and used links all get the same 404 page."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        # "Register" from here: the sign-up shows the invited address and the account joins on verification.
        registration.invitation_remember(request, token)
        return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "token": token})
    error = ""
    if request.method == "POST" and isinstance(request.user, User):
        try:
            services.invitation_accept(token=token, user=request.user, ip_address=client_ip(request))
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            messages.success(
                request, _("You have joined %(organisation)s.") % {"organisation": invitation.organisation.name}
            )
            return redirect("accounts:dashboard")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "token": token, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_GET
def member_detail(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    admin = found_or_404(selectors.admin_membership_for_user, request.user)
    membership = found_or_404(selectors.membership_for_admin, user=request.user, membership_id=membership_id)
    context = {
        "admin": admin,
        "member": membership,
        "is_primary": admin.role == Membership.Role.PRIMARY_ADMIN,
        "role_form": RoleForm(initial={"role": membership.role}),
        "access_form": AccessForm(
            initial={"branch_code": membership.branch_code, "sees_all_cases": membership.sees_all_cases}
        ),
        # The member's assigned cases: filing's panel (accounts never imports filing).
        "panels": panels("member_detail", user=request.user, admin=admin, member=membership),
    }
    return render(request, "accounts/member_detail.html", context)


def _member_action_done(request: HttpRequest, membership: Membership, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("accounts:member_detail", membership_id=membership.pk)


@login_required
@require_POST
def member_deactivate(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = found_or_404(selectors.membership_for_admin, user=request.user, membership_id=membership_id)
    try:
        services.membership_deactivate(membership=membership, actor=request.user, ip_address=client_ip(request))
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("accounts:member_detail", membership_id=membership.pk)
    return _member_action_done(request, membership, _("The member has been deactivated. Their access has ended."))


@login_required
@require_POST
def member_role(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = found_or_404(selectors.membership_for_admin, user=request.user, membership_id=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("accounts:member_detail", membership_id=membership.pk)
    try:
        services.membership_change_role(
            membership=membership, actor=request.user, role=form.cleaned_data["role"], ip_address=client_ip(request)
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("accounts:member_detail", membership_id=membership.pk)
    return _member_action_done(request, membership, _("The role has been changed."))


@login_required
@require_POST
def member_access(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = found_or_404(selectors.membership_for_admin, user=request.user, membership_id=membership_id)
    form = AccessForm(request.POST)
    if form.is_valid():
        try:
            services.membership_update_access(
                membership=membership,
                actor=request.user,
                branch_code=form.cleaned_data["branch_code"],
                sees_all_cases=form.cleaned_data["sees_all_cases"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("accounts:member_detail", membership_id=membership.pk)
        return _member_action_done(request, membership, _("The branch and case access have been saved."))
    messages.error(request, _("Check the branch code."))
    return redirect("accounts:member_detail", membership_id=membership.pk)


@login_required
@require_http_methods(["GET", "POST"])
def primary_transfer(request: AuthenticatedHttpRequest) -> HttpResponse:
    admin = found_or_404(selectors.admin_membership_for_user, request.user)
    if admin.role != Membership.Role.PRIMARY_ADMIN:
        raise PermissionDenied
    secondaries = found_or_404(selectors.members_for_admin, user=request.user).filter(
        role=Membership.Role.SECONDARY_ADMIN, deactivated_at__isnull=True
    )
    form = TransferForm(request.POST or None, secondaries=secondaries)
    if request.method == "POST" and form.is_valid():
        try:
            services.primary_admin_transfer(
                organisation=admin.organisation,
                actor=request.user,
                to_membership=form.cleaned_data["to_membership"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The primary administrator role has been transferred."))
            return redirect("accounts:organisation")
    return render(request, "accounts/primary_transfer.html", {"form": form, "organisation": admin.organisation})


@login_required
@require_POST
def organisation_mfa_rule(request: AuthenticatedHttpRequest) -> HttpResponse:
    admin = found_or_404(selectors.admin_membership_for_user, request.user)
    form = MfaRuleForm(request.POST)
    form.is_valid()
    services.organisation_set_require_mfa(
        organisation=admin.organisation,
        actor=request.user,
        require_mfa=bool(form.cleaned_data.get("require_mfa")),
        ip_address=client_ip(request),
    )
    messages.success(request, _("The two-factor authentication rule has been saved."))
    return redirect("accounts:organisation")
