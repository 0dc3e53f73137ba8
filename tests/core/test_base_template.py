"""base.html keeps the parts that are the same on every request in a language, and its markup is unchanged.

``{% once_per_language %}`` (icms.core.templatetags.icms_once) renders those parts once per
process and language. Each page here is rendered with the kept parts and with every part
rendered afresh, for the public, a filer and a clerk, in English and Chinese, after the
kept parts were filled by someone else on another page; the two must be the same, CSRF
tokens and nonces (new on every request) aside.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from icms.core.templatetags import icms_once
from tests.factories import StaffFactory, UserFactory, totp_for

pytestmark = pytest.mark.django_db

PAGES = ("home", "help", "accessibility", "causebook:search", "calendar:registry_hours", "accounts:dashboard")
_PER_REQUEST = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]+')


def _page(client: Client, name: str, language: str) -> str:
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code in (200, 302), name
    return _PER_REQUEST.sub(r"\1-", response.content.decode()) if response.status_code == 200 else ""


def _clients() -> dict[str, Client]:
    filer, clerk = UserFactory(), StaffFactory(group="Registry clerk")
    totp_for(clerk)
    clients = {"public": Client(), "filer": Client(), "clerk": Client()}
    clients["filer"].force_login(filer)
    clients["clerk"].force_login(clerk)
    return clients


def test_the_kept_parts_render_what_the_template_renders(monkeypatch):
    clients = _clients()
    order = [(who, name, language) for language in ("en", "zh-hant") for name in PAGES for who in clients]
    with time_machine.travel(timezone.now(), tick=False):  # the session's end, in seconds, is on the page
        monkeypatch.setattr(icms_once, "ENABLED", False)
        fresh = {key: _page(clients[key[0]], key[1], key[2]) for key in order}
        monkeypatch.setattr(icms_once, "ENABLED", True)
        # Filled first by the clerk on the last page, then read by everyone everywhere.
        kept = {key: _page(clients[key[0]], key[1], key[2]) for key in reversed(order)}
    assert any("繁體中文" in body for body in fresh.values()) and any("English" in body for body in fresh.values())
    for key in order:
        assert kept[key] == fresh[key], key


def test_without_the_tags_the_template_is_as_it_was():
    # The tags only mark parts: take them out and base.html is the plain template it was.
    source = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()
    assert "{% once_per_language %}" in source
    plain = re.sub(r"{% (end)?once_per_language %}", "", source).replace(" icms_once %}", " %}")
    assert "once_per_language" not in plain and source.count("{% once_per_language %}") == source.count(
        "{% endonce_per_language %}"
    )


def test_a_changed_setting_is_shown(settings):
    client = Client()
    settings.ICMS_ENVIRONMENT = "staging"
    assert "staging environment: not for real filings" in client.get(reverse("home")).content.decode()
    settings.ICMS_ENVIRONMENT = "training"
    text = client.get(reverse("home")).content.decode()
    assert "training environment: not for real filings" in text and "staging" not in text
