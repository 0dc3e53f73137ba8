"""Response headers every page carries: what may be cached, and which browser features run.

* ``Cache-Control``: a page that was made for someone (a signed-in user, or a visitor
  with a session, such as a bought search) is ``private, no-store``, so no shared
  computer's browser cache, back button or proxy keeps a case file or a receipt. A
  public page for a visitor without a session is ``no-cache``: it may be kept but is
  asked for again before use, since it changes with the cause list and the calendar. A
  response that says its own Cache-Control (downloads, whitenoise's static files) keeps it.
* ``Permissions-Policy``: the powerful features the portal never uses are turned off for
  it and anything it could ever embed (``settings.PERMISSIONS_POLICY``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

PRIVATE = {"private": True, "no_store": True}
PUBLIC = {"no_cache": True}


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` as ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


def _made_for_someone(request: HttpRequest, response: HttpResponseBase) -> bool:
    user = getattr(request, "user", None)
    return bool(
        (user is not None and user.is_authenticated)
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or settings.SESSION_COOKIE_NAME in response.cookies
    )


class PrivacyHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.permissions_policy = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if "Cache-Control" not in response.headers:
            patch_cache_control(response, **(PRIVATE if _made_for_someone(request, response) else PUBLIC))
        return response
