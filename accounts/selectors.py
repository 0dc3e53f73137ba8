"""Reading accounts data, always for a given user.

Every function that returns organisation data takes the user asking and returns only
what that user may see; a lookup of something that is not theirs raises ``NotFound`` (a 404),
never a 403 that would confirm it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from icms.core.lookups import NotFound

from .models import Invitation, Membership, Organisation, User

AnyUser = User | AnonymousUser

# Facts about the account that a request reads more than once (the MFA rule in the
# middleware, the filing eligibility in the view, the navigation's membership) are read
# once: AccountSecurityMiddleware puts this dict on the request's user, and the selectors
# below keep what they read in it. It lives as long as the request, whose state changes
# end in a redirect; a user object that did not come from a request keeps nothing.
_REQUEST_FACTS = "_icms_request_facts"


def request_facts_start(user: AnyUser) -> None:
    """Let the selectors keep what they read about ``user`` (the request's user) for this request."""
    setattr(user, _REQUEST_FACTS, {})


def _active_memberships(user: User) -> list[Membership]:
    """The user's active memberships, oldest first, with their organisations."""
    facts: dict[str, object] | None = getattr(user, _REQUEST_FACTS, None)
    if facts is not None and "memberships" in facts:
        return cast(list[Membership], facts["memberships"])
    memberships = list(
        Membership.objects.select_related("organisation")
        .filter(user=user, deactivated_at__isnull=True)
        .order_by("created_at", "pk")
    )
    if facts is not None:
        facts["memberships"] = memberships
    return memberships


def is_staff_user(user: AnyUser) -> bool:
    """Judiciary staff: registry and accounts staff, and system administrators."""
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.kind == User.Kind.STAFF))


def membership_for_user(user: AnyUser) -> Membership | None:
    """The user's active membership (a user belongs to at most one organisation at a time)."""
    if not user.is_authenticated:
        return None
    memberships = _active_memberships(user)
    return memberships[0] if memberships else None


def admin_membership_for_user(user: AnyUser) -> Membership:
    """The user's active administrator membership, or 404: the key to every administrator screen."""
    membership = membership_for_user(user)
    if membership is None or not membership.is_admin:
        raise NotFound
    return membership


def members_for_admin(*, user: AnyUser) -> QuerySet[Membership]:
    """Every membership (active first, then deactivated) of the organisation this user administers."""
    admin = admin_membership_for_user(user)
    return (
        Membership.objects.select_related("user")
        .filter(organisation=admin.organisation)
        .order_by("deactivated_at", "role", "user__email")
    )


def membership_for_admin(*, user: AnyUser, membership_id: int) -> Membership:
    """One membership of the administrator's own organisation; 404 for anyone else's."""
    try:
        return members_for_admin(user=user).select_related("organisation").get(pk=membership_id)
    except Membership.DoesNotExist:
        raise NotFound from None


def invitations_for_admin(*, user: AnyUser) -> QuerySet[Invitation]:
    admin = admin_membership_for_user(user)
    return Invitation.objects.select_related("invited_by").filter(organisation=admin.organisation)


def invitation_for_admin(*, user: AnyUser, invitation_id: int) -> Invitation:
    try:
        return invitations_for_admin(user=user).get(pk=invitation_id)
    except Invitation.DoesNotExist:
        raise NotFound from None


def organisation_applications_for_user(user: AnyUser) -> QuerySet[Organisation]:
    """Organisations this user applied for, newest first."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(applied_by=user).order_by("-created_at")


def email_is_verified(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    return bool(EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists())


def has_totp(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def user_requires_mfa(user: AnyUser) -> bool:
    """Staff must use two-factor authentication; so must members of an organisation that requires it."""
    if not user.is_authenticated:
        return False
    if is_staff_user(user):
        return True
    return any(membership.organisation.require_mfa for membership in _active_memberships(user))


@dataclass(frozen=True)
class FilingEligibility:
    may_file: bool
    reason: str | Promise = ""


def filing_eligibility(user: AnyUser) -> FilingEligibility:
    """Whether this account may file documents at all (icms-reference §5).

    Only Individual Users and Organisation Users may file. Administrators manage members
    and cannot file: an administrator who wants to file uses a separate Organisation User
    account. An organisation's users file only once registry staff approve it.
    Whether the account may file *in a given case* is :func:`filing.access.user_may_file_for_case`.
    """
    if not user.is_authenticated or not user.is_active:
        return FilingEligibility(False, _("Sign in to file."))
    if is_staff_user(user):
        return FilingEligibility(False, _("Staff accounts do not file documents."))
    if not email_is_verified(user):
        return FilingEligibility(False, _("Verify your email address before you file."))
    membership = membership_for_user(user)
    if user.kind == User.Kind.INDIVIDUAL and membership is None:
        return FilingEligibility(True)
    if membership is None:
        return FilingEligibility(False, _("Your account is not part of an organisation."))
    if membership.is_admin:
        return FilingEligibility(
            False,
            _(
                "Administrators manage members and cannot file. To file, invite yourself as an "
                "Organisation User with another email address and use that account."
            ),
        )
    if not membership.organisation.is_approved:
        return FilingEligibility(False, _("Your organisation has not been approved by the registry."))
    return FilingEligibility(True)
