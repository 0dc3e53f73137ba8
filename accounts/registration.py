"""Registration: the details our sign-up adds to allauth's, and an invitation that survives it.

A person invited to an organisation who has no account yet follows the invitation link,
then "Register". The invitation page keeps the link's token in the session; the sign-up
form shows the invited email address and keeps it (:class:`accounts.forms.SignupDetailsForm`);
on sign-up the invitation records the new account (``Invitation.registered_user``); and when
the account's email address is verified, in this browser or another, the account joins the
organisation in the invitation's role and becomes an organisation member's.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.core import context as allauth_context
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation

from . import services
from .models import Invitation, Membership, User

logger = logging.getLogger(__name__)

SESSION_KEY = "accounts_invitation_token"


def invitation_remember(request: HttpRequest, token: str) -> None:
    """The invitation page, seen signed out: a sign-up in this session comes from the invitation."""
    request.session[SESSION_KEY] = token


def invitation_pending(request: HttpRequest | None = None) -> Invitation | None:
    """The open invitation this session's sign-up comes from, if any."""
    request = request if request is not None else allauth_context.request
    session: Any = getattr(request, "session", None)
    token = session.get(SESSION_KEY) if session is not None else None
    return services.invitation_for_token(token) if token else None


@transaction.atomic
def signup_complete(
    *, request: HttpRequest, user: User, name_zh: str = "", invitation: Invitation | None = None
) -> None:
    """After allauth saves a new account (names in English, email, password): the rest of what the form asked.

    The language the person registered in becomes the language of their email and notices.
    An invitation for the account's email address records the account; it joins on verification.
    """
    user.name_zh = name_zh.strip()
    language = translation.get_language() or ""
    if language in dict(settings.LANGUAGES):
        user.preferred_language = language
    user.save(update_fields=["name_zh", "preferred_language", "updated_at"])
    request.session.pop(SESSION_KEY, None)
    if invitation is None or invitation.email.lower() != user.email.lower():
        return
    # Audited when the account joins (invitation.accepted); the sign-up itself is audited by accounts.signals.
    Invitation.objects.filter(
        pk=invitation.pk,
        registered_user__isnull=True,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).update(registered_user=user, updated_at=timezone.now())


def invitations_join_on_verification(*, user: User, ip_address: str | None = None) -> list[Membership]:
    """The account's email address is verified: it joins the organisation it registered from an invitation of.

    An invitation withdrawn, expired or used meanwhile is passed over, as is one the account
    can no longer take (it joined another organisation, say): the person keeps an individual
    account and may be invited again.
    """
    memberships = []
    open_invitations = Invitation.objects.filter(
        registered_user=user, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("created_at")
    for invitation_id in open_invitations.values_list("pk", flat=True):
        try:
            memberships.append(services.invitation_join(invitation_id=invitation_id, user=user, ip_address=ip_address))
        except ValidationError as error:
            logger.info("Invitation %s not joined on verification: %s", invitation_id, error.messages)
    return memberships
