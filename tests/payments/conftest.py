"""Fixtures for the payments tests: the seeded fee schedule, a firm with deposit accounts,
an accounts officer, and the sandbox gateway wired to the live server."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.models import Membership, Organisation, User
from payments import hooks
from payments.gateways.base import signature_header
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory


@pytest.fixture(autouse=True)
def _fees_in_the_concession_period(in_the_concession_period):
    """Amounts here are the concession period's unless a test travels elsewhere itself."""


@pytest.fixture(autouse=True)
def _restore_payment_hooks():
    """Tests may register handlers of their own; afterwards the app's own handlers (registered
    in AppConfig.ready, such as the filing fee's) are back exactly as they were."""
    paid = {purpose: list(handlers) for purpose, handlers in hooks._paid.items()}
    refunded = {purpose: list(handlers) for purpose, handlers in hooks._refunded.items()}
    receipt = list(hooks._receipt)
    yield
    hooks.unregister_all()
    hooks._paid.update(paid)
    hooks._refunded.update(refunded)
    hooks._receipt.extend(receipt)


@dataclass
class Firm:
    organisation: Organisation
    admin: Membership
    central: Membership
    kowloon: Membership
    nobranch: Membership


@pytest.fixture
def firm(db) -> Firm:
    organisation = OrganisationFactory()
    return Firm(
        organisation=organisation,
        admin=MembershipFactory(organisation=organisation, role=Membership.Role.PRIMARY_ADMIN),
        central=MembershipFactory(organisation=organisation, branch_code="CEN"),
        kowloon=MembershipFactory(organisation=organisation, branch_code="KLN"),
        nobranch=MembershipFactory(organisation=organisation),
    )


@pytest.fixture
def officer(db) -> User:
    return StaffFactory(group="Accounts officer")


@pytest.fixture
def second_officer(db) -> User:
    return StaffFactory(group="Accounts officer")


@pytest.fixture
def gateway(live_server, settings, celery_eager):
    """Callbacks from the sandbox go over real HTTP to the live server's endpoint."""
    settings.PAYMENT_CALLBACK_BASE_URL = live_server.url
    return live_server


def post_callback(url: str, payload: dict, *, secret: str, timestamp: int | None = None) -> int:
    body = json.dumps(payload, separators=(",", ":")).encode()
    stamp = int(time.time()) if timestamp is None else timestamp
    request = urllib.request.Request(  # noqa: S310
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Sandbox-Signature": signature_header(secret, stamp, body)},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def money(value: str) -> Decimal:
    return Decimal(value)
