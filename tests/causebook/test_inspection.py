"""Public inspection: only documents open to it appear, the fee is paid, the copy is watermarked."""

import re
from datetime import UTC, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from causebook.inspection import inspection_purchase_create, inspection_purchase_grant
from causebook.models import InspectionPurchase, SearchPurchase
from causebook.query import SearchQuery
from causebook.services import search_purchase_create, search_purchase_grant
from filing.models import Case, Party
from filing.services import (
    DocumentUpload,
    NewCase,
    NewParty,
    filing_accept,
    submission_create,
    submission_documents_seal,
)
from icms.core.models import AuditEvent
from payments.models import PaymentOrder
from payments.services.orders import order_mark_paid
from tests.clock import once_received_in_law
from tests.factories import HearingFactory, StaffFactory, UserFactory
from tests.filing.conftest import document_type, pdf_file

# The search and inspection fees are concession-period amounts.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_the_concession_period")]


@pytest.fixture
def dcpi_case(document_storage):
    """An accepted DCPI case: a writ (open to inspection) and a medical report (not open)."""
    filer = UserFactory()
    writ = document_type("DCPI", "writ")
    submission = submission_create(
        user=filer,
        new_case=NewCase(
            case_type=writ.case_type,
            applicants=[NewParty("LAM Ka Yan", "林嘉欣")],
            respondents=[NewParty("HAPPY VALLEY BUSES LIMITED", "快活谷巴士有限公司", kind="company")],
            nature_en="Personal injuries",
        ),
        uploads=[
            DocumentUpload(writ, "Writ of summons", pdf_file(2)),
            DocumentUpload(document_type("DCPI", "medical_report"), "Medical report of Dr SECRET", pdf_file(1)),
        ],
    )
    with once_received_in_law(submission):
        filing_accept(submission=submission, clerk=StaffFactory(), accepted_without_opening=True)
    submission_documents_seal(submission_id=submission.pk)
    submission.case.refresh_from_db()
    return submission.case


def _paid_search_token(query: str) -> str:
    purchase = search_purchase_create(user=UserFactory(), query=SearchQuery.from_params({"q": query}))
    search_purchase_grant(purchase=purchase, paid_at=timezone.now())
    return purchase.token


def test_only_documents_open_to_inspection_appear_not_even_the_others_titles_or_count(client, dcpi_case):
    token = _paid_search_token("LAM Ka Yan")
    page = client.get(reverse("causebook:case", args=[dcpi_case.pk]), {"token": token}).content.decode()
    assert "Writ of summons" in page
    assert "Medical report" not in page
    assert "SECRET" not in page
    assert page.count('action="/cause-book/inspect/') == 1


def test_a_document_not_open_cannot_be_bought(client, dcpi_case):
    report = dcpi_case.submissions.get().documents.get(document_type__code="medical_report")
    response = client.post(reverse("causebook:inspection_create", args=["filed", report.pk]))
    assert response.status_code == 404
    assert InspectionPurchase.objects.count() == 0


def test_paying_the_fee_gives_a_watermarked_inspection_copy(client, dcpi_case, django_capture_on_commit_callbacks):
    writ = dcpi_case.submissions.get().documents.get(document_type__code="writ")
    response = client.post(reverse("causebook:inspection_create", args=["filed", writ.pk]))
    purchase = InspectionPurchase.objects.get()
    order = PaymentOrder.objects.get(purpose="inspection", purpose_ref=str(purchase.pk))
    assert response["Location"] == reverse("payments:order", args=[order.access_token])
    assert str(order.amount) == "14.00"

    copy_url = reverse("causebook:inspection_copy", args=[purchase.token])
    assert client.get(copy_url).status_code == 404  # not paid yet

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        order_mark_paid(order=PaymentOrder.objects.select_for_update().get(pk=order.pk), received_at=timezone.now())
    response = client.get(copy_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    pages = PdfReader(BytesIO(response.content)).pages
    assert len(pages) == 2
    assert all("INSPECTION COPY" in page.extract_text() for page in pages)
    assert AuditEvent.objects.filter(event_type="causebook.inspection_copy_made").count() == 1


# --- The inspection page and the order page: dates, the way back, what is paid for ---------

HKT = ZoneInfo("Asia/Hong_Kong")


def _writ(case):
    return case.submissions.get().documents.get(document_type__code="writ")


def _summary(page: str, label: str) -> str:
    """The <dd> of a summary list's <dt>label</dt>."""
    match = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd>(.*?)</dd>", page, re.DOTALL)
    assert match, label
    return match.group(1).strip()


def test_the_inspect_buttons_accessible_name_keeps_its_space_in_chinese(client, dcpi_case):
    client.cookies["django_language"] = "zh-hant"
    token = _paid_search_token("LAM Ka Yan")
    page = client.get(reverse("causebook:case", args=[dcpi_case.pk]), {"token": token}).content.decode()
    assert '查閱<span class="visually-hidden"> Writ of summons</span>' in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Thursday 26 November 2026, 19:06"), ("zh-hant", "2026年11月26日（星期四）19:06")],
)
def test_the_inspection_page_says_until_when_in_the_readers_language_and_hong_kong_time(
    client, dcpi_case, language, expected
):
    purchase = inspection_purchase_create(user=AnonymousUser(), kind="filed", pk=_writ(dcpi_case).pk)
    inspection_purchase_grant(purchase=purchase, paid_at=datetime(2026, 11, 25, 11, 6, tzinfo=UTC))
    client.cookies["django_language"] = language
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=HKT), tick=False):
        page = client.get(reverse("causebook:inspection", args=[purchase.token])).content.decode()
    assert expected in page
    assert "十一月" not in page and "November 2026, 11:06" not in page


