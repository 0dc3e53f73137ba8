"""The view checklist (docs/development.md) for the account screens: dashboard, profile,
organisation application, the administrators' screens, invitations, API tokens, and the
allauth pages our templates override. Query counts of the lists are at the end.
"""

from __future__ import annotations

import re
from functools import cached_property

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import ApiToken, Invitation, Membership, Organisation, WebhookDelivery, WebhookEndpoint
from accounts.tokens import api_token_create
from accounts.webhooks import webhook_event_record
from accounts.webhooks.endpoints import webhook_endpoint_create
from icms.core.models import OutboxItem
from tests.accounts.conftest import Firm
from tests.checklist import (
    View,
    ViewChecklist,
    assert_queries_do_not_grow,
    signed_in,
)
from tests.factories import CaseFactory, MembershipFactory, PartyFactory, UserFactory, assign_case

pytestmark = pytest.mark.django_db

INVITEE = "new.member@example.hk"


class World:
    """A firm and another firm (tests/accounts/conftest.py) and an individual; the rest made on demand."""

    def __init__(self, firm: Firm, other_firm: Firm, individual):
        self.firm = firm
        self.other_firm = other_firm
        self.individual = individual
        self.admin = firm.primary.user
        self.member = firm.member.user
        self.other_admin = other_firm.primary.user

    @cached_property
    def invitation(self) -> tuple[Invitation, str]:
        return services.invitation_create(organisation=self.firm.organisation, actor=self.admin, email=INVITEE)

    @cached_property
    def invitee(self):
        return UserFactory(email=INVITEE)

    @cached_property
    def api_token(self) -> ApiToken:
        row, _token = api_token_create(user=self.individual, name="Practice manager")
        return row

    @cached_property
    def webhook_endpoint(self) -> WebhookEndpoint:
        endpoint, _secret = webhook_endpoint_create(
            actor=self.admin, url="http://127.0.0.1:9/icms", description="Case manager"
        )
        return endpoint

    @cached_property
    def webhook_delivery(self) -> WebhookDelivery:
        from django.db import transaction

        endpoint = self.webhook_endpoint  # listening before the event happens
        with transaction.atomic():
            event = webhook_event_record(
                organisation=self.firm.organisation, event_type="payment.settled", data={"amount": "1045.00"}
            )
        assert event is not None
        return WebhookDelivery.objects.get(event=event, endpoint=endpoint)


@pytest.fixture
def world(firm, other_firm, individual) -> World:
    return World(firm, other_firm, individual)


def _membership(world: World, pk: int) -> tuple:
    membership = Membership.objects.get(pk=pk)
    return membership.role, membership.branch_code, membership.sees_all_cases, membership.is_active


def _member_page(world: World) -> str:
    return reverse("accounts:member_detail", args=[world.firm.member.pk])


