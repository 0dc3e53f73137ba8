"""Dashboard, profile and organisation application pages, in English and Chinese."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_need_sign_in(client):
    for name in ("dashboard", "profile", "organisation_apply", "organisation"):
        response = client.get(reverse(f"accounts:{name}"))
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_the_dashboard_tells_an_administrator_it_cannot_file(firm):
    response = _client(firm.primary.user).get(reverse("accounts:dashboard"))
    assert "Administrators manage members and cannot file" in response.text
    response = _client(firm.member.user).get(reverse("accounts:dashboard"))
    assert "This account may file documents." in response.text


def test_the_dashboard_in_chinese(individual):
    client = _client(individual)
    client.cookies["django_language"] = "zh-hant"
    response = client.get(reverse("accounts:dashboard"))
    assert '<html lang="zh-Hant-HK">' in response.text
    assert "你的帳戶" in response.text


def test_the_profile_shows_the_hkid_masked_and_saves_corrections(individual):
    client = _client(individual)
    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": "Tai Man",
            "last_name": "CHAN",
            "name_zh": "陳大文",
            "preferred_language": "en",
            "hkid": "A123456(3)",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("accounts:profile"))
    assert "A123***(*)" in page.text and "A1234563" not in page.text and "123456" not in page.text
    assert "Personal Information Collection Statement" in page.text


def test_the_profile_rejects_a_wrong_check_digit(individual):
    response = _client(individual).post(
        reverse("accounts:profile"), {"preferred_language": "en", "hkid": "A123456(4)"}
    )
    assert response.status_code == 200
    assert "Enter a valid HKID number" in response.text
    individual.refresh_from_db()
    assert individual.hkid == ""


def test_a_new_user_applies_for_an_organisation(individual):
    client = _client(individual)
    page = client.get(reverse("accounts:organisation_apply"))
    assert "Personal Information Collection Statement" in page.text
    response = client.post(
        reverse("accounts:organisation_apply"),
        {
            "type": "law_firm",
            "name_en": "Lam & Co",
            "address": "1 Queen's Road",
            "telephone": "21234567",
            "declaration": "on",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name_en="Lam & Co")
    assert organisation.status == Organisation.Status.APPLIED and organisation.applied_by == individual
    dashboard = client.get(reverse("accounts:dashboard"))
    assert "Applied" in dashboard.text


def test_an_unverified_user_is_told_to_verify_before_applying(db):
    client = _client(UserFactory(verified=False))
    response = client.post(
        reverse("accounts:organisation_apply"),
        {"type": "law_firm", "name_en": "Lam & Co", "address": "x", "telephone": "21234567", "declaration": "on"},
    )
    assert response.status_code == 200 and "Verify your email address" in response.text
    assert not Organisation.objects.exists()
