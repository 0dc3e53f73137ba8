"""The admin's pages that only an action opens, which the crawl (it opens URL patterns) cannot
reach: each is opened in Chromium the way staff open it (tick, choose the action, Go) and checked
with axe, in English and Chinese.

* "Accept the selected summonses, allotting return days" (the review queue);
* "Reject" on refunds, which asks for the reason first.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from payments import services
from tests.e2e.test_typhoon_journey import sign_in
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory, totp_for
from tests.filing.summons_world import department_user, file_summons
from tests.payments.test_refunds import _deposit_paid

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = [("en", "Go", "Choose a reason"), ("zh-hant", re.compile("Go|執行"), "選擇原因")]


def _in_language(journey, language: str) -> None:
    """Switch with the header's button, as staff do (the admin follows the portal's language)."""
    if language == "zh-hant":
        journey.visit("/")
        journey.page.get_by_role("button", name="繁體中文").click()
        journey.page.wait_for_load_state("load")


def _run_action(journey, changelist: str, pk: int, action: str, go) -> None:
    journey.page.goto(journey.base_url + changelist)
    journey.page.locator(f"input[name='_selected_action'][value='{pk}']").check()
    journey.page.locator("select[name='action']").select_option(action)
    journey.page.get_by_role("button", name=go).first.click()
    journey.page.wait_for_load_state("load")
    journey.check_page()


@pytest.mark.parametrize(("language", "go", "_reason"), LANGUAGES)
def test_the_summons_allotment_page_is_accessible(journey, live_server, document_storage, language, go, _reason):
    summons = file_summons(department_user(), prefix="KCS", reference="FEHD/KCS/2026/0001")
    clerk = StaffFactory(group="Registry clerk")
    sign_in(journey, clerk.email, secret=totp_for(clerk), next_path="/admin/filing/submission/")
    _in_language(journey, language)
    _run_action(journey, "/admin/filing/submission/", summons.pk, "accept_summonses_allotting", go)
    expect(journey.page.locator("#id_first_day")).to_be_visible()
    expect(journey.page.locator("#id_courtroom")).to_be_visible()


@pytest.mark.parametrize(("language", "go", "reason"), LANGUAGES)
def test_the_refund_rejection_page_is_accessible(journey, live_server, language, go, reason):
    officer = StaffFactory(group="Accounts officer")
    central = MembershipFactory(organisation=OrganisationFactory(), branch_code="CEN")
    firm = SimpleNamespace(organisation=central.organisation, central=central)
    order = _deposit_paid(firm, officer, items=("DC-SEARCH",))
    refund = services.refund_request_for_order(order=order, reason="Search bought twice")
    sign_in(journey, officer.email, secret=totp_for(officer), next_path="/admin/payments/refund/")
    _in_language(journey, language)
    _run_action(journey, "/admin/payments/refund/", refund.pk, "reject", go)
    expect(journey.page.get_by_text(reason).first).to_be_attached()
