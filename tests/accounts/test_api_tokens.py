"""The API tokens page: a token is shown once, stored only as a hash, and revoked by its owner only."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken
from accounts.tokens import MAX_ACTIVE_TOKENS, api_token_create
from icms.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:api_tokens")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_needs_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_dashboard_links_to_it(individual):
    assert PAGE in signed_in(individual).get(reverse("accounts:dashboard")).text


def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(individual):
    client = signed_in(individual)
    response = client.post(PAGE, {"name": "Practice manager"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', response.text).group(1)
    row = ApiToken.objects.get(user=individual)
    assert row.name == "Practice manager"
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert token not in client.get(PAGE).text
    assert AuditEvent.objects.filter(event_type="api_token.created", actor=individual).exists()
    api = Client().get("/api/v1/cases/DCCJ%201%2F2026", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 404  # authenticated, and not entitled to that case


def test_a_token_needs_a_name(individual):
    response = signed_in(individual).post(PAGE, {"name": ""})
    assert response.status_code == 200 and 'id="new-token"' not in response.text
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_a_token_and_it_stops_working(individual):
    row, token = api_token_create(user=individual, name="Old laptop")
    client = signed_in(individual)
    response = client.post(reverse("accounts:api_token_revoke", args=[row.pk]))

    assert response.status_code == 302 and response.url == PAGE
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert AuditEvent.objects.filter(event_type="api_token.revoked", actor=individual).exists()
    assert Client().get("/api/v1/cases/DCCJ%201%2F2026", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert "Revoked" in client.get(PAGE).text


def test_nobody_else_can_revoke_or_see_a_token(individual, firm):
    row, _token = api_token_create(user=individual, name="Mine")
    other = signed_in(firm.member.user)
    assert other.post(reverse("accounts:api_token_revoke", args=[row.pk])).status_code == 404
    assert "Mine" not in other.get(PAGE).text
    row.refresh_from_db()
    assert row.revoked_at is None


def test_revoking_is_post_only_and_csrf_protected(individual):
    row, _token = api_token_create(user=individual, name="Mine")
    url = reverse("accounts:api_token_revoke", args=[row.pk])
    assert signed_in(individual).get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(individual)
    assert strict.post(url).status_code == 403
    row.refresh_from_db()
    assert row.revoked_at is None


def test_there_is_a_limit_on_working_tokens(individual):
    for n in range(MAX_ACTIVE_TOKENS):
        api_token_create(user=individual, name=f"token {n}")
    response = signed_in(individual).post(PAGE, {"name": "one too many"})
    assert "Revoke one you no longer use first." in response.text
    assert ApiToken.objects.filter(user=individual).count() == MAX_ACTIVE_TOKENS
