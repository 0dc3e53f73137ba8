"""Chromium recognises every feature the Permissions-Policy names: an unknown one is a
console warning on every page (and a sign the policy is not doing what it says)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_chromium_knows_every_feature_the_policy_turns_off(page, live_server):
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    answer = page.goto(live_server.url + "/")
    assert answer is not None and "camera=()" in (answer.headers.get("permissions-policy") or "")
    page.wait_for_timeout(300)
    assert not [text for text in messages if "Permissions-Policy" in text], messages