VIEWS = [
    View(
        "accounts:dashboard",
        lambda w: reverse("accounts:dashboard"),
        user="individual",
        shows=lambda w: f"Signed in as {w.individual.display_name}.",
    ),
    View(
        "accounts:profile",
        lambda w: reverse("accounts:profile"),
        methods=("GET", "POST"),
        user="individual",
        shows=lambda w: "Personal Information Collection Statement",
        data=lambda w: {"first_name": "Siu Ming", "last_name": "WONG", "preferred_language": "zh-hant"},
        state=lambda w: type(w.individual).objects.values_list("first_name", "last_name").get(pk=w.individual.pk),
        goes_to=lambda w: reverse("accounts:profile"),
        changed_to=lambda w: ("Siu Ming", "WONG"),
    ),
    View(
        "accounts:organisation_apply",
        lambda w: reverse("accounts:organisation_apply"),
        methods=("GET", "POST"),
        user="individual",
        shows=lambda w: "Personal Information Collection Statement",
        data=lambda w: {
            "type": "law_firm",
            "name_en": "Lam & Co",
            "address": "1 Queen's Road Central",
            "telephone": "21234567",
            "declaration": "on",
        },
        state=lambda w: list(Organisation.objects.filter(name_en="Lam & Co").values_list("status", flat=True)),
        goes_to=lambda w: reverse("accounts:dashboard"),
        changed_to=lambda w: [Organisation.Status.APPLIED],
    ),
    View(
        "accounts:organisation",
        lambda w: reverse("accounts:organisation"),
        user="admin",
        other="member",  # not an administrator: the screen does not exist for them
        shows=lambda w: w.firm.other_member.user.email,
    ),
    View(
        "accounts:organisation_mfa_rule",
        lambda w: reverse("accounts:organisation_mfa_rule"),
        methods=("POST",),
        user="admin",
        other="member",
        data=lambda w: {"require_mfa": "on"},
        state=lambda w: Organisation.objects.get(pk=w.firm.organisation.pk).require_mfa,
        goes_to=lambda w: reverse("accounts:organisation"),
        changed_to=lambda w: True,
    ),
    View(
        "accounts:primary_transfer",
        lambda w: reverse("accounts:primary_transfer"),
        methods=("GET", "POST"),
        user="admin",
        other="member",
        shows=lambda w: w.firm.secondary.user.display_name,
        data=lambda w: {"to_membership": w.firm.secondary.pk, "confirm": "on"},
        state=lambda w: _membership(w, w.firm.primary.pk)[0],
        goes_to=lambda w: reverse("accounts:organisation"),
        changed_to=lambda w: Membership.Role.SECONDARY_ADMIN,
    ),
    View(
        "accounts:invitation_create",
        lambda w: reverse("accounts:invitation_create"),
        methods=("GET", "POST"),
        user="admin",
        other="member",
        shows=lambda w: w.firm.organisation.name_en,
        data=lambda w: {"email": "trainee@example.hk", "role": Membership.Role.MEMBER},
        state=lambda w: list(Invitation.objects.values_list("email", flat=True)),
        goes_to=lambda w: reverse("accounts:organisation"),
        changed_to=lambda w: ["trainee@example.hk"],
    ),
    View(
        "accounts:invitation_revoke",
        lambda w: reverse("accounts:invitation_revoke", args=[w.invitation[0].pk]),
        methods=("POST",),
        user="admin",
        other="other_admin",
        state=lambda w: Invitation.objects.get(pk=w.invitation[0].pk).revoked_at is not None,
        goes_to=lambda w: reverse("accounts:organisation"),
        changed_to=lambda w: True,
    ),
    View(
        "accounts:member_detail",
        lambda w: _member_page(w),
        user="admin",
        other="other_admin",
        shows=lambda w: w.member.email,
    ),
    View(
        "accounts:member_deactivate",
        lambda w: reverse("accounts:member_deactivate", args=[w.firm.member.pk]),
        methods=("POST",),
        user="admin",
        other="other_admin",
        state=lambda w: _membership(w, w.firm.member.pk)[3],
        goes_to=_member_page,
        changed_to=lambda w: False,
    ),
    View(
        "accounts:member_role",
        lambda w: reverse("accounts:member_role", args=[w.firm.member.pk]),
        methods=("POST",),
        user="admin",
        other="other_admin",
        data=lambda w: {"role": Membership.Role.SECONDARY_ADMIN},
        state=lambda w: _membership(w, w.firm.member.pk)[0],
        goes_to=_member_page,
        changed_to=lambda w: Membership.Role.SECONDARY_ADMIN,
    ),
    View(
        "accounts:member_access",
        lambda w: reverse("accounts:member_access", args=[w.firm.member.pk]),
        methods=("POST",),
        user="admin",
        other="other_admin",
        data=lambda w: {"branch_code": "KLN", "sees_all_cases": "on"},
        state=lambda w: _membership(w, w.firm.member.pk)[1:3],
        goes_to=_member_page,
        changed_to=lambda w: ("KLN", True),
    ),
    View(
        "accounts:invitation_accept",
        lambda w: reverse("accounts:invitation_accept", args=[w.invitation[1]]),
        methods=("GET", "POST"),
        user="invitee",
        # The link is the invitee's own: no one else's object. A forged, used or expired
        # link is a 404 (test_invitations.py); the anonymous get the page, to sign in.
        shows=lambda w: w.firm.organisation.name_en,
        state=lambda w: Membership.objects.filter(user__email=INVITEE).exists(),
        goes_to=lambda w: reverse("accounts:dashboard"),
        changed_to=lambda w: True,
        anonymous=200,
    ),
    View(
        "accounts:api_tokens",
        lambda w: reverse("accounts:api_tokens"),
        methods=("GET", "POST"),
        user="individual",
        shows=lambda w: w.api_token.name,
        data=lambda w: {"name": "Laptop"},
        state=lambda w: list(ApiToken.objects.filter(user=w.individual).values_list("name", flat=True)),
    ),
    View(
        "accounts:api_token_revoke",
        lambda w: reverse("accounts:api_token_revoke", args=[w.api_token.pk]),
        methods=("POST",),
        user="individual",
        other="member",
        state=lambda w: ApiToken.objects.get(pk=w.api_token.pk).revoked_at is not None,
        goes_to=lambda w: reverse("accounts:api_tokens"),
        changed_to=lambda w: True,
    ),
    View(
        "accounts:webhooks",
        lambda w: reverse("accounts:webhooks"),
        methods=("GET", "POST"),
        user="admin",
        other="member",
        shows=lambda w: w.webhook_endpoint.url,
        data=lambda w: {"url": "https://hooks.example.com/second"},
        state=lambda w: list(WebhookEndpoint.objects.order_by("pk").values_list("url", flat=True)),
    ),
    View(
        "accounts:webhook_endpoint",
        lambda w: reverse("accounts:webhook_endpoint", args=[w.webhook_endpoint.pk]),
        methods=("GET", "POST"),
        user="admin",
        other="other_admin",
        shows=lambda w: str(w.webhook_delivery.event_id),
        data=lambda w: {"description": "Switched off"},
        state=lambda w: WebhookEndpoint.objects.get(pk=w.webhook_endpoint.pk).disabled_at is None,
        goes_to=lambda w: reverse("accounts:webhook_endpoint", args=[w.webhook_endpoint.pk]),
        changed_to=lambda w: False,
    ),
    View(
        "accounts:webhook_secret_rotate",
        lambda w: reverse("accounts:webhook_secret_rotate", args=[w.webhook_endpoint.pk]),
        methods=("POST",),
        user="admin",
        other="other_admin",
        state=lambda w: WebhookEndpoint.objects.get(pk=w.webhook_endpoint.pk).secret,
    ),
    View(
        "accounts:webhook_endpoint_delete",
        lambda w: reverse("accounts:webhook_endpoint_delete", args=[w.webhook_endpoint.pk]),
        methods=("POST",),
        user="admin",
        other="other_admin",
        state=lambda w: WebhookEndpoint.objects.filter(pk=w.webhook_endpoint.pk).exists(),
        goes_to=lambda w: reverse("accounts:webhooks"),
        changed_to=lambda w: False,
    ),
    View(
        "accounts:webhook_delivery_send_again",
        lambda w: reverse("accounts:webhook_delivery_send_again", args=[w.webhook_delivery.pk]),
        methods=("POST",),
        user="admin",
        other="other_admin",
        state=lambda w: OutboxItem.objects.filter(kind="accounts.webhook_deliver", payload__manual=True).count(),
        goes_to=lambda w: reverse("accounts:webhook_endpoint", args=[w.webhook_endpoint.pk]),
        changed_to=lambda w: 1,
    ),
]


