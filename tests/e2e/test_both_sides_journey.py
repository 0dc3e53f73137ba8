"""Both sides of a case in Chromium (issue 14, "Done when").

Firm A starts a DCCJ case for two plaintiffs against two defendants and submits it from the
review page; the clerk accepts it in the admin, and the sealed writ carries one case access
code per defendant. Firm B joins for the first defendant with its code and acknowledges
service; once the clerk accepts that, Firm B is on record: it sees the case and the writ, and
not Firm A's returned filing. The clerk fixes a hearing from the case's admin page: it is on
the public cause list, in both firms' message boxes and in both firms' calendar feeds. Firm A
corrects its returned filing and files it again; the second defendant, in person, joins with
its own code and acknowledges service too.

Nothing is frozen in the browser: filings are decided once received in law (tests/clock.py),
and the hearing is on a working day after the server's real today.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from accounts.models import Membership, User
from filing.models import Case, CaseAccessCode, Party, Submission
from icms.calendar import next_opening
from tests.clock import once_received_in_law
from tests.e2e.conftest import Journey
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    StaffFactory,
    UserFactory,
    totp_code,
    totp_for,
)
from tests.filing.pdf_corpus import good_pdf

pytestmark = pytest.mark.django_db(transaction=True)

HKT = ZoneInfo("Asia/Hong_Kong")
PLAINTIFFS = ("CHAN Tai Man", "CHAN Siu Ming")
DEFENDANTS = ("GOLDEN HARBOUR LIMITED", "LEE Ka Ho")


class Steps:
    """Each step of the journey, timed; the table is printed at the end, passed or not."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, str]] = []

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        except BaseException:
            self.rows.append((name, time.monotonic() - started, "FAILED"))
            raise
        self.rows.append((name, time.monotonic() - started, "passed"))

    def report(self) -> str:
        return "\n".join(f"{status:7} {seconds:6.1f}s  {name}" for name, seconds, status in self.rows)


@pytest.fixture
def steps() -> Iterator[Steps]:
    timed = Steps()
    yield timed
    print("\nboth sides journey:\n" + timed.report())


@pytest.fixture
def world(document_storage, celery_eager):
    firm_a = OrganisationFactory(name_en="Chan & Co Solicitors", name_zh="陳律師行")
    firm_b = OrganisationFactory(name_en="Wong & Partners", name_zh="王律師行")
    return {
        "firm_a": MembershipFactory(
            organisation=firm_a, role=Membership.Role.MEMBER, user__email="solicitor@chan-co.example.hk"
        ).user,
        "firm_b": MembershipFactory(
            organisation=firm_b, role=Membership.Role.MEMBER, user__email="solicitor@wong-partners.example.hk"
        ).user,
        "in_person": UserFactory(email="lee.kaho@example.hk", first_name="Ka Ho", last_name="LEE"),
        "clerk": StaffFactory(group="Registry clerk", email="clerk@judiciary.example.hk"),
        "firm_b_name": firm_b.name_en,
    }


class Actors:
    """One browser context (own cookies) per person, each page checked with axe-core."""

    def __init__(self, browser: Browser, first: Journey, axe_source: str, context_args: dict) -> None:
        self.browser = browser
        self.first = first
        self.axe_source = axe_source
        self.context_args = context_args
        self.journeys: list[Journey] = []

    def new(self) -> Journey:
        if not self.journeys:
            self.journeys.append(self.first)
            return self.first
        page = self.browser.new_context(**self.context_args).new_page()
        page.set_default_timeout(10_000)
        journey = Journey(page, self.first.base_url, self.axe_source)
        self.journeys.append(journey)
        return journey

    def finish(self) -> None:
        for journey in self.journeys[1:]:
            journey.finish()
            journey.page.context.close()


@pytest.fixture
def actors(journey, browser, axe_source, browser_context_args):
    journey.page.set_default_timeout(10_000)
    people = Actors(browser, journey, axe_source, browser_context_args)
    yield people
    people.finish()


