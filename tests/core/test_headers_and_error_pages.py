"""Every response says what may be cached and which browser features run, and errors
answer with a page of the portal's own, in both languages, with DEBUG off (issue 18)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHINESE = {"404": "找不到", "500": "問題"}


def test_private_pages_and_downloads_are_not_stored(client, settings):
    assert settings.DEBUG is False
    client.force_login(UserFactory())
    for url in (reverse("accounts:dashboard"), reverse("payments:mine")):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "no-store" in answer["Cache-Control"] and "private" in answer["Cache-Control"], url


def test_a_public_page_for_a_visitor_without_a_session_is_revalidated_not_stored_shared(client):
    answer = client.get(reverse("home"))
    assert answer["Cache-Control"] == "no-cache"


def test_a_visitor_with_a_session_gets_private_no_store_even_on_public_pages(client):
    client.cookies["sessionid"] = "whatever"
    assert "no-store" in client.get(reverse("home"))["Cache-Control"]


def test_a_view_that_sets_its_own_cache_control_keeps_it(client):
    assert "no-store" in client.get(reverse("healthz"))["Cache-Control"]  # never_cache


def test_every_response_turns_off_the_browser_features_the_portal_never_uses(client):
    policy = client.get(reverse("home"))["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy
    assert client.get("/no-such-page/")["Permissions-Policy"] == policy


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_404_page_is_the_portals_own_in_both_languages(client, language):
    client.cookies["django_language"] = language
    answer = client.get("/no-such-page/")
    assert answer.status_code == 404
    text = answer.text
    assert "Page not found" in text and "找不到網頁" in text
    first = text.index("找不到網頁") < text.index("Page not found")
    assert first is (language == "zh-hant")  # the reader's language comes first
    assert 'lang="en-HK"' in text and 'lang="zh-Hant-HK"' in text
    assert "no-store" in answer["Cache-Control"] or answer["Cache-Control"] == "no-cache"


@override_settings(ROOT_URLCONF="tests.core.error_urls")
def test_the_500_page_shows_no_detail_and_speaks_both_languages():
    client = Client(raise_request_exception=False)
    answer = client.get("/boom/")
    assert answer.status_code == 500
    text = answer.content.decode()
    assert "Sorry, there is a problem with the portal" in text and "很抱歉" in text
    assert "RuntimeError" not in text and "must not show" not in text and "Traceback" not in text


@override_settings(ROOT_URLCONF="tests.core.error_urls")
def test_the_403_and_400_pages(client):
    forbidden = client.get("/forbidden/")
    assert forbidden.status_code == 403
    assert "You cannot open this page" in forbidden.text and "你無權" in forbidden.text
    bad = client.get("/bad/")
    assert bad.status_code == 400
    assert "The request could not be understood" in bad.text and "無法理解" in bad.text


def test_a_request_for_another_host_gets_the_400_page(client):
    answer = client.get("/", HTTP_HOST="attacker.example")
    assert answer.status_code == 400
    assert "The request could not be understood" in answer.text


def test_a_form_without_its_csrf_token_gets_the_bilingual_csrf_page():
    client = Client(enforce_csrf_checks=True)
    answer = client.post(reverse("account_login"), {"login": "a@example.com", "password": "x"})
    assert answer.status_code == 403
    assert "Your form could not be sent" in answer.text and "表格未能送出" in answer.text
    assert "Nothing was filed or paid" in answer.text
