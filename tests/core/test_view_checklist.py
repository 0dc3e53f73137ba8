"""The view checklist (docs/development.md) for the public pages of the project and the
calendar (home, health, registry hours and their feed, the language switch) and for every
endpoint of the JSON API. The API's per-user access matrix is in tests/filing/test_filing_api.py.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from filing.sealing import drn_generate
from filing.services import DocumentUpload, submission_create
from icms.core.models import WorkerHeartbeat
from tests.checklist import (
    View,
    ViewChecklist,
    check_anonymous,
    check_permitted,
)
from tests.filing.conftest import document_type, pdf_file

pytestmark = pytest.mark.django_db


class World:
    def __init__(self, filer):
        self.filer = filer

    @cached_property
    def heartbeat(self):
        """The worker is alive: /healthz is healthy."""
        return WorkerHeartbeat.objects.create(hostname="worker@test", beat_at=timezone.now() - timedelta(seconds=1))

    @cached_property
    def submission(self):
        return submission_create(
            user=self.filer,
            case=self.filer.case,
            uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file())],
        )


@pytest.fixture
def world(firm_filer, document_storage) -> World:
    return World(firm_filer)


def _healthy(world: World) -> str:
    assert world.heartbeat
    return '"status": "ok"'


VIEWS = [
    View("home", lambda w: reverse("home"), shows=lambda w: "Court services online"),
    View("healthz", lambda w: reverse("healthz"), shows=_healthy),
    View(
        "calendar:registry_hours",
        lambda w: reverse("calendar:registry_hours"),
        shows=lambda w: "Registry hours and service status",
    ),
    View("calendar:feed", lambda w: reverse("calendar:feed"), shows=lambda w: b"BEGIN:VCALENDAR"),
    View(
        "set_language",
        lambda w: reverse("set_language"),
        methods=("POST",),
        data=lambda w: {"language": "zh-hant", "next": "/"},
        anonymous=302,  # anyone may switch: back to the page (below)
    ),
    # The JSON API: every endpoint is GET only, and needs no session.
    View("api:openapi-json", lambda w: reverse("api:openapi-json"), shows=lambda w: '"title": "iCMS portal API"'),
    View(
        "api:calendar_deemed_receipt",
        lambda w: reverse("api:calendar_deemed_receipt") + "?at=2026-12-01T10:00:00%2B08:00",
        shows=lambda w: '"deemed_received_at": "2026-12-01T10:00:00+08:00"',
    ),
    View("api:calendar_status", lambda w: reverse("api:calendar_status"), shows=lambda w: '"next_opening"'),
    View(
        "api:fees_quote",
        lambda w: reverse("api:fees_quote") + "?court=DC&item=DC-SEARCH&at=2026-12-01T10:00:00%2B08:00",
        shows=lambda w: '"e_fee_total": "14.00"',
    ),
    View(
        "api:fees_items",
        lambda w: reverse("api:fees_items") + "?court=DC&at=2026-12-01T10:00:00%2B08:00",
        shows=lambda w: '"code": "DC-SEARCH"',
    ),
    View(
        "api:causebook_search",
        lambda w: reverse("api:causebook_search") + "?q=" + quote(w.filer.case.case_number),
        shows=lambda w: '"count": 1',
    ),
    View(
        "api:hearings",
        lambda w: reverse("api:hearings") + "?court=DC&date=2026-11-26",
        shows=lambda w: '"court": "DC"',
    ),
    View(
        "api:api_submission",
        lambda w: reverse("api:api_submission", args=[w.submission.reference]),
        anonymous=404,  # the public see no filing (the token holders' matrix: test_filing_api.py)
    ),
    View(
        "api:api_case",
        lambda w: "/api/v1/cases/" + quote(w.filer.case.case_number, safe=""),
        anonymous=404,
    ),
    View(
        "api:api_verify",
        lambda w: reverse("api:api_verify") + "?drn=" + drn_generate(),
        shows=lambda w: '"match": false',
    ),
]


class TestViewChecklist(ViewChecklist):
    VIEWS = VIEWS

    def test_the_permitted_user_gets_the_page(self, world, view):
        """Everyone may see these pages; some answer the anonymous in their own way."""
        if view.anonymous is None:
            check_permitted(world, view)
        else:
            check_anonymous(world, view)


def test_switching_the_language_sets_it_and_goes_back(db):
    response = Client().post(reverse("set_language"), {"language": "zh-hant", "next": "/registry-hours/"})
    assert (response.status_code, response["Location"]) == (302, "/registry-hours/")
    assert response.cookies["django_language"].value == "zh-hant"


def test_the_api_root_is_not_a_page(db):
    """Interactive docs are off (they would load scripts from a CDN): nothing at the API's root."""
    assert Client().get("/api/v1/").status_code == 404
