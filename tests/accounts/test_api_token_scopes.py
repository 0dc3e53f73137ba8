"""Tokens that fit their use: scopes, an expiry chosen when made, the last use shown, revocation at
once, and staff tokens made only with an authenticator code, read-only, for 24 hours."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from ninja.errors import HttpError

from accounts.api_auth import ApiTokenAuth
from accounts.models import ApiToken
from accounts.tokens import api_token_create, api_token_lookup, api_token_revoke
from icms.core.models import AuditEvent
from tests.factories import StaffFactory, totp_code, totp_for

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:api_tokens")
CASE = "/api/v1/cases/DCCJ%201%2F2026"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer_request(token: str, address: str = "203.0.113.9") -> HttpRequest:
    return RequestFactory().get("/api/v1/x", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address)


def test_a_token_reads_by_default_and_lasts_90_days(individual):
    row, _token = api_token_create(user=individual, name="Reader")
    assert row.scopes == ["read"]
    assert abs(row.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    audit = AuditEvent.objects.get(event_type="api_token.created", actor=individual)
    assert audit.after["scopes"] == ["read"] and audit.after["expires_at"] == row.expires_at.isoformat()


def test_the_page_makes_a_token_with_the_scopes_and_lifetime_chosen(individual):
    response = signed_in(individual).post(PAGE, {"name": "Filer", "scopes": ["file", "pay"], "expires_in_days": "30"})
    assert response.status_code == 200
    assert re.search(r'id="new-token" type="text" readonly value="([^"]+)"', response.text)
    row = ApiToken.objects.get(user=individual)
    assert row.scopes == ["read", "file", "pay"]
    assert abs(row.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)


def test_a_lifetime_off_the_list_or_an_unknown_scope_is_refused(individual):
    with pytest.raises(ValidationError):
        api_token_create(user=individual, name="x", expires_in_days=3650)
    with pytest.raises(ValidationError):
        api_token_create(user=individual, name="x", scopes=["read", "admin"])
    response = signed_in(individual).post(PAGE, {"name": "x", "expires_in_days": "7"})
    assert 'id="new-token"' not in response.text and not ApiToken.objects.exists()


def test_an_endpoint_needing_a_scope_the_token_lacks_answers_403_naming_it(individual):
    _row, token = api_token_create(user=individual, name="Reader")
    with pytest.raises(HttpError) as refused:
        ApiTokenAuth(scope="file")(bearer_request(token))
    assert refused.value.status_code == 403 and "“file”" in str(refused.value)
    assert ApiTokenAuth(scope="read")(bearer_request(token)) == individual
    _row, filer_token = api_token_create(user=individual, name="Filer", scopes=["file"])
    assert ApiTokenAuth(scope="file")(bearer_request(filer_token)) == individual
    with pytest.raises(HttpError):
        ApiTokenAuth(scope="pay")(bearer_request(filer_token))


def test_an_expired_token_is_refused_and_shown_as_expired(individual):
    _row, token = api_token_create(user=individual, name="Short", expires_in_days=30)
    with time_machine.travel(timezone.now() + timedelta(days=30, seconds=1)):
        assert Client().get(CASE, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
        page = signed_in(individual).get(PAGE).text
        assert "Expired" in page and "Working" not in page
    assert Client().get(CASE, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 404  # still working before


def test_the_last_use_is_recorded_with_the_address_at_most_once_a_minute(individual):
    row, token = api_token_create(user=individual, name="Used")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api_token_lookup(token, ip_address="203.0.113.9")
    row.refresh_from_db()
    assert row.last_used_at == start and row.last_used_ip == "203.0.113.9"
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        api_token_lookup(token, ip_address="198.51.100.7")
    row.refresh_from_db()
    assert row.last_used_at == start and row.last_used_ip == "203.0.113.9"
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        ApiTokenAuth()(bearer_request(token, "198.51.100.7"))
    row.refresh_from_db()
    assert row.last_used_ip == "198.51.100.7"
    assert "from 198.51.100.7" in signed_in(individual).get(PAGE).text


def test_revocation_stops_the_very_next_request(individual):
    row, token = api_token_create(user=individual, name="Laptop")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert Client().get(CASE, **headers).status_code == 404
    api_token_revoke(api_token=row, actor=individual)
    assert Client().get(CASE, **headers).status_code == 401
    audit = AuditEvent.objects.get(event_type="api_token.revoked")
    assert audit.before["scopes"] == ["read"]


def test_staff_need_a_current_authenticator_code_and_get_a_read_only_24_hour_token():
    clerk = StaffFactory()
    with pytest.raises(ValidationError) as no_app:
        api_token_create(user=clerk, name="Audit", totp_code="123456")
    assert no_app.value.code == "no_totp"
    secret = totp_for(clerk)
    with pytest.raises(ValidationError) as wrong:
        api_token_create(user=clerk, name="Audit", totp_code="000000" if totp_code(secret) != "000000" else "111111")
    assert wrong.value.code == "totp"
    with pytest.raises(ValidationError) as scoped:
        api_token_create(user=clerk, name="Audit", scopes=["file"], totp_code=totp_code(secret))
    assert scoped.value.code == "staff_scope"
    row, _token = api_token_create(user=clerk, name="Audit", expires_in_days=365, totp_code=totp_code(secret))
    assert row.scopes == ["read"]
    assert abs(row.expires_at - (timezone.now() + timedelta(hours=24))) < timedelta(minutes=1)
    assert AuditEvent.objects.get(event_type="api_token.created").after["staff_second_factor"] is True
    with pytest.raises(ValidationError):  # the same code twice is a replay
        api_token_create(user=clerk, name="Again", totp_code=totp_code(secret))


def test_the_staff_form_asks_for_the_code_and_offers_no_scopes():
    clerk = StaffFactory()
    secret = totp_for(clerk)
    client = signed_in(clerk)
    page = client.get(PAGE).text
    assert 'name="totp_code"' in page and 'name="scopes"' not in page and "24 hours" in page
    refused = client.post(PAGE, {"name": "Audit", "totp_code": "abc"})
    assert 'id="new-token"' not in refused.text and "That code is not right" in refused.text
    made = client.post(PAGE, {"name": "Audit", "totp_code": totp_code(secret)})
    assert 'id="new-token"' in made.text
    assert ApiToken.objects.filter(user=clerk).count() == 1


def test_wrong_codes_are_limited(settings):
    clerk = StaffFactory()
    totp_for(clerk)
    codes = []
    for _ in range(6):
        with pytest.raises(ValidationError) as refused:
            api_token_create(user=clerk, name="Guess", totp_code="999999x")
        codes.append(refused.value.code)
    assert codes[-1] == "totp_locked" and codes[0] == "totp"
