"""Personal API tokens: made, listed and revoked by their owner; checked on every API call.

A token is ``secrets.token_urlsafe(32)`` (256 bits), shown once; only its SHA-256 is
stored, so a copy of the database gives no working token. Creation and revocation
are audited.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icms.core.audit import AuditEventType, audit_record
from icms.core.lookups import NotFound

from .models import ApiToken, User

#: How many working tokens one account may hold at a time.
MAX_ACTIVE_TOKENS = 10


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_tokens_for_user(user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked ones too, for the record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_for_user(user: User, token_id: int) -> ApiToken:
    try:
        return api_tokens_for_user(user).get(pk=token_id)
    except ApiToken.DoesNotExist:
        raise NotFound from None


@transaction.atomic
def api_token_create(*, user: User, name: str, ip_address: str | None = None) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns the row and the token, which is never shown again."""
    if not user.is_active:
        raise ValidationError(_("This account cannot use the API."), code="inactive")
    User.objects.select_for_update().filter(pk=user.pk).first()  # one creation at a time per user
    if api_tokens_for_user(user).filter(revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You have %(count)d tokens already. Revoke one you no longer use first."),
            code="too_many",
            params={"count": MAX_ACTIVE_TOKENS},
        )
    token = secrets.token_urlsafe(32)
    api_token = ApiToken(user=user, name=name.strip(), token_hash=token_hash(token))
    api_token.full_clean()
    api_token.save()
    audit_record(
        event_type=AuditEventType.API_TOKEN_CREATED,
        actor=user,
        target=api_token,
        target_label=api_token.name,
        after={"name": api_token.name},
        ip_address=ip_address,
    )
    return api_token, token


@transaction.atomic
def api_token_revoke(*, api_token: ApiToken, actor: User, ip_address: str | None = None) -> bool:
    """Revoke a token of ``actor``'s own. True if it was working until now."""
    if api_token.user_id != actor.pk:
        raise NotFound
    revoked = ApiToken.objects.filter(pk=api_token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        audit_record(
            event_type=AuditEventType.API_TOKEN_REVOKED,
            actor=actor,
            target=api_token,
            target_label=api_token.name,
            before={"revoked": False},
            after={"revoked": True},
            ip_address=ip_address,
        )
    return bool(revoked)


def api_token_user(token: str) -> User | None:
    """The active user a presented token belongs to, or None (unknown, revoked, or the account is off)."""
    if not token or len(token) > 200:
        return None
    api_token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if api_token is None:
        return None
    # Not a legal event: a plain update, at most once a minute per token.
    now = timezone.now()
    ApiToken.objects.filter(pk=api_token.pk).exclude(last_used_at__gt=now - timedelta(minutes=1)).update(
        last_used_at=now
    )
    return api_token.user
