"""Authentication for the JSON API: a personal token as ``Authorization: Bearer <token>``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from icms.core.http import client_ip

from .models import ApiToken, User
from .tokens import api_token_lookup


class ApiTokenAuth(HttpBearer):
    """A bearer token made on the account's API tokens page; ``request.auth`` is its user.

    A wrong, revoked, expired or malformed token is refused with 401. With ``public=True`` a
    request *without* an ``Authorization`` header goes on as the public
    (``AnonymousUser``): the access policy then shows it nothing, and case data it
    asks for is a 404, exactly as for a signed-in user who is not entitled.
    ``scope`` is what the token must allow: ``ApiTokenAuth(scope="file")`` guards filing.
    A working token without that scope is refused with 403, naming the scope.
    """

    def __init__(self, *, public: bool = False, scope: str = "read") -> None:
        super().__init__()
        if scope not in ApiToken.Scope.values:
            raise ValueError(f"Unknown API token scope {scope!r}.")
        self.public = public
        # What the token must allow (accounts.models.ApiToken.Scope): "read", "file" or "pay".
        self.scope = scope

    def __call__(self, request: HttpRequest) -> Any:
        if self.public and not request.headers.get(self.header):
            return AnonymousUser()
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = api_token_lookup(token.strip(), ip_address=client_ip(request))
        if api_token is None:
            return None
        if self.scope not in api_token.scopes:
            # Not a 401: the token is good, it was made without this permission.
            raise HttpError(
                403,
                f"This token does not have the “{self.scope}” scope. "
                f"Make a token with the “{self.scope}” scope on your API tokens page.",
            )
        return api_token.user
