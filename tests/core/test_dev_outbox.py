"""The development mail outbox exists only in development, and shows sent mail."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import NoReverseMatch, reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_outbox_is_not_routed_outside_development(client, settings):
    assert settings.DEV_OUTBOX_ENABLED is False
    with pytest.raises(NoReverseMatch):
        reverse("dev_outbox")
    assert client.get("/dev/outbox/").status_code == 404


@pytest.mark.django_db
def test_outbox_shows_mail_sent_in_development(settings):
    script = """
import django, json
django.setup()
from django.core.mail import send_mail
from django.test import Client
send_mail("Please confirm your email 請確認電郵", "Open http://127.0.0.1:8000/accounts/confirm-email/abc/",
          None, ["newcomer@example.hk"])
client = Client()
listing = client.get("/dev/outbox/")
from icms.core.devmail import outbox_messages
message = outbox_messages()[0]
detail = client.get(f"/dev/outbox/{message.id}/")
link = 'href="http://127.0.0.1:8000/accounts/confirm-email/abc/"'
print(json.dumps({"listing": listing.status_code, "listed": "Please confirm your email" in listing.text,
                  "detail": detail.status_code, "link": link in detail.text}))
"""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "icms.settings.base",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "DJANGO_DEBUG": "true",
        "EMAIL_URL": "outbox://",
        "ALLOWED_HOSTS": "testserver",
        "REDIS_URL": settings.REDIS_URL,
        # The test database has the tables (the maintenance check reads one); its rows are not needed.
        "DATABASE_URL": f"postgres:///{connection.settings_dict['NAME']}",
    }
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {
        "listing": 200,
        "listed": True,
        "detail": 200,
        "link": True,
    }
