"""Small helpers about the HTTP request that every app shares."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from django.conf import settings
from django.http import Http404, HttpRequest

from .lookups import NotFound

if TYPE_CHECKING:
    # django-stubs' name for settings.AUTH_USER_MODEL: its mypy plugin reads it as
    # accounts.models.User, so this bottom layer names the user without importing accounts.
    from django.contrib.auth.models import _User

P = ParamSpec("P")
T = TypeVar("T")


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view that only a signed-in user reaches (``login_required``).

    Annotate such a view's ``request`` with it: ``request.user`` is then the user, not
    "the user or AnonymousUser".
    """

    user: _User


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: what rate limits, the sign-in throttle and audit rows record.

    With ``TRUSTED_PROXY_COUNT = 0`` (the default) it is the connection's address,
    ``REMOTE_ADDR``. With ``N`` proxies of our own in front (nginx in docker-compose: 1),
    it is the ``N``-th address from the right of ``X-Forwarded-For``: each proxy appends
    the address it was connected from, so everything left of that was written by the
    client and proves nothing. This is allauth's rule (``ALLAUTH_TRUSTED_PROXY_COUNT``
    is set from the same value), and allauth asks us through
    ``AccountAdapter.get_client_ip``, so both always agree. A header with fewer entries
    than proxies, or a value that is not an address, means the request did not come
    through our proxies as configured: then the connection's address is used (allauth
    would answer 500), which at worst puts such clients in one shared bucket.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies: int = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = forwarded.split(",")
        if len(hops) >= proxies:
            return _address(hops[-proxies]) or remote
    return remote


def _address(value: str) -> str | None:
    """An IP address in its canonical form, or None; a port (``1.2.3.4:5678``, ``[::1]:80``) is dropped."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def found_or_404(lookup: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Call a selector for a view; its :class:`~icms.core.lookups.NotFound` becomes a 404.

    The one place a refusal turns into HTTP (as healthchecks' ``_get_check_for_user``).
    """
    try:
        return lookup(*args, **kwargs)
    except NotFound:
        raise Http404 from None