def test_the_inspection_page_leads_a_member_of_the_public_back_to_the_cause_book_search(client, dcpi_case):
    purchase = inspection_purchase_create(user=AnonymousUser(), kind="filed", pk=_writ(dcpi_case).pk)
    page = client.get(reverse("causebook:inspection", args=[purchase.token])).content.decode()
    assert f'<a href="{reverse("causebook:search")}">Back to the cause book search</a>' in page
    # The case page opens to the public only with a paid search's token: no dead link to it.
    assert reverse("causebook:case", args=[dcpi_case.pk]) not in page
    assert _summary(page, "Case number") == dcpi_case.case_number


def test_the_inspection_page_leads_a_party_back_to_the_case(client, dcpi_case):
    party = UserFactory()
    dcpi_case.parties.filter(side=Party.Side.APPLICANT).update(user=party)
    client.force_login(party)
    client.cookies["django_language"] = "zh-hant"
    purchase = inspection_purchase_create(user=party, kind="filed", pk=_writ(dcpi_case).pk)
    page = client.get(reverse("causebook:inspection", args=[purchase.token])).content.decode()
    case_url = reverse("causebook:case", args=[dcpi_case.pk])
    assert f'<a href="{case_url}">返回案件 {dcpi_case.case_number}</a>' in page
    assert client.get(case_url).status_code == 200  # the link works for them


def test_the_order_page_says_which_document_and_case_the_inspection_fee_is_for(client, dcpi_case):
    client.post(reverse("causebook:inspection_create", args=["filed", _writ(dcpi_case).pk]))
    purchase = InspectionPurchase.objects.get()
    order = PaymentOrder.objects.get(purpose="inspection", purpose_ref=str(purchase.pk))
    url = reverse("payments:order", args=[order.access_token])
    page = client.get(url).content.decode()
    assert _summary(page, "For") == f"Document inspection: “Writ of summons” ({dcpi_case.case_number})"
    client.cookies["django_language"] = "zh-hant"
    page = client.get(url).content.decode()
    assert _summary(page, "用途") == f"查閱文件：「Writ of summons」（{dcpi_case.case_number}）"
    assert f"({purchase.pk})" not in page and f"（{purchase.pk}）" not in page


def test_the_order_page_says_what_was_searched_for_not_the_purchases_key(client, dcpi_case):
    response = client.post(reverse("causebook:purchase_create"), {"q": "Lam  Ka-Yan"})
    purchase = SearchPurchase.objects.get()
    order = PaymentOrder.objects.get(purpose="search", purpose_ref=str(purchase.pk))
    assert response["Location"] == reverse("payments:order", args=[order.access_token])
    client.cookies["django_language"] = "zh-hant"
    page = client.get(response["Location"]).content.decode()
    assert _summary(page, "用途") == "查冊：「lam ka-yan」"
    client.cookies["django_language"] = "en"
    page = client.get(response["Location"]).content.decode()
    assert _summary(page, "For") == "Search: “lam ka-yan”"
    assert f"({purchase.pk})" not in page


@pytest.mark.parametrize(
    ("language", "issued", "hearing"),
    [
        ("en", "26 Nov 2026", "27 Nov 2026 上午 09:30 am"),
        ("zh-hant", "2026年11月26日", "2026年11月27日 上午 09:30 am"),
    ],
)
@time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=HKT), tick=True)
def test_the_case_page_dates_are_in_the_readers_language_and_hong_kong_time(
    client, dcpi_case, language, issued, hearing
):
    # The case page lists hearings from today on: the clock stands the day before this one.
    # 00:30 on 26 November in Hong Kong is still the 25th in UTC.
    Case.objects.filter(pk=dcpi_case.pk).update(issued_at=datetime(2026, 11, 25, 16, 30, tzinfo=UTC))
    HearingFactory(case=dcpi_case, starts_at=datetime(2026, 11, 27, 9, 30, tzinfo=HKT))
    token = _paid_search_token("LAM Ka Yan")
    client.cookies["django_language"] = language
    page = client.get(reverse("causebook:case", args=[dcpi_case.pk]), {"token": token}).content.decode()
    assert f'<time datetime="2026-11-26">{issued}</time>' in page
    assert f'<time datetime="2026-11-27T09:30:00.000+08:00">{hearing}</time>' in page
