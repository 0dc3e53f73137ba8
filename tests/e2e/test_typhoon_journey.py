"""A filing over a typhoon weekend, in Chromium: the record never contradicts itself.

A party files on Saturday at 16:38. At 16:44 a clerk records a Typhoon Signal No. 8 closure in
the admin: the filer's message box, email and a revised acknowledgement say "pending". The clerk
records the reopening at Monday 09:30: a second revision gives the time. The registry cannot
accept the filing before 09:30; after it, it can, and the sealed copy, the case file and the API
all show 09:30.

The clock is pinned with time-machine (the live server runs in this process); the filing's
received time is set to Saturday 16:38 because the database's own clock cannot be moved.
"""

from __future__ import annotations

import re
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.tokens import api_token_create
from filing.models import Document, Submission
from filing.services import DocumentUpload, NewCase, NewParty, submission_create
from icms.calendar.models import Closure
from icms.calendar.services import calendar_record_save
from icms.core.models import OutboxItem
from icms.core.outbox import dispatch as outbox_dispatch
from icms.core.outbox import outbox_item_run
from icms.core.storage import read_document
from tests.e2e.conftest import Journey
from tests.factories import PASSWORD, StaffFactory, totp_code, totp_for
from tests.filing.conftest import document_type, pdf_file, received_at

