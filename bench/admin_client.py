"""The staff site as the benches see it: a superuser signed in past the two-factor check."""

from __future__ import annotations

from django.test import Client


def signed_in() -> Client:
    """A client signed in as ``bench-admin@example.hk`` (made once), with a TOTP authenticator row
    so that the staff site's two-factor middleware lets it through."""
    from allauth.mfa.models import Authenticator

    from accounts.models import User

    user, _ = User.objects.get_or_create(
        email="bench-admin@example.hk", defaults={"kind": User.Kind.STAFF, "is_staff": True, "is_superuser": True}
    )
    Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {}})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client
