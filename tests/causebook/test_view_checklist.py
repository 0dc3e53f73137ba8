"""The view checklist (docs/development.md) for the cause book: search, bought result sets, a
case's entry and hearings feed, the daily cause list and inspection; and list query counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cached_property
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from causebook.cause_list import cause_list_forget
from causebook.copies import copy_application_create, public_copy_target
from causebook.inspection import inspection_purchase_create, inspection_purchase_grant
from causebook.models import CopyApplication, InspectionPurchase, SearchPurchase
from causebook.query import SearchQuery
from causebook.selectors import calendar_generation
from causebook.services import search_purchase_create, search_purchase_grant
from filing.models import Party
from filing.services import (
    DocumentUpload,
    NewCase,
    NewParty,
    filing_accept,
    submission_create,
    submission_documents_seal,
)
from tests.causebook.conftest import make_case
from tests.checklist import (
    View,
    ViewChecklist,
    assert_queries_do_not_grow,
    signed_in,
)
from tests.clock import once_received_in_law
from tests.factories import HearingFactory, PartyFactory, StaffFactory, UserFactory
from tests.filing.conftest import document_type, pdf_file

# The search and inspection fees are concession-period amounts; the clock stands at
# 1 December 2026 (tests/conftest.py), so hearings are listed on fixed days around it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_the_concession_period")]

HKT = ZoneInfo("Asia/Hong_Kong")
LISTED_ON = datetime(2026, 11, 26, 9, 30, tzinfo=HKT)
SEARCH_FOR = {"q": "陳大文"}


class World:
    """The register of look-alike cases (tests/causebook/conftest.py), a party to the target
    case, a user with no business there, and the rest on demand."""

    def __init__(self, register):
        self.register = register
        self.case = register["target"]
        self.party = UserFactory()
        PartyFactory(case=self.case, side=Party.Side.APPLICANT, ordinal=2, user=self.party, name_en="HO Mei Ling")
        self.outsider = UserFactory()
        self.made = 0  # rows added by the query-count tests

    @cached_property
    def hearing(self):
        return HearingFactory(case=self.case, starts_at=LISTED_ON)

    @cached_property
    def purchase(self) -> SearchPurchase:
        """A search bought by the public, not paid yet."""
        return search_purchase_create(user=AnonymousUser(), query=SearchQuery.from_params(SEARCH_FOR))

    @cached_property
    def writ(self):
        """The writ of an accepted DCPI case: open to public inspection."""
        writ = document_type("DCPI", "writ")
        submission = submission_create(
            user=UserFactory(),
            new_case=NewCase(
                case_type=writ.case_type,
                applicants=[NewParty("LAM Ka Yan", "林嘉欣")],
                respondents=[NewParty("HAPPY VALLEY BUSES LIMITED", "快活谷巴士有限公司", kind="company")],
                nature_en="Personal injuries",
            ),
            uploads=[DocumentUpload(writ, "Writ of summons", pdf_file(2))],
        )
        with once_received_in_law(submission):
            filing_accept(submission=submission, clerk=StaffFactory(), accepted_without_opening=True)
        submission_documents_seal(submission_id=submission.pk)
        return submission.documents.get()

    @cached_property
    def copy_party(self):
        """The writ's filer: a party in person to its case, who may apply for copies."""
        return self.writ.submission.submitted_by

    @cached_property
    def copy_application(self) -> CopyApplication:
        """A member of the public's application for a copy of the writ, not paid yet."""
        target = public_copy_target(kind="filed", pk=self.writ.pk)
        return copy_application_create(
            applicant=None,
            case=self.writ.submission.case,
            kind="copy",
            copies=1,
            target=target,
            applicant_name="LEE Siu Ming",
            applicant_email="lee@example.hk",
        )

    @cached_property
    def inspection(self) -> InspectionPurchase:
        """An inspection of the writ, paid."""
        purchase = inspection_purchase_create(user=AnonymousUser(), kind="filed", pk=self.writ.pk)
        inspection_purchase_grant(purchase=purchase, paid_at=timezone.now())
        return purchase


@pytest.fixture
def world(register, document_storage) -> World:
    return World(register)


def _listing(world: World, shown):
    """What a page shows once the target case is listed for a hearing."""
    assert world.hearing
    return shown