HKT = ZoneInfo("Asia/Hong_Kong")
SATURDAY_1638 = datetime(2026, 11, 28, 16, 38, tzinfo=HKT)
SATURDAY_1644 = datetime(2026, 11, 28, 16, 44, 10, tzinfo=HKT)
MONDAY_0920 = datetime(2026, 11, 30, 9, 20, tzinfo=HKT)
MONDAY_0931 = datetime(2026, 11, 30, 9, 31, tzinfo=HKT)
MONDAY_0830 = datetime(2026, 11, 30, 8, 30, tzinfo=HKT)
MONDAY_0930 = datetime(2026, 11, 30, 9, 30, tzinfo=HKT)
MONDAY_0935 = datetime(2026, 11, 30, 9, 35, tzinfo=HKT)
MONDAY_1000 = datetime(2026, 11, 30, 10, 0, tzinfo=HKT)

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def sign_in(journey: Journey, email: str, *, secret: str | None = None, next_path: str = "/") -> None:
    page = journey.page
    journey.visit(f"/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("load")
    journey.check_page()
    if secret is not None:
        page.get_by_label(re.compile("code", re.I)).fill(totp_code(secret))
        page.get_by_role("button", name=re.compile("Sign In|Verify|Authenticate", re.I)).click()
        page.wait_for_url(re.compile(re.escape(next_path) + "$"))
        journey.check_page()


def open_message(journey: Journey, subject: str) -> None:
    journey.visit("/filing/messages/")
    journey.page.get_by_role("link", name=re.compile(re.escape(subject))).click()
    journey.page.wait_for_load_state("load")
    journey.check_page()


def download_text(journey: Journey, link_name: str) -> str:
    with journey.page.expect_download() as download:
        journey.page.get_by_role("link", name=link_name).click()
    return pdf_text(download.value.path().read_bytes())


def test_a_typhoon_weekend_filing_is_told_every_change_and_sealed_with_the_final_time(
    journey,
    browser,
    browser_context_args,
    axe_source,
    live_server,
    party_in_person,
    document_storage,
    celery_eager,
    monkeypatch,
):
    # Received on Saturday at 16:38. The acknowledgement is held back until that time is set
    # (the worker would send it on commit, stating the database clock's time), then sent.
    with monkeypatch.context() as held:
        held.setattr(outbox_dispatch, "_send", lambda *args: True)
        submission = submission_create(
            user=party_in_person,
            new_case=NewCase(
                case_type=document_type("DCCJ", "writ").case_type,
                applicants=[NewParty(name_en="CHAN Tai Man", name_zh="陳大文")],
                respondents=[NewParty(name_en="GOLDEN HARBOUR LIMITED", kind="company")],
                nature_en="Money claim",
            ),
            uploads=[DocumentUpload(document_type("DCCJ", "writ"), "Writ of summons", pdf_file(1))],
        )
        received_at(submission, SATURDAY_1638)
    owed = OutboxItem.objects.get(kind="filing.acknowledge", target_id=str(submission.pk))
    assert outbox_item_run(owed.pk) == "done"
    ref = submission.reference
    first = submission.acknowledgement_versions.get()
    assert "30 Nov 2026, 08:45:00 HKT" in pdf_text(read_document(first.storage_key))
    clerk = StaffFactory(group="Registry clerk")
    secret = totp_for(clerk)
    clerk_journey = Journey(browser.new_context(**browser_context_args).new_page(), live_server.url, axe_source)
    filer = journey
    mail.outbox.clear()

    with time_machine.travel(SATURDAY_1644, tick=True):
        # The clerk records the T8 closure: "Add", then "Save" (it starts now, for a typhoon).
        sign_in(clerk_journey, clerk.email, secret=secret, next_path="/admin/registry_calendar/closure/add/")
        clerk_journey.page.get_by_role("button", name="Save", exact=True).click()
        clerk_journey.page.wait_for_url(re.compile(r"/admin/registry_calendar/closure/$"))
        clerk_journey.check_page()
        expect(clerk_journey.page.get_by_text("Record the reopening")).to_be_visible()

        # The filer is told: message box, email, and version 2 of the acknowledgement says "pending".
        sign_in(filer, party_in_person.email, next_path="/filing/messages/")
        expect(filer.page.locator(".site-notice")).to_contain_text("The registry is closed")
        open_message(filer, f"Revised acknowledgement of submission {ref} (version 2)")
        expect(filer.page.locator(".message-body")).to_contain_text("pending")
        text = download_text(filer, "Open the document (PDF)")
        assert "Revised: version 2" in text and "“pending”" in text and "30 Nov 2026, 08:45:00 HKT" in text
        [email] = [m for m in mail.outbox if "version 2" in m.subject]
        assert email.to == [party_in_person.email] and "pending" in email.body
        filer.visit(f"/filing/submissions/{ref}/")
        expect(filer.page.get_by_text("Pending: the registry is closed")).to_be_visible()

    with time_machine.travel(MONDAY_0920, tick=True):
        # The reopening is announced for 09:30: two clicks, the time typed in.
        clerk_journey.visit("/admin/registry_calendar/closure/")
        clerk_journey.page.get_by_role("link", name="Record the reopening").click()
        clerk_journey.page.wait_for_load_state("load")
        clerk_journey.check_page()
        clerk_journey.page.locator("#id_reopens_at_1").fill("09:30:00")
        clerk_journey.page.get_by_role("button", name="Record").click()
        clerk_journey.page.wait_for_url(re.compile(r"/admin/registry_calendar/closure/$"))
        clerk_journey.check_page()

        open_message(filer, f"Revised acknowledgement of submission {ref} (version 3)")
        text = download_text(filer, "Open the document (PDF)")
        assert "Revised: version 3" in text and "30 Nov 2026, 09:30:00 HKT" in text
        filer.visit(f"/filing/submissions/{ref}/")
        versions = filer.page.locator(".acknowledgement-versions li")
        expect(versions).to_have_count(3)
        expect(versions.nth(0)).to_contain_text("current")
        expect(versions.nth(2)).to_contain_text("superseded")

        # Not yet received in law: the clerk's accept is refused, with the reason.
        clerk_journey.visit("/admin/filing/submission/")
        row = clerk_journey.page.get_by_role("row").filter(has_text=ref)
        expect(row).to_contain_text("not yet received in law until 2026-11-30 09:30:00")
        row.get_by_role("checkbox").check()
        clerk_journey.page.locator("select[name=action]").select_option("accept_selected")
        clerk_journey.page.locator("button[name=index]").click()
        clerk_journey.page.wait_for_load_state("load")
        clerk_journey.check_page()
        expect(clerk_journey.page.get_by_text(re.compile("Not yet received in law until"))).to_be_visible()
        assert Submission.objects.get(pk=submission.pk).status == Submission.Status.RECEIVED

    with time_machine.travel(MONDAY_0931, tick=True):
        # Accepting needs each document opened: the clerk previews it on the review page.
        clerk_journey.visit(f"/admin/filing/submission/{submission.pk}/change/")
        with clerk_journey.page.expect_response(re.compile(r"/document/\d+/preview/")) as preview:
            clerk_journey.page.get_by_role("link", name=re.compile("Show here")).click()
        assert preview.value.status == 200
        clerk_journey.check_page()
        clerk_journey.visit("/admin/filing/submission/")
        clerk_journey.page.get_by_role("row").filter(has_text=ref).get_by_role("checkbox").check()
        clerk_journey.page.locator("select[name=action]").select_option("accept_selected")
        clerk_journey.page.locator("button[name=index]").click()
        clerk_journey.page.wait_for_load_state("load")
        clerk_journey.check_page()
        expect(clerk_journey.page.get_by_text(re.compile(rf"{ref} accepted in DCCJ"))).to_be_visible()

    accepted = Submission.objects.select_related("case").get(pk=submission.pk)
    document = Document.objects.get(submission=accepted)
    assert "30 Nov 2026, 09:30:00 HKT" in pdf_text(read_document(document.sealed_storage_key))
    # The case file and the API say the same.
    filer.visit(f"/filing/cases/{accepted.case_id}/")
    expect(filer.page.locator("main")).to_contain_text(ref)
    expect(filer.page.locator("main")).to_contain_text("30 Nov 2026")
    _row, token = api_token_create(user=party_in_person, name="practice software")
    api = Client().get(f"/api/v1/submissions/{ref}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert api["deemed_received_at"] == "2026-11-30T09:30:00+08:00"
    assert [(a["version"], a["deemed_received_at"]) for a in api["acknowledgements"]] == [
        (3, "2026-11-30T09:30:00+08:00"),
        (2, None),
        (1, "2026-11-30T08:45:00+08:00"),
    ]

    # A closure recorded late would move the sealed filing: it is listed, not moved, and a
    # supervisor keeps the time on record, with a reason.
    supervisor = StaffFactory(group="Registry supervisor")
    supervisor_secret = totp_for(supervisor)
    supervisor_journey = Journey(browser.new_context(**browser_context_args).new_page(), live_server.url, axe_source)
    with time_machine.travel(MONDAY_1000, tick=True):
        calendar_record_save(
            actor=clerk,
            record=Closure(reason="black_rainstorm", starts_at=MONDAY_0830, reopens_at=MONDAY_0935),
        )
        conflicts = "/admin/registry_calendar/deemedreceiptconflict/"
        sign_in(supervisor_journey, supervisor.email, secret=supervisor_secret, next_path=conflicts)
        row = supervisor_journey.page.get_by_role("row").filter(has_text=ref)
        row.get_by_role("link", name="Correct or dismiss").click()
        supervisor_journey.page.wait_for_load_state("load")
        supervisor_journey.check_page()
        supervisor_journey.page.get_by_label("Keep the deemed time on record").check()
        supervisor_journey.page.get_by_label("Reason for the record").fill(
            "Warning issued after the filing was sealed"
        )
        supervisor_journey.page.get_by_role("button", name="Record").click()
        supervisor_journey.page.wait_for_url(re.compile(re.escape(conflicts) + "$"))
        supervisor_journey.check_page()
        expect(supervisor_journey.page.get_by_role("row").filter(has_text=ref)).to_contain_text("Dismissed")
    document.refresh_from_db()
    assert (document.sealed_version, Submission.objects.get(pk=submission.pk).deemed_received_at) == (1, MONDAY_0930)
    supervisor_journey.finish()
    clerk_journey.finish()
