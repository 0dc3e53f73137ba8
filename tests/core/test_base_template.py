"""The page layout has one home (templates/jinja2/layout.html), and pages of both engines share it.

The cause book's busiest pages are Jinja2 templates that extend the layout; every other page
is a Django template that extends ``base.html``, which hands its blocks to the same layout
(icms.core.templatetags.icms_layout). A page of each kind, for the public, a filer and a
clerk, in English and Chinese, must show the same header, navigation and footer: the
markup outside ``<main>`` and the page's own title, description and styles is the same,
byte for byte, CSRF tokens and nonces (new on every request) aside.
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

from tests.factories import StaffFactory, UserFactory, totp_for

pytestmark = pytest.mark.django_db

# Per request: CSRF tokens, nonces, and the page the language switch returns to.
_PER_REQUEST = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce="|name="next" value="|\?next=)[^"]+')
# What a page puts in the layout: its title, its description, its own <head> lines, its <main>.
_PAGE_OWN = re.compile(
    r'<title>.*?</title>|<meta name="description"[^>]*>|<link rel="stylesheet" href="/static/causebook/[^>]*>'
    r"|<main\b.*?</main>",
    re.S,
)

# Both in the cause book, so the same navigation item is the current page.
DJANGO_PAGE = "causebook:summons_enquiry"  # templates/causebook/summons_enquiry.html extends base.html
JINJA2_PAGE = "causebook:cause_list"  # templates/jinja2/causebook/cause_list.html extends layout.html


def _layout(client: Client, name: str, language: str) -> str:
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code in (200, 400), name
    return _PAGE_OWN.sub("", _PER_REQUEST.sub(r"\1-", response.content.decode()))


def _clients() -> dict[str, Client]:
    filer, clerk = UserFactory(), StaffFactory(group="Registry clerk")
    totp_for(clerk)
    clients = {"public": Client(), "filer": Client(), "clerk": Client()}
    clients["filer"].force_login(filer)
    clients["clerk"].force_login(clerk)
    return clients


def test_a_django_page_and_a_jinja2_page_share_the_same_layout():
    clients = _clients()
    with time_machine.travel(timezone.now(), tick=False):  # the session's end, in seconds, is on the page
        for who, client in clients.items():
            for language in ("en", "zh-hant"):
                django_page = _layout(client, DJANGO_PAGE, language)
                jinja2_page = _layout(client, JINJA2_PAGE, language)
                assert django_page == jinja2_page, (who, language)
                assert '<a href="/cause-book/" aria-current="page">' in django_page
                assert ("Sign out" in django_page or "登出" in django_page) == (who != "public")
                if who != "public":
                    assert "session-timeout-template" in django_page


def test_the_layout_has_one_home():
    # base.html holds no markup of its own: the header, navigation and footer are the layout's.
    source = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()
    assert "{% page_layout %}" in source
    for markup in ("<header", "<nav", "<footer", "skip-link"):
        assert markup not in source
    layout = (Path(settings.BASE_DIR) / "templates" / "jinja2" / "layout.html").read_text()
    for markup in ("<header", "<nav", "<footer", "skip-link"):
        assert markup in layout


def test_a_django_page_title_and_blocks_reach_the_layout():
    text = Client().get(reverse(DJANGO_PAGE)).content.decode()
    assert text.startswith("<!DOCTYPE html>") and text.count("<main ") == 1 and text.endswith("</html>\n")
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in text
    assert '<li><a href="/cause-book/" aria-current="page">Cause book</a></li>' in text


def test_a_changed_setting_is_shown(settings):
    client = Client()
    settings.ICMS_ENVIRONMENT = "staging"
    assert "staging environment: not for real filings" in client.get(reverse("home")).content.decode()
    assert "staging environment: not for real filings" in client.get(reverse(JINJA2_PAGE)).content.decode()
    settings.ICMS_ENVIRONMENT = "training"
    text = client.get(reverse("home")).content.decode()
    assert "training environment: not for real filings" in text and "staging" not in text