VIEWS = [
    View(
        "causebook:search",
        lambda w: reverse("causebook:search") + "?" + urlencode(SEARCH_FOR),
        shows=lambda w: "1 case matches",
    ),
    View(
        "causebook:purchase_create",
        lambda w: reverse("causebook:purchase_create"),
        methods=("POST",),
        data=lambda w: SEARCH_FOR,
        state=lambda w: SearchPurchase.objects.count(),
        anonymous=302,  # anyone may buy a search: to pay for it (test_search_access.py)
    ),
    View(
        "causebook:purchase",
        lambda w: reverse("causebook:purchase", args=[w.purchase.token]),
        shows=lambda w: "Awaiting payment",
    ),
    View(
        "causebook:case",
        lambda w: reverse("causebook:case", args=[w.case.pk]),
        user="party",
        other="outsider",
        shows=lambda w: w.case.case_number,
        anonymous=404,  # the public need a paid search's token (test_search_access.py)
    ),
    View(
        "causebook:case_hearings_feed",
        lambda w: reverse("causebook:case_hearings_feed", args=[w.case.pk]),
        user="party",
        other="outsider",
        shows=lambda w: _listing(w, b"BEGIN:VEVENT"),
        anonymous=404,  # or a signed key for a calendar program (test_hearings_feed.py)
    ),
    View(
        "causebook:my_hearings_feed",
        lambda w: reverse("causebook:my_hearings_feed"),
        user="party",
        shows=lambda w: _listing(w, b"BEGIN:VEVENT"),
        anonymous=404,  # or the user's signed key for a calendar program (test_hearing_calendars.py)
    ),
    View(
        "causebook:calendar_addresses_renew",
        lambda w: reverse("causebook:calendar_addresses_renew"),
        methods=("POST",),
        user="party",
        state=lambda w: calendar_generation(user_id=w.party.pk),
        goes_to=lambda w: reverse("accounts:dashboard"),
        changed_to=lambda w: 1,
    ),
    View(
        "causebook:cause_list",
        lambda w: reverse("causebook:cause_list") + "?court=DC&date=2026-11-26",
        shows=lambda w: _listing(w, w.case.case_number),
    ),
    View(
        "causebook:summons_enquiry",
        lambda w: reverse("causebook:summons_enquiry"),
        methods=("GET", "POST"),
        data=lambda w: {"summons_number": "KCS 1/2026", "id_last_four": "4563"},
        shows=lambda w: "Enquire Summons",
    ),
    View(
        "causebook:inspection_create",
        lambda w: reverse("causebook:inspection_create", args=["filed", w.writ.pk]),
        methods=("POST",),
        state=lambda w: InspectionPurchase.objects.count(),
        anonymous=302,  # anyone may inspect: to pay for it (test_inspection.py)
    ),
    View(
        "causebook:inspection",
        lambda w: reverse("causebook:inspection", args=[w.inspection.token]),
        shows=lambda w: "Writ of summons",
    ),
    View(
        "causebook:inspection_copy",
        lambda w: reverse("causebook:inspection_copy", args=[w.inspection.token]),
        shows=lambda w: b"%PDF-",
    ),
    # Copies and certificates (test_copies.py).
    View(
        "causebook:case_copies",
        lambda w: reverse("causebook:case_copies", args=[w.writ.submission.case_id]),
        user="copy_party",
        other="outsider",
        shows=lambda w: "Writ of summons",
    ),
    View(
        "causebook:copy_apply",
        lambda w: reverse("causebook:copy_apply", args=[w.writ.submission.case_id, f"filed-{w.writ.pk}"]),
        methods=("GET", "POST"),
        user="copy_party",
        other="outsider",
        shows=lambda w: "Apply for a copy",
        data=lambda w: {"kind": "copy", "copies": "1"},
        state=lambda w: CopyApplication.objects.count(),
    ),
    View(
        "causebook:copies_mine",
        lambda w: reverse("causebook:copies_mine"),
        user="copy_party",
        shows=lambda w: "Your applications",
    ),
    View(
        "causebook:public_copy_apply",
        lambda w: reverse("causebook:public_copy_apply", args=["filed", w.writ.pk]),
        methods=("GET", "POST"),
        shows=lambda w: "Personal Information Collection Statement",
        data=lambda w: {"name": "LEE Siu Ming", "email": "lee@example.hk", "kind": "copy", "copies": "1"},
        state=lambda w: CopyApplication.objects.count(),
    ),
    View(
        "causebook:copy_status",
        lambda w: reverse("causebook:copy_status", args=[w.copy_application.access_token]),
        shows=lambda w: w.copy_application.reference,
    ),
]


class TestViewChecklist(ViewChecklist):
    VIEWS = VIEWS


@pytest.mark.parametrize("name", ["causebook:purchase", "causebook:inspection", "causebook:inspection_copy"])
def test_an_unknown_token_is_404(db, name):
    assert Client().get(reverse(name, args=["not-a-real-token"])).status_code == 404


def test_inspecting_goes_to_pay_for_it(world):
    from payments.models import PaymentOrder

    response = Client().post(reverse("causebook:inspection_create", args=["filed", world.writ.pk]))
    purchase = InspectionPurchase.objects.get()
    order = PaymentOrder.objects.get(purpose="inspection", purpose_ref=str(purchase.pk))
    assert (response.status_code, response["Location"]) == (302, reverse("payments:order", args=[order.access_token]))