def sign_in(journey: Journey, user: User, *, secret: str = "") -> Page:
    page = journey.page
    journey.visit("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("load")
    journey.check_page()
    if secret:
        page.get_by_label(re.compile("code", re.I)).fill(totp_code(secret))
        page.get_by_role("button", name=re.compile("Sign In|Verify|Authenticate", re.I)).click()
        page.wait_for_load_state("load")
        journey.check_page()
    return page


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def on_this_site(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def fill_party(page: Page, side: str, index: int, name: str, address: str, kind: str = "person") -> None:
    """One party's row of the new-case form (its side's rows, in order)."""
    row = page.locator(f"[data-party-side={side}] [data-party-row]").nth(index)
    row.get_by_label("Name in English").fill(name)
    row.get_by_label("The party is").select_option(kind)
    row.get_by_label("Address for service").fill(address)


def review_shows(journey: Journey, texts: tuple[str, ...]) -> None:
    for text in texts:
        expect(journey.page.get_by_text(text).first).to_be_visible()


def review_and_submit(journey: Journey) -> Submission:
    """From the review page of a draft: submit it, and land on the acknowledgement."""
    page = journey.page
    page.wait_for_url(re.compile(r"/filing/"))
    journey.check_page()
    page.get_by_role("button", name=re.compile(r"^Submit")).click()
    page.wait_for_url(re.compile(r"/filing/submissions/ES-[A-Z0-9-]+/\?new=1$"), timeout=30_000)
    journey.check_page()
    expect(page.get_by_text("Your submission has been received.")).to_be_visible()
    reference = re.search(r"/submissions/([^/]+)/", page.url)[1]
    return Submission.objects.get(reference=reference)


def clerk_accepts(clerk: Journey, submission: Submission) -> None:
    page = clerk.page
    clerk.visit(f"/admin/filing/submission/{submission.pk}/change/")
    page.get_by_label("Accept without opening every document").check()
    with once_received_in_law(submission):
        page.get_by_role("button", name="Accept", exact=True).click()
        page.wait_for_load_state("load")
    clerk.check_page()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED, submission.status


def clerk_returns(clerk: Journey, submission: Submission, note: str) -> None:
    page = clerk.page
    clerk.visit(f"/admin/filing/submission/{submission.pk}/change/")
    page.get_by_role("link", name="Return to the filer…").click()
    page.wait_for_load_state("load")
    clerk.check_page()
    page.get_by_label("The document is not signed or not dated.").check()
    page.get_by_label("Note to the filer").fill(note)
    with once_received_in_law(submission):
        page.get_by_role("button", name="Return", exact=True).click()
        page.wait_for_load_state("load")
    clerk.check_page()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED, submission.status


def add_document(journey: Journey, row: int, kind: str, path, title: str = "") -> None:
    rows = journey.page.locator("[data-document-row]")
    rows.nth(row).get_by_label("Document type").select_option(label=kind)
    rows.nth(row).get_by_label("PDF file").set_input_files(str(path))
    if title:
        rows.nth(row).get_by_label("Title").fill(title)


def continue_to_review(journey: Journey) -> None:
    # The form posts by script (upload.js, with progress bars): wait for the review page itself.
    journey.page.get_by_role("button", name=re.compile(r"^(Continue|Review)")).click()
    journey.page.wait_for_url(re.compile(r"/filing/drafts/\d+/review/$"), timeout=30_000)
    journey.page.wait_for_load_state("load")


def join_and_acknowledge(journey: Journey, case: Case, code: str, tmp_path, name: str) -> Submission:
    """/filing/join/: case number (as people type it) and code, then the acknowledgement of service."""
    page = journey.page
    journey.visit("/filing/join/")
    page.get_by_label(re.compile("Case number")).fill(f"{case.case_type.prefix.lower()}-{case.number}-{case.year}")
    page.get_by_label(re.compile("access code", re.I)).fill(code)
    page.get_by_role("button", name=re.compile(r"^(Continue|Join)")).click()
    page.wait_for_load_state("load")
    journey.check_page()
    acknowledgement = tmp_path / f"Acknowledgement of Service {name}.pdf"
    acknowledgement.write_bytes(good_pdf(1))
    add_document(journey, 0, "Acknowledgement of service", acknowledgement)
    continue_to_review(journey)
    return review_and_submit(journey)


def hearing_day() -> datetime:
    """09:30 HKT on the first working day at least a week after the server's real today."""
    opening = next_opening(timezone.now() + timedelta(days=7))
    assert opening is not None
    return opening.astimezone(HKT).replace(hour=9, minute=30, second=0, microsecond=0)


def test_both_sides_of_a_case_file_join_and_are_told_of_a_hearing(actors, world, steps, tmp_path):
    firm_a = actors.new()
    clerk = actors.new()
    secret = totp_for(world["clerk"])

    # 1. Firm A starts the case: two plaintiffs, two defendants, the amount claimed, the writ.
    with steps("1. Firm A starts a DCCJ case with two plaintiffs and two defendants, reviews, submits"):
        page = sign_in(firm_a, world["firm_a"])
        firm_a.visit("/filing/")
        page.get_by_role("link", name=re.compile(r"DCCJ")).first.click()
        firm_a.check_page()
        page.get_by_label("Nature of the claim (English)").fill("Money claim: unpaid renovation works")
        page.get_by_label("Amount claimed (HK$)").fill("480000.00")
        fill_party(page, "applicant", 0, PLAINTIFFS[0], "10/F, Chan & Co, 1 Queen's Road Central, Hong Kong")
        page.get_by_role("button", name="Add another plaintiff").click()
        page.wait_for_load_state("load")
        firm_a.check_page()
        fill_party(page, "applicant", 1, PLAINTIFFS[1], "10/F, Chan & Co, 1 Queen's Road Central, Hong Kong")
        fill_party(page, "respondent", 0, DEFENDANTS[0], "Unit 3, 8 Harbour Road, Wan Chai", kind="company")
        page.get_by_role("button", name="Add another defendant").click()
        page.wait_for_load_state("load")
        firm_a.check_page()
        fill_party(page, "respondent", 1, DEFENDANTS[1], "Flat A, 20/F, 5 Nathan Road, Kowloon")
        writ = tmp_path / "Writ of Summons.pdf"
        writ.write_bytes(good_pdf(2))
        add_document(firm_a, 0, "Writ of summons", writ)
        continue_to_review(firm_a)
        review_shows(firm_a, (*PLAINTIFFS, *DEFENDANTS, "480,000.00"))
        writ_submission = review_and_submit(firm_a)
        case = writ_submission.case
        assert sorted(case.parties.filter(side=Party.Side.APPLICANT).values_list("name_en", flat=True)) == sorted(
            PLAINTIFFS
        )
        assert str(case.amount_claimed) == "480000.00"

    # 2. The clerk accepts it; the sealed writ carries one access code per defendant.
    with steps("2. Clerk accepts; the sealed writ shows one access code per defendant"):
        sign_in(clerk, world["clerk"], secret=secret)
        clerk_accepts(clerk, writ_submission)
        case.refresh_from_db()
        assert case.number is not None
        firm_a.visit(f"/filing/cases/{case.pk}/")
        with page.expect_download() as download:
            page.get_by_role("link", name="sealed copy").first.click()
        text = pdf_text(download.value.path().read_bytes())
        codes = {}
        for ordinal, name in zip(("1st", "2nd"), DEFENDANTS, strict=True):
            # "Case access code 案件存取碼 — 1st Defendant 第一被告人 GOLDEN HARBOUR LIMITED: 7K3M-Q9TX-4HRP"
            found = re.search(
                rf"{ordinal}\s+Defendant.*?{re.escape(name)}.*?:\s*(\w{{4}}-\w{{4}}-\w{{4}})", text, re.S
            )
            assert found, f"no access code for the {ordinal} Defendant on the sealed writ:\n{text}"
            codes[name] = found[1]
            party = case.parties.get(side=Party.Side.RESPONDENT, name_en=name)
            current = CaseAccessCode.objects.get(party=party, revoked_at__isnull=True)
            assert squeeze(current.code).replace("-", "") == found[1].replace("-", "")
        assert len(set(codes.values())) == 2

    # 2b. Firm A files a statement of claim; the clerk returns it.
    with steps("2b. Firm A files a statement of claim; the clerk returns it"):
        firm_a.visit(f"/filing/cases/{case.pk}/file/")
        claim = tmp_path / "Statement of Claim.pdf"
        claim.write_bytes(good_pdf(3))
        add_document(firm_a, 0, "Statement of claim", claim)
        continue_to_review(firm_a)
        returned = review_and_submit(firm_a)
        clerk_returns(clerk, returned, "The statement of claim is not signed.")

    # 3. Firm B joins for the first defendant with its code and acknowledges service.
    firm_b = actors.new()
    with steps("3. Firm B joins for D1 with its code and files an acknowledgement of service"):
        sign_in(firm_b, world["firm_b"])
        acknowledgement = join_and_acknowledge(firm_b, case, codes[DEFENDANTS[0]], tmp_path, "D1")

    # 4. Once accepted, Firm B is on record: the case, the writ, and a 404 for Firm A's returned filing.
    with steps("4. Clerk accepts; Firm B sees the case and the writ, and 404 for Firm A's returned filing"):
        clerk_accepts(clerk, acknowledgement)
        page_b = firm_b.page
        firm_b.visit("/filing/")
        expect(page_b.get_by_text(case.case_number).first).to_be_visible()
        firm_b.visit(f"/filing/cases/{case.pk}/")
        expect(page_b.get_by_role("cell", name=re.compile(re.escape(world["firm_b_name"])))).to_be_visible()
        with page_b.expect_download() as download:
            page_b.get_by_role("link", name="sealed copy").first.click()
        assert download.value.path().read_bytes()[:5] == b"%PDF-"
        response = page_b.request.get(f"{firm_b.base_url}/filing/submissions/{returned.reference}/")
        assert response.status == 404

    # 5. The clerk fixes a hearing; it is on the cause list, in both message boxes and both feeds.
    with steps("5. Clerk fixes a hearing: cause list, notices in both message boxes, both .ics feeds"):
        starts = hearing_day()
        clerk.visit(f"/admin/filing/case/{case.pk}/change/")
        clerk.page.get_by_role("link", name=re.compile("Fix a hearing")).click()
        clerk.page.wait_for_load_state("load")
        clerk.check_page()
        form = clerk.page
        form.get_by_label("Courtroom").fill("Court No. 31")
        form.get_by_label("Date (YYYY-MM-DD)").fill(starts.date().isoformat())
        form.get_by_label("Time, Hong Kong (HH:MM:SS)").fill(starts.strftime("%H:%M:%S"))
        form.get_by_label("Judge or master (English)").fill("His Honour Judge LAM")
        form.get_by_label("Hearing type").select_option(label="Mention")
        form.get_by_label("Nature of the hearing (English)").fill("Summons for directions")
        form.get_by_role("button", name="Fix and issue the notice").click()
        form.wait_for_load_state("load")
        clerk.check_page()

        public = actors.new()
        public.visit(f"/cause-book/cause-list/?court={case.case_type.court.code}&date={starts.date().isoformat()}")
        expect(public.page.get_by_text(case.case_number).first).to_be_visible()

        for firm in (firm_a, firm_b):
            firm.visit("/filing/messages/")
            expect(firm.page.get_by_role("link", name=re.compile("notice of hearing", re.I)).first).to_be_visible()
            firm.visit(f"/filing/cases/{case.pk}/")
            feeds = [
                href
                for href in firm.page.locator("a[href*='.ics']").evaluate_all("links => links.map(a => a.href)")
                if href
            ]
            assert feeds, "no calendar feed on the case file page"
            # The links are absolute, on SITE_URL (for calendar apps): fetch them from the live server.
            bodies = [firm.page.request.get(firm.base_url + on_this_site(href)).text() for href in feeds]
            day = starts.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M")
            assert any("BEGIN:VEVENT" in body and day in body for body in bodies), bodies

    # 6. Firm A corrects its returned filing and files it again; the new one links to the returned one.
    with steps("6. Firm A corrects its returned filing and files it again"):
        firm_a.visit(f"/filing/submissions/{returned.reference}/")
        page.get_by_role("link", name=re.compile("Correct and file again")).or_(
            page.get_by_role("button", name=re.compile("Correct and file again"))
        ).first.click()
        page.wait_for_load_state("load")
        firm_a.check_page()
        corrected = tmp_path / "Statement of Claim (signed).pdf"
        corrected.write_bytes(good_pdf(3))
        rows = page.locator("[data-document-row]")
        rows.nth(0).get_by_label("PDF file").set_input_files(str(corrected))
        continue_to_review(firm_a)
        refiled = review_and_submit(firm_a)
        assert refiled.refiles_id == returned.pk
        expect(page.get_by_role("link", name=returned.reference)).to_be_visible()

    # 7. The second defendant, in person, joins with its own code and acknowledges service.
    in_person = actors.new()
    with steps("7. D2 in person joins with its code and files an acknowledgement of service"):
        sign_in(in_person, world["in_person"])
        second = join_and_acknowledge(in_person, case, codes[DEFENDANTS[1]], tmp_path, "D2")
        assert second.case_id == case.pk
        assert second.for_party.name_en == DEFENDANTS[1]
