"""A small cast for account tests: a firm with its primary and secondary administrators
and two Organisation Users, another firm, an individual and registry staff."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import Membership, Organisation, User
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory, UserFactory


@dataclass
class Firm:
    organisation: Organisation
    primary: Membership
    secondary: Membership
    member: Membership
    other_member: Membership


def make_firm(**org) -> Firm:
    organisation = OrganisationFactory(**org)
    return Firm(
        organisation=organisation,
        primary=MembershipFactory(organisation=organisation, role=Membership.Role.PRIMARY_ADMIN),
        secondary=MembershipFactory(organisation=organisation, role=Membership.Role.SECONDARY_ADMIN),
        member=MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER, branch_code="CEN"),
        other_member=MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER, branch_code="KLN"),
    )


@pytest.fixture
def firm(db) -> Firm:
    return make_firm()


@pytest.fixture
def other_firm(db) -> Firm:
    return make_firm()


@pytest.fixture
def individual(db) -> User:
    return UserFactory(kind=User.Kind.INDIVIDUAL)


@pytest.fixture
def clerk(db) -> User:
    return StaffFactory(group="Registry clerk")


@pytest.fixture
def supervisor(db) -> User:
    return StaffFactory(group="Registry supervisor")