class TestViewChecklist(ViewChecklist):
    VIEWS = VIEWS


def test_the_anonymous_accepting_an_invitation_are_sent_to_sign_in_and_nothing_changes(world):
    url = reverse("accounts:invitation_accept", args=[world.invitation[1]])
    response = Client().post(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"
    assert not Membership.objects.filter(user__email=INVITEE).exists()


def test_a_secondary_administrator_is_refused_the_transfer_of_their_own_organisation(world):
    """403, not 404: the page is their own organisation's, so nothing is disclosed."""
    client = signed_in(world.firm.secondary.user)
    assert client.get(reverse("accounts:primary_transfer")).status_code == 403
    response = client.post(
        reverse("accounts:primary_transfer"), {"to_membership": world.firm.secondary.pk, "confirm": "on"}
    )
    assert response.status_code == 403
    assert _membership(world, world.firm.primary.pk)[0] == Membership.Role.PRIMARY_ADMIN


# --- The allauth pages our templates override (templates/account, templates/allauth) -----

ALLAUTH_PAGES = ["account_login", "account_signup"]


@pytest.mark.parametrize("name", ALLAUTH_PAGES)
def test_the_allauth_page_opens_to_the_anonymous_in_our_layout(db, name):
    response = Client().get(reverse(name))
    assert response.status_code == 200
    assert '<main id="main"' in response.text and 'class="skip-link"' in response.text


@pytest.mark.parametrize("name", ALLAUTH_PAGES)
def test_the_allauth_page_sends_the_signed_in_to_the_dashboard(world, name):
    response = signed_in(world.individual).get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")


@pytest.mark.parametrize("name", ALLAUTH_PAGES)
def test_the_allauth_page_refuses_a_wrong_method(db, name):
    assert Client().delete(reverse(name)).status_code == 405


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("account_login", {"login": "someone@example.hk", "password": "a-long-passphrase-for-icms-2026"}),
        ("account_signup", {"email": "new@example.hk", "password1": "x-long-pass-26", "password2": "x-long-pass-26"}),
    ],
)
def test_the_allauth_page_refuses_a_post_without_the_csrf_token(world, name, data):
    UserFactory(email="someone@example.hk")
    response = Client(enforce_csrf_checks=True).post(reverse(name), data)
    assert response.status_code == 403
    assert type(world.individual).objects.filter(email="new@example.hk").exists() is False


