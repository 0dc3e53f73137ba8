"""Chromium recognises every feature the Permissions-Policy names (an unknown one is a
console warning on every page), and the error pages pass axe in both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_chromium_knows_every_feature_the_policy_turns_off(page, live_server):
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    answer = page.goto(live_server.url + "/")
    assert answer is not None and "camera=()" in (answer.headers.get("permissions-policy") or "")
    page.wait_for_timeout(300)
    assert not [text for text in messages if "Permissions-Policy" in text], messages


def test_the_error_page_passes_axe_in_both_languages(journey):
    page = journey.page
    journey.visit("/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("heading", level=2)).to_have_text("找不到網頁")
    page.context.add_cookies([{"name": "django_language", "value": "zh-hant", "url": journey.base_url}])
    journey.visit("/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("找不到網頁")