# --- Query counts of the lists ---------------------------------------------------------


def _more_chans(world: World):
    """More cases of CHAN Tai Man, found by the search for 陳大文."""

    def add(n):
        for _ in range(n):
            world.made += 1
            make_case("DCPI", 3000 + world.made, 2025, ("CHAN Tai Man", "陳大文"), ("ASIA LIMITED", "亞洲有限公司"))

    return add


def _results(response) -> int:
    return response.content.decode().count('<li class="result">')


def test_the_search_results_make_the_same_queries_for_more_cases(world, staff, django_assert_num_queries):
    client = signed_in(staff)
    url = reverse("causebook:search") + "?" + urlencode(SEARCH_FOR)

    def check(response, total):
        assert _results(response) == total + 1  # and the register's own CHAN Tai Man

    assert_queries_do_not_grow(django_assert_num_queries, lambda: client.get(url), _more_chans(world), check=check)


def test_a_bought_result_set_makes_the_same_queries_for_more_cases(world, django_assert_num_queries):
    client = Client()
    bought = {}
    add_cases = _more_chans(world)

    def add(n):
        add_cases(n)
        purchase = search_purchase_create(user=AnonymousUser(), query=SearchQuery.from_params(SEARCH_FOR))
        search_purchase_grant(purchase=purchase, paid_at=timezone.now())
        bought["token"] = purchase.token

    def check(response, total):
        assert _results(response) == total + 1

    assert_queries_do_not_grow(
        django_assert_num_queries,
        lambda: client.get(reverse("causebook:purchase", args=[bought["token"]])),
        add,
        check=check,
    )


def _listed(world: World, start: datetime):
    """Hearings of more cases on the day's list."""

    def add(n):
        for _ in range(n):
            world.made += 1
            case = make_case(
                "DCCJ", 4000 + world.made, 2026, ("LEE Siu Ming", "李小明"), ("KAM WAH LIMITED", "金華有限公司")
            )
            HearingFactory(case=case, starts_at=start + timedelta(minutes=10 * world.made))

    return add


def test_the_cause_list_makes_the_same_queries_for_more_hearings(world, django_assert_num_queries):
    client = Client()
    url = reverse("causebook:cause_list") + "?court=DC&date=2026-11-26"

    def check(response, total):
        assert response.content.decode().count("LEE Siu Ming v. KAM WAH LIMITED") == total

    def fetch():
        # Read afresh each time, not as kept (causebook/cause_list.py), so that the reading is what is counted.
        cause_list_forget()
        return client.get(url)

    assert assert_queries_do_not_grow(django_assert_num_queries, fetch, _listed(world, LISTED_ON), check=check) == 1


def test_the_hearings_api_makes_the_same_queries_for_more_hearings(world, django_assert_num_queries):
    client = Client()
    url = reverse("api:hearings")

    def check(response, total):
        assert len(response.json()["hearings"]) == total

    assert_queries_do_not_grow(
        django_assert_num_queries,
        lambda: client.get(url, {"court": "DC", "date": "2026-11-26"}),
        _listed(world, LISTED_ON),
        check=check,
    )


def test_the_search_api_makes_the_same_queries_for_more_cases(world, staff, django_assert_num_queries):
    client = signed_in(staff)

    def check(response, total):
        assert len(response.json()["results"]) == total + 1

    assert_queries_do_not_grow(
        django_assert_num_queries,
        lambda: client.get(reverse("api:causebook_search"), SEARCH_FOR),
        _more_chans(world),
        check=check,
    )


def _hearings_of_the_case(world: World):
    """More hearings of the target case, after the clock's 1 December 2026 (the case page lists those to come)."""

    def add(n):
        for _ in range(n):
            world.made += 1
            HearingFactory(
                case=world.case, starts_at=datetime(2026, 12, 10, 9, 30, tzinfo=HKT) + timedelta(days=world.made)
            )

    return add


def test_the_case_page_makes_the_same_queries_for_more_hearings(world, django_assert_num_queries):
    client = signed_in(world.party)

    def check(response, total):
        assert response.content.decode().count("Court No. 31: ") == total

    assert_queries_do_not_grow(
        django_assert_num_queries,
        lambda: client.get(reverse("causebook:case", args=[world.case.pk])),
        _hearings_of_the_case(world),
        check=check,
    )


def test_the_hearings_feed_makes_the_same_queries_for_more_hearings(world, django_assert_num_queries):
    client = signed_in(world.party)

    def check(response, total):
        assert response.content.count(b"BEGIN:VEVENT") == total

    assert_queries_do_not_grow(
        django_assert_num_queries,
        lambda: client.get(reverse("causebook:case_hearings_feed", args=[world.case.pk])),
        _hearings_of_the_case(world),
        check=check,
    )
