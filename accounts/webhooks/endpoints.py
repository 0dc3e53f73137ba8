"""An organisation's webhook endpoints: registered, switched off and on, re-keyed and deleted by its administrators.

Only HTTPS URLs whose host is a public name or address are accepted: never ``http://``,
``localhost``, or a loopback, private, link-local or reserved address, which would let a
URL reach the portal's own network. ``WEBHOOKS_ALLOW_INSECURE`` (the test settings, a
developer's machine) lifts that rule for a local receiver. The same rule is applied
again to the addresses the host resolves to when each delivery is sent
(:mod:`accounts.webhooks.delivery`), so a name that later points inside is refused too.

The signing secret is ``whsec_`` and 32 random bytes in base64 (the Standard Webhooks
form). It is shown once, in the response that made it, and is stored encrypted.
"""

from __future__ import annotations

import base64
import ipaddress
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icms.core.audit import AuditEventType, audit_record
from icms.core.lookups import NotFound

from ..models import Membership, User, WebhookDelivery, WebhookEndpoint
from ..selectors import AnyUser, admin_membership_for_user
from .events import EventType

#: How many endpoints one organisation may register.
MAX_ENDPOINTS = 10
SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix of every secret, not a secret)
#: How long a replaced secret keeps signing when its administrator asks for an overlap.
SECRET_OVERLAP = timedelta(hours=24)


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def address_is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A globally routable unicast address (not loopback, private, link-local, multicast or reserved)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address_is_public(address.ipv4_mapped)
    return address.is_global and not address.is_multicast


def webhook_url_check(url: str) -> str:
    """The URL, tidied, if an endpoint may have it; else ``ValidationError`` saying what to change."""
    url = url.strip()
    insecure_allowed: bool = settings.WEBHOOKS_ALLOW_INSECURE
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError:
        raise ValidationError(_("Enter the full address, starting with https://."), code="url") from None
    parts = urlsplit(url)
    if parts.scheme != "https" and not insecure_allowed:
        raise ValidationError(_("The address must start with https://: events are sent only encrypted."), code="http")
    if parts.username or parts.password:
        raise ValidationError(_("Leave the user name and password out of the address."), code="userinfo")
    host = (parts.hostname or "").rstrip(".").lower()
    if insecure_allowed:
        return url
    if host == "localhost" or host.endswith(".localhost"):
        raise ValidationError(_("The address must be reachable on the internet, not this computer."), code="local")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return url  # a name: its addresses are checked each time a delivery is sent
    if not address_is_public(address):
        raise ValidationError(
            _("The address must be reachable on the internet, not a private or reserved address."), code="private"
        )
    return url


def _event_types(chosen: Iterable[str]) -> list[str]:
    types = sorted(set(chosen))
    if any(event_type not in EventType.values for event_type in types):
        raise ValidationError(_("Choose the events from the list."), code="event_type")
    # Every type ticked is the same as none: every type, including ones added later.
    return [] if set(types) == set(EventType.values) else types


# --- Selectors -------------------------------------------------------------------------


def endpoints_for_admin(*, user: AnyUser) -> QuerySet[WebhookEndpoint]:
    """The endpoints of the organisation this user administers (404 for anyone else)."""
    admin = admin_membership_for_user(user)
    return WebhookEndpoint.objects.filter(organisation=admin.organisation).order_by("created_at", "id")


def endpoint_for_admin(*, user: AnyUser, endpoint_id: int) -> WebhookEndpoint:
    try:
        return endpoints_for_admin(user=user).get(pk=endpoint_id)
    except WebhookEndpoint.DoesNotExist:
        raise NotFound from None


def deliveries_for_admin(*, user: AnyUser, endpoint_id: int) -> QuerySet[WebhookDelivery]:
    """One endpoint's deliveries, newest first, with their event and attempts."""
    endpoint = endpoint_for_admin(user=user, endpoint_id=endpoint_id)
    return (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related("attempt_log")
        .order_by("-created_at", "-id")
    )


def delivery_for_admin(*, user: AnyUser, delivery_id: int) -> WebhookDelivery:
    admin = admin_membership_for_user(user)
    try:
        return WebhookDelivery.objects.select_related("endpoint", "event").get(
            pk=delivery_id, endpoint__organisation=admin.organisation
        )
    except WebhookDelivery.DoesNotExist:
        raise NotFound from None


# --- Services --------------------------------------------------------------------------


def _admin_of(actor: User, endpoint: WebhookEndpoint) -> Membership:
    admin = admin_membership_for_user(actor)
    if admin.organisation_id != endpoint.organisation_id:
        raise NotFound
    return admin