# --- Query counts of the lists ---------------------------------------------------------


def _firm_case(world: World):
    case = CaseFactory()
    PartyFactory(case=case, representative=world.firm.organisation)
    return case


def test_the_dashboard_lists_the_cases_in_the_same_queries_for_more_cases(world, django_assert_num_queries):
    client = signed_in(world.member)
    theirs = CaseFactory()
    PartyFactory(case=theirs, representative=world.other_firm.organisation)
    assign_case(theirs, world.other_firm.member)

    def check(response, total):
        assert response.text.count('<span class="table__label" aria-hidden="true">Case number</span>') == total
        assert theirs.case_number not in response.text

    assert_queries_do_not_grow(
        django_assert_num_queries,
        lambda: client.get(reverse("accounts:dashboard")),
        lambda n: [assign_case(_firm_case(world), world.firm.member) for _ in range(n)],
        check=check,
    )


def test_the_organisation_page_makes_the_same_queries_for_more_members_and_invitations(
    world, django_assert_num_queries
):
    client = signed_in(world.admin)
    made = []

    def add(n):
        for _ in range(n):
            made.append(MembershipFactory(organisation=world.firm.organisation, role=Membership.Role.MEMBER))
            services.invitation_create(
                organisation=world.firm.organisation, actor=world.admin, email=f"invitee{len(made)}@example.hk"
            )

    def check(response, total):
        assert all(m.user.email in response.text for m in made)
        assert response.text.count("Withdraw the invitation to") == total
        assert world.other_firm.member.user.email not in response.text

    assert_queries_do_not_grow(
        django_assert_num_queries, lambda: client.get(reverse("accounts:organisation")), add, check=check
    )


def test_the_member_page_makes_the_same_queries_for_more_assigned_and_assignable_cases(
    world, django_assert_num_queries
):
    client = signed_in(world.admin)

    def add(n):
        for _ in range(n):
            assign_case(_firm_case(world), world.firm.member, by=world.admin)
            _firm_case(world)  # one more to choose from

    def check(response, total):
        assert response.text.count('class="link-button">Remove') == total
        choices = re.search(r'<select name="case".*?</select>', response.text, re.DOTALL).group(0)
        assert choices.count('<option value="') == total

    assert_queries_do_not_grow(django_assert_num_queries, lambda: client.get(_member_page(world)), add, check=check)


def test_the_api_tokens_page_makes_the_same_queries_for_more_tokens(world, django_assert_num_queries):
    client = signed_in(world.individual)
    theirs, _token = api_token_create(user=world.member, name="Not mine")

    def add(n):
        for _ in range(n):
            api_token_create(user=world.individual, name=f"Token {ApiToken.objects.count()}")

    def check(response, total):
        assert response.text.count(">Revoke<") == total
        assert theirs.name not in response.text

    assert_queries_do_not_grow(
        django_assert_num_queries, lambda: client.get(reverse("accounts:api_tokens")), add, check=check
    )
