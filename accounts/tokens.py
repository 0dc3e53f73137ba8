"""Personal API tokens: made, listed and revoked by their owner; checked on every API call.

A token is ``secrets.token_urlsafe(32)`` (256 bits), shown once; only its SHA-256 is
stored, so a copy of the database gives no working token. Creation and revocation
are audited, with the token's scopes and expiry.

What a token may do is its **scopes** (:class:`~accounts.models.ApiToken.Scope`): every
token reads (``read``: the filings and cases its user may see); ``file`` adds starting
cases and filing documents, ``pay`` adds charging fees to the deposit account. An
endpoint names the scope it needs (:class:`~accounts.api_auth.ApiTokenAuth`).

A token **expires**: 30, 90 (the default), 180 or 365 days after it is made, chosen then.
A staff member's token reads every case, so it is made only with a current code from
the staff member's authenticator app, may only read, and lasts 24 hours.

Nothing about a token is cached: each call looks the token up, so a revoked or expired
token fails on the very next request.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icms.core.audit import AuditEventType, audit_record
from icms.core.counters import cache_counter_incr
from icms.core.lookups import NotFound

from .models import ApiToken, User
from .selectors import is_staff_user

#: How many working tokens one account may hold at a time.
MAX_ACTIVE_TOKENS = 10
#: The lifetimes a token may be given, in days; the first one the form offers is the default.
EXPIRY_DAYS = (30, 90, 180, 365)
DEFAULT_EXPIRY_DAYS = 90
#: A staff member's token lasts this long, whatever they choose.
STAFF_TOKEN_LIFETIME = timedelta(hours=24)
#: Wrong authenticator codes a staff member may enter on the token form per quarter hour.
TOTP_ATTEMPTS = 5
TOTP_WINDOW = 15 * 60

Scope = ApiToken.Scope


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_tokens_for_user(user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked and expired ones too, for the record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_for_user(user: User, token_id: int) -> ApiToken:
    try:
        return api_tokens_for_user(user).get(pk=token_id)
    except ApiToken.DoesNotExist:
        raise NotFound from None


def _working(now: datetime | None = None) -> Q:
    now = now or timezone.now()
    return Q(revoked_at__isnull=True, expires_at__gt=now)


def _scopes(requested: Iterable[str], *, staff: bool) -> list[str]:
    """The token's scopes, in a fixed order: read always, then what was asked for."""
    wanted = set(requested) | {Scope.READ.value}
    unknown = wanted - set(Scope.values)
    if unknown:
        raise ValidationError(_("Choose what the token may do from the list."), code="scope")
    if staff and wanted != {Scope.READ.value}:
        raise ValidationError(_("A staff member's token may only read."), code="staff_scope")
    return [scope for scope in Scope.values if scope in wanted]


def _staff_second_factor_check(user: User, code: str) -> None:
    """A staff member proves with a current authenticator code that it is them making the token."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        raise ValidationError(
            _("Set up two-factor authentication with an authenticator app before you make a token."),
            code="no_totp",
        )
    count = cache_counter_incr(f"api-token-totp:{user.pk}", timeout=TOTP_WINDOW)
    if count is not None and count > TOTP_ATTEMPTS:
        raise ValidationError(
            _("Too many codes were tried. Wait 15 minutes, then enter the code your app shows."), code="totp_locked"
        )
    if not code.strip() or not TOTP(authenticator).validate_code(code.strip()):
        raise ValidationError(
            _("That code is not right, or was used already. Enter the code your authenticator app shows now."),
            code="totp",
        )


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scopes: Iterable[str] = (Scope.READ,),
    expires_in_days: int = DEFAULT_EXPIRY_DAYS,
    totp_code: str = "",
    ip_address: str | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns the row and the token, which is never shown again.

    ``scopes`` adds ``file`` and ``pay`` to ``read``, which every token has. Staff must
    pass ``totp_code``, a current code of their authenticator app; their token may only
    read and expires after :data:`STAFF_TOKEN_LIFETIME`, whatever ``expires_in_days`` says.
    """
    if not user.is_active:
        raise ValidationError(_("This account cannot use the API."), code="inactive")
    staff = is_staff_user(user)
    chosen = _scopes([str(scope) for scope in scopes], staff=staff)
    now = timezone.now()
    if staff:
        _staff_second_factor_check(user, totp_code)
        expires_at = now + STAFF_TOKEN_LIFETIME
    elif expires_in_days in EXPIRY_DAYS:
        expires_at = now + timedelta(days=expires_in_days)
    else:
        raise ValidationError(_("Choose how long the token lasts from the list."), code="expiry")
    User.objects.select_for_update().filter(pk=user.pk).first()  # one creation at a time per user
    if api_tokens_for_user(user).filter(_working(now)).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You have %(count)d tokens already. Revoke one you no longer use first."),
            code="too_many",
            params={"count": MAX_ACTIVE_TOKENS},
        )
    token = secrets.token_urlsafe(32)
    api_token = ApiToken(
        user=user, name=name.strip(), token_hash=token_hash(token), scopes=chosen, expires_at=expires_at
    )
    api_token.full_clean()
    api_token.save()
    audit_record(
        event_type=AuditEventType.API_TOKEN_CREATED,
        actor=user,
        target=api_token,
        target_label=api_token.name,
        after={
            "name": api_token.name,
            "scopes": chosen,
            "expires_at": expires_at.isoformat(),
            "staff_second_factor": staff,
        },
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
            before={
                "revoked": False,
                "scopes": api_token.scopes,
                "expires_at": api_token.expires_at.isoformat() if api_token.expires_at else None,
            },
            after={"revoked": True},
            ip_address=ip_address,
        )
    return bool(revoked)


def api_token_lookup(token: str, *, ip_address: str | None = None) -> ApiToken | None:
    """The working token presented, with its user; None if unknown, revoked, expired or the account is off.

    Records the last use (time and address), at most once a minute per token.
    """
    if not token or len(token) > 200:
        return None
    now = timezone.now()
    api_token = (
        ApiToken.objects.select_related("user")
        .filter(_working(now), token_hash=token_hash(token), user__is_active=True)
        .first()
    )
    if api_token is None:
        return None
    # Not a legal event: a plain update, at most once a minute per token.
    ApiToken.objects.filter(pk=api_token.pk).exclude(last_used_at__gt=now - timedelta(minutes=1)).update(
        last_used_at=now, last_used_ip=ip_address
    )
    return api_token


def api_token_user(token: str) -> User | None:
    """The active user a presented token belongs to, or None (unknown, revoked, expired, or the account is off)."""
    api_token = api_token_lookup(token)
    return api_token.user if api_token is not None else None
