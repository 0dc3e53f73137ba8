"""Helpers for the API tests: tokens with chosen scopes, and requests with an Idempotency-Key."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, Membership
from accounts.tokens import token_hash

ALL_SCOPES = ("read", "file", "pay")


def token_for(user, scopes=ALL_SCOPES) -> str:
    """A working token of ``user``'s with ``scopes`` (made as the token page makes one, without the page)."""
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        name="practice software",
        token_hash=token_hash(token),
        scopes=list(scopes),
        expires_at=timezone.now() + timedelta(days=90),
    )
    return token


class ApiClient:
    """A client of the JSON API with one token: ``post`` sends a fresh Idempotency-Key unless given one."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, path: str, **extra: Any):
        return self.client.get(path, **self.headers, **extra)

    def post_json(self, path: str, body: Any, *, key: str | None = "new", **extra: Any):
        headers = dict(self.headers, **extra)
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = str(uuid.uuid4()) if key == "new" else key
        return self.client.post(path, body, content_type="application/json", **headers)

    def post_form(self, path: str, data: dict[str, Any], *, key: str | None = "new"):
        headers = dict(self.headers)
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = str(uuid.uuid4()) if key == "new" else key
        return self.client.post(path, data, **headers)


def dccj_case(**changes: Any) -> dict[str, Any]:
    """A new DCCJ money claim as an API client sends it: the firm's client sues a company."""
    case = {
        "nature_en": "Money lent and unpaid",
        "amount_claimed": "250000.00",
        "parties": [
            {"side": "applicant", "name_en": "CHAN Tai Man", "address_for_service": "1 Queen's Road Central, HK"},
            {"side": "respondent", "name_en": "GOLDEN HARBOUR LIMITED", "kind": "company"},
        ],
    }
    case.update(changes)
    return {"case_type": "DCCJ", "case": case, "filer_reference": "CLIENT-42/MATTER-7"}


@pytest.fixture
def firm_member(db):
    """A member of an approved law firm, with the firm's deposit account holding HK$5,000."""
    from payments.services import deposit_account_open, deposit_top_up
    from tests.factories import MembershipFactory, StaffFactory

    membership = MembershipFactory(role=Membership.Role.MEMBER)
    account = deposit_account_open(organisation=membership.organisation)
    deposit_top_up(
        account=account,
        amount=Decimal("5000.00"),
        reference="TOPUP-1",
        officer=StaffFactory(group="Accounts officer"),
    )
    return membership.user


@pytest.fixture
def api(firm_member) -> ApiClient:
    return ApiClient(token_for(firm_member))
