"""Tables keep their meaning at every width (issue 20 item 2, issue 17 item 7).

On a phone each table reflows into labelled rows; the fee, document and payment tables must
expose the same column headers in Chromium's accessibility tree at 390 px as at 1280 px, and
every cell shows its column's label as real text."""

import re

import pytest
from playwright.sync_api import Page, expect

from payments import services
from tests.e2e.layout import DESKTOP, PHONE, seed_fee_schedule, sign_in
from tests.factories import UserFactory
from tests.filing.test_review_admin import new_dcpi_case

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_the_concession_period")]


@pytest.fixture
def filer_with_tables(live_server, document_storage, celery_eager):
    """A party in person with a filing (a document table and its fee table) and a payment."""
    seed_fee_schedule()
    user = UserFactory(email="tables@example.hk")
    submission = new_dcpi_case(user)
    services.payment_order_create(
        purpose="submission", court_level="DC", items=["DC-SEARCH"], idempotency_key="tables", payer=user
    )
    return user, submission


def _headers_in_the_tree(page: Page) -> list[list[str]]:
    """Each table's column headers, as the accessibility tree gives them."""
    found = []
    for index in range(page.locator("table").count()):
        snapshot = page.locator("table").nth(index).aria_snapshot()
        found.append(re.findall(r"- columnheader(?: \"([^\"]*)\")?", snapshot))
    return found


def _check_at_both_widths(journey, path: str) -> None:
    page = journey.page
    page.set_viewport_size(DESKTOP)
    journey.visit(path)
    wide = _headers_in_the_tree(page)
    wide_count = page.get_by_role("columnheader").count()
    assert wide and all(wide), f"{path}: a table without column headers at 1280 px: {wide}"
    expect(page.locator(".table__label").first).to_be_hidden()

    page.set_viewport_size(PHONE)
    journey.check_page()
    narrow = _headers_in_the_tree(page)
    assert narrow == wide, f"{path}: column headers at 390 px {narrow}, at 1280 px {wide}"
    assert page.get_by_role("columnheader").count() == wide_count
    # Each value shows its column's label as text (not CSS generated content), hidden from the
    # accessibility tree because the column header already names it.
    label = page.locator("table.table td .table__label").first
    expect(label).to_be_visible()
    assert label.evaluate("el => el.textContent.trim().length > 0 && el.getAttribute('aria-hidden') === 'true'")
    # The rows reflow: no table wider than the screen.
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")


def test_the_fee_table_keeps_its_headers_on_a_phone(journey, filer_with_tables):
    _check_at_both_widths(journey, "/payments/fees/")


def test_the_document_and_payment_tables_keep_their_headers_on_a_phone(journey, filer_with_tables):
    user, submission = filer_with_tables
    sign_in(journey.page, journey.base_url, user)
    _check_at_both_widths(journey, f"/filing/submissions/{submission.reference}/")  # documents and their fees
    _check_at_both_widths(journey, f"/filing/cases/{submission.case_id}/")  # parties and documents
    _check_at_both_widths(journey, "/payments/mine/")  # payments


# Tables whose rows a module writes with the pattern's per-cell labels, for speed; a test holds
# each writer to the template markup it replaced.
ROWS_WRITTEN_IN_PYTHON = {
    "jinja2/causebook/_cause_list_day.html",  # causebook/cause_list.py; tests/causebook/test_page_rendering.py
}


def test_every_table_in_the_templates_uses_the_pattern():
    """Each <table> in a page template has a header row and the per-cell labels of the pattern
    (icms/core/templatetags/icms_tables.py). Not reflowed: PDFs, emails, the admin's own tables,
    allauth's (kept whole in a labelled scroll region) and layout tables (role="presentation")."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    missing = []
    for template in root.rglob("*.html"):
        relative = template.relative_to(root).as_posix()
        not_reflowed = ("payments/admin/", "admin/", "allauth/")
        if "/pdf/" in relative or "email/" in relative or relative.startswith(not_reflowed):
            continue
        text = template.read_text()
        for table in re.findall(r"<table\b.*?</table>", text, flags=re.S):
            if re.match(r"<table[^>]*role=\"(presentation|none)\"", table):
                continue
            labelled = "{% cell_label" in table or relative in ROWS_WRITTEN_IN_PYTHON
            if not labelled or "<thead" not in table or "<th" not in table:
                missing.append(relative)
    assert not missing, f"tables without the responsive pattern: {sorted(set(missing))}"