def _snapshot(endpoint: WebhookEndpoint) -> dict[str, object]:
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": list(endpoint.event_types),
        "on": endpoint.disabled_at is None,
    }


@transaction.atomic
def webhook_endpoint_create(
    *,
    actor: User,
    url: str,
    description: str = "",
    event_types: Iterable[str] = (),
    ip_address: str | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint for the actor's organisation; returns it and its secret, shown only now."""
    admin = admin_membership_for_user(actor)
    organisation = admin.organisation
    if not organisation.is_approved:
        raise ValidationError(
            _("Your organisation can register webhooks once the registry approves it."), code="not_approved"
        )
    if WebhookEndpoint.objects.filter(organisation=organisation).count() >= MAX_ENDPOINTS:
        raise ValidationError(
            _("Your organisation has %(count)d endpoints already. Delete one it no longer uses first."),
            code="too_many",
            params={"count": MAX_ENDPOINTS},
        )
    secret = secret_generate()
    endpoint = WebhookEndpoint(
        organisation=organisation,
        url=webhook_url_check(url),
        description=description.strip(),
        event_types=_event_types(event_types),
        secret=secret,
        created_by=actor,
    )
    endpoint.full_clean()
    endpoint.save()
    audit_record(
        event_type=AuditEventType.WEBHOOK_ENDPOINT_CREATED,
        actor=actor,
        target=endpoint,
        target_label=endpoint.url,
        after=_snapshot(endpoint),
        ip_address=ip_address,
    )
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    actor: User,
    description: str,
    event_types: Iterable[str],
    on: bool,
    ip_address: str | None = None,
) -> WebhookEndpoint:
    """Change what an endpoint hears, its description, and whether it is on.

    An endpoint that is off hears nothing: events while it is off are not kept for it.
    Deliveries already owed to it are still tried.
    """
    _admin_of(actor, endpoint)
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = _snapshot(locked)
    locked.description = description.strip()
    locked.event_types = _event_types(event_types)
    if on:
        locked.disabled_at = None
    elif locked.disabled_at is None:
        locked.disabled_at = timezone.now()
    locked.full_clean()
    locked.save()
    after = _snapshot(locked)
    if after != before:
        audit_record(
            event_type=AuditEventType.WEBHOOK_ENDPOINT_CHANGED,
            actor=actor,
            target=locked,
            target_label=locked.url,
            before=before,
            after=after,
            ip_address=ip_address,
        )
    return locked


def signing_secrets(endpoint: WebhookEndpoint, *, now: datetime) -> list[str]:
    """The secrets a delivery sent at ``now`` is signed with: the current one, then the replaced
    one while its overlap lasts."""
    secrets_now = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_until and now < endpoint.previous_secret_until:
        secrets_now.append(endpoint.previous_secret)
    return secrets_now


@transaction.atomic
def webhook_endpoint_secret_rotate(
    *, endpoint: WebhookEndpoint, actor: User, overlap: bool = False, ip_address: str | None = None
) -> tuple[WebhookEndpoint, str]:
    """Give the endpoint a new secret, shown only now. Every delivery from now on, retries of
    older events too, is signed with it.

    Without ``overlap`` (the secret may have been seen) the old secret stops at once. With it,
    deliveries carry a second signature made with the old secret for :data:`SECRET_OVERLAP`,
    while the receiver is given the new one. A secret older than that never signs again: a
    rotation during an overlap ends the earlier overlap.
    """
    _admin_of(actor, endpoint)
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    now = timezone.now()
    secret = secret_generate()
    until = now + SECRET_OVERLAP if overlap else None
    locked.previous_secret = locked.secret if overlap else ""
    locked.previous_secret_until = until
    locked.secret = secret
    locked.save(update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"])
    audit_record(
        event_type=AuditEventType.WEBHOOK_ENDPOINT_SECRET_ROTATED,
        actor=actor,
        target=locked,
        target_label=locked.url,
        after={"previous_secret_signs_until": until.isoformat() if until else None},
        ip_address=ip_address,
    )
    return locked, secret


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, actor: User, ip_address: str | None = None) -> None:
    """Delete the endpoint with its delivery log; deliveries still owed to it are dropped."""
    _admin_of(actor, endpoint)
    audit_record(
        event_type=AuditEventType.WEBHOOK_ENDPOINT_DELETED,
        actor=actor,
        target=endpoint,
        target_label=endpoint.url,
        before=_snapshot(endpoint),
        ip_address=ip_address,
    )
    endpoint.delete()
