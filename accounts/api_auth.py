"""Authentication for the JSON API: a personal token as ``Authorization: Bearer <token>``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer

from .models import User
from .tokens import api_token_user


class ApiTokenAuth(HttpBearer):
    """A bearer token made on the account's API tokens page; ``request.auth`` is its user.

    A wrong, revoked or malformed token is refused with 401. With ``public=True`` a
    request *without* an ``Authorization`` header goes on as the public
    (``AnonymousUser``): the access policy then shows it nothing, and case data it
    asks for is a 404, exactly as for a signed-in user who is not entitled.
    ``scope`` is what the token must allow: ``ApiTokenAuth(scope="file")`` guards filing.
    """

    def __init__(self, *, public: bool = False, scope: str = "read") -> None:
        super().__init__()
        self.public = public
        # What the token must allow (accounts.models.ApiToken.Scope): "read", "file" or "pay".
        self.scope = scope

    def __call__(self, request: HttpRequest) -> Any:
        if self.public and not request.headers.get(self.header):
            return AnonymousUser()
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return api_token_user(token.strip())
