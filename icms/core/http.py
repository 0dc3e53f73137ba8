"""Small helpers about the HTTP request that every app shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

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
    """The client's address as the web server saw it (the proxy sets REMOTE_ADDR)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def found_or_404(lookup: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Call a selector for a view; its :class:`~icms.core.lookups.NotFound` becomes a 404.

    The one place a refusal turns into HTTP (as healthchecks' ``_get_check_for_user``).
    """
    try:
        return lookup(*args, **kwargs)
    except NotFound:
        raise Http404 from None
