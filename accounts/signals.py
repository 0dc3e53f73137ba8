"""Audit rows for account events that django-allauth and django.contrib.auth perform.

allauth and Django own these flows (sign-up, login, password and email changes, MFA),
so we listen to their signals. Each receiver writes its audit row in a transaction
of its own: a signal may arrive outside any transaction (login, for instance).
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib import messages
from django.contrib.auth import signals as auth_signals
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from icms.core.audit import AuditEventType, audit_record
from icms.core.http import client_ip

from . import login_throttle, registration
from .models import User
from .session_facts import mfa_fact_forget


def _record(event_type: AuditEventType, request: HttpRequest | None, user: User | None, **extra: Any) -> None:
    with transaction.atomic():
        audit_record(
            event_type=event_type,
            actor=user,
            target=user,
            ip_address=client_ip(request),
            **extra,
        )


@receiver(account_signals.user_signed_up)
def on_signed_up(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    _record(AuditEventType.ACCOUNT_SIGNED_UP, request, user, after={"email": user.email})


@receiver(auth_signals.user_logged_in)
def on_logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    _record(AuditEventType.ACCOUNT_LOGGED_IN, request, user)
    mfa_fact_forget(getattr(request, "session", None))  # a new sign-in reads the two-factor rule afresh


@receiver(auth_signals.user_logged_out)
def on_logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        _record(AuditEventType.ACCOUNT_LOGGED_OUT, request, user)


@receiver(auth_signals.user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    attempted = str(credentials.get("email") or credentials.get("username") or "")[:255]
    with transaction.atomic():
        # No actor and no target: a failed attempt proves nothing about who made it.
        audit_record(
            event_type=AuditEventType.ACCOUNT_LOGIN_FAILED,
            target_label=attempted,
            after={"email": attempted},
            ip_address=client_ip(request),
        )


@receiver(account_signals.email_confirmed)
def on_email_confirmed(sender: Any, request: HttpRequest, email_address: Any, **kwargs: Any) -> None:
    _record(AuditEventType.ACCOUNT_EMAIL_VERIFIED, request, email_address.user, after={"email": email_address.email})
    # An account registered from an invitation joins its organisation now (accounts/registration.py),
    # which may require two-factor authentication.
    mfa_fact_forget(getattr(request, "session", None))
    for membership in registration.invitations_join_on_verification(
        user=email_address.user, ip_address=client_ip(request)
    ):
        if request is not None:
            messages.success(
                request,
                _("You have joined %(organisation)s.") % {"organisation": membership.organisation.name},
                fail_silently=True,
            )


@receiver(account_signals.email_changed)
def on_email_changed(
    sender: Any, request: HttpRequest, user: User, from_email_address: Any, to_email_address: Any, **kwargs: Any
) -> None:
    _record(
        AuditEventType.ACCOUNT_EMAIL_CHANGED,
        request,
        user,
        before={"email": getattr(from_email_address, "email", None)},
        after={"email": to_email_address.email},
    )


@receiver(account_signals.password_changed)
def on_password_changed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    _record(AuditEventType.ACCOUNT_PASSWORD_CHANGED, request, user)


@receiver(account_signals.password_set)
def on_password_set(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    _record(AuditEventType.ACCOUNT_PASSWORD_SET, request, user)


@receiver(account_signals.password_reset)
def on_password_reset(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    _record(AuditEventType.ACCOUNT_PASSWORD_RESET, request, user)
    # Only the owner can complete a reset (the link went to their inbox): their own
    # address's sign-in backoff at the account starts afresh.
    login_throttle.login_forgive(login=user.email, address=client_ip(request))


@receiver(mfa_signals.authenticator_added)
def on_authenticator_added(sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any) -> None:
    _record(AuditEventType.MFA_AUTHENTICATOR_ADDED, request, user, after={"type": authenticator.type})
    # This session reads the two-factor rule again on its next request (accounts.session_facts).
    mfa_fact_forget(getattr(request, "session", None))


@receiver(mfa_signals.authenticator_removed)
def on_authenticator_removed(sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any) -> None:
    _record(AuditEventType.MFA_AUTHENTICATOR_REMOVED, request, user, before={"type": authenticator.type})
    # This session reads the two-factor rule again on its next request (accounts.session_facts).
    mfa_fact_forget(getattr(request, "session", None))


@receiver(mfa_signals.authenticator_reset)
def on_authenticator_reset(sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any) -> None:
    _record(AuditEventType.MFA_AUTHENTICATOR_RESET, request, user, after={"type": authenticator.type})
    # This session reads the two-factor rule again on its next request (accounts.session_facts).
    mfa_fact_forget(getattr(request, "session", None))


@receiver(mfa_signals.authenticator_used)
def on_authenticator_used(sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any) -> None:
    _record(AuditEventType.MFA_AUTHENTICATOR_USED, request, user, after={"type": authenticator.type})


@receiver(mfa_signals.authentication_failed)
def on_mfa_failed(sender: Any, request: HttpRequest, user: User, authenticator: Any = None, **kwargs: Any) -> None:
    _record(
        AuditEventType.MFA_AUTHENTICATION_FAILED, request, user, after={"type": getattr(authenticator, "type", None)}
    )
