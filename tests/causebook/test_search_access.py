"""Who sees what: the count is free; results after payment, for 24 hours; staff and parties free."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from causebook.models import SearchPurchase
from causebook.query import SearchQuery
from causebook.services import search_purchase_create, search_purchase_grant
from filing.models import Party
from icms.core.models import AuditEvent
from tests.factories import PartyFactory, UserFactory

# The search and inspection fees are concession-period amounts.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_the_concession_period")]

SEARCH = reverse("causebook:search")


def test_a_member_of_the_public_sees_the_count_but_no_case(client, register):
    response = client.get(SEARCH, {"q": "陳大文"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 case matches" in body
    assert "DCCJ 1204/2026" not in body
    assert "GOLDEN HARBOUR" not in body
    assert "Pay the search fee" in body


def test_staff_see_every_result_free(client, register, staff):
    client.force_login(staff)
    body = client.get(SEARCH, {"q": "Chan Tai Man"}).content.decode()
    assert "DCCJ 1204/2026" in body
    assert "GOLDEN HARBOUR DECORATION ENGINEERING LIMITED" in body
    assert "Pay the search fee" not in body


def test_a_party_sees_their_own_case_free_and_only_that(client, register):
    user = UserFactory()
    PartyFactory(case=register["wong_tai_man"], side=Party.Side.APPLICANT, ordinal=2, user=user, name_en="HO Mei Ling")
    client.force_login(user)
    body = client.get(SEARCH, {"q": "Tai Man"}).content.decode()
    assert "2 cases match" in body
    assert "1 of them is your own case" in body
    assert "DCCJ 77/2025" in body
    assert "DCCJ 1204/2026" not in body
    assert "Pay the search fee" in body


def test_results_are_hidden_before_payment_visible_after_and_gone_after_24_hours(client, register):
    purchase = search_purchase_create(user=_anonymous(), query=SearchQuery.from_params({"q": "Chan Tai-man"}))
    assert purchase.result_count == 1
    assert len(purchase.token) >= 43
    url = reverse("causebook:purchase", args=[purchase.token])

    before = client.get(url)
    assert before.status_code == 200
    assert "Awaiting payment" in before.content.decode()
    assert "DCCJ 1204/2026" not in before.content.decode()
    case_url = reverse("causebook:case", args=[register["target"].pk])
    assert client.get(case_url, {"token": purchase.token}).status_code == 404

    paid_at = timezone.now()
    search_purchase_grant(purchase=purchase, paid_at=paid_at, payment_reference="PO-2026-000123")
    assert AuditEvent.objects.filter(event_type="causebook.search_access_granted").count() == 1
    during = client.get(url)
    assert "DCCJ 1204/2026" in during.content.decode()
    case_page = client.get(case_url, {"token": purchase.token})
    assert case_page.status_code == 200 and "DCCJ 1204/2026" in case_page.text
    # The token opens only the cases of its own result set.
    other = reverse("causebook:case", args=[register["lee_ka_ho"].pk])
    assert client.get(other, {"token": purchase.token}).status_code == 404

    with time_machine.travel(paid_at + timedelta(hours=23, minutes=59)):
        assert "DCCJ 1204/2026" in client.get(url).content.decode()
    with time_machine.travel(paid_at + timedelta(hours=24, seconds=1)):
        after = client.get(url)
        assert after.status_code == 410
        assert "DCCJ 1204/2026" not in after.content.decode()
        assert client.get(case_url, {"token": purchase.token}).status_code == 404


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_granting_twice_keeps_the_first_payment(register):
    purchase = search_purchase_create(user=_anonymous(), query=SearchQuery.from_params({"q": "大文"}))
    first = timezone.now()
    search_purchase_grant(purchase=purchase, paid_at=first)
    search_purchase_grant(purchase=purchase, paid_at=first + timedelta(hours=5))
    purchase.refresh_from_db()
    assert purchase.expires_at == first + timedelta(hours=24)
    assert AuditEvent.objects.filter(event_type="causebook.search_access_granted").count() == 1


def test_a_naive_payment_time_is_refused(register):
    from datetime import datetime

    purchase = search_purchase_create(user=_anonymous(), query=SearchQuery.from_params({"q": "大文"}))
    with pytest.raises(ValueError, match="aware"):
        search_purchase_grant(purchase=purchase, paid_at=datetime(2026, 11, 25, 10, 0))  # noqa: DTZ001


def test_a_token_opens_only_the_search_it_was_bought_for(client, register):
    purchase = search_purchase_create(user=_anonymous(), query=SearchQuery.from_params({"q": "大文"}))
    search_purchase_grant(purchase=purchase, paid_at=timezone.now())
    api = reverse("api:causebook_search")
    same = client.get(api, {"q": "大文", "token": purchase.token}).json()
    assert same["access"] == "all" and len(same["results"]) == 2
    other = client.get(api, {"q": "Lee Ka Ho", "token": purchase.token}).json()
    assert other["access"] == "none" and other["results"] is None and other["count"] == 1


def test_nothing_to_buy_when_nothing_matches(register):
    with pytest.raises(ValidationError):
        search_purchase_create(user=_anonymous(), query=SearchQuery.from_params({"q": "Xyzzyq"}))


def test_pay_the_search_fee_records_the_purchase_and_sends_the_payer_to_pay(
    client, register, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from django.db import transaction

    from payments.models import PaymentOrder
    from payments.services.orders import order_mark_paid

    response = client.post(reverse("causebook:purchase_create"), {"q": "CHAN Tai Man", "court": "DC"})
    purchase = SearchPurchase.objects.get()
    order = PaymentOrder.objects.get(purpose="search", purpose_ref=str(purchase.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("payments:order", args=[order.access_token])
    assert purchase.query == "q=chan+tai+man&court=DC"
    assert purchase.paid_at is None and purchase.user is None
    assert order.standard_total == Decimal("18.00")
    assert order.amount == Decimal("14.00")  # the e-fee during the concession, rounded down
    page = client.get(response["Location"]).content.decode()
    assert reverse("causebook:purchase", args=[purchase.token]) in page  # the way back to the results

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        locked = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        order_mark_paid(order=locked, received_at=timezone.now(), gateway_reference="SANDBOX-1")
    purchase.refresh_from_db()
    assert purchase.paid_at is not None
    assert purchase.expires_at - purchase.paid_at == timedelta(hours=24)


def test_the_purchase_form_needs_post_and_a_csrf_token(register):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.get(reverse("causebook:purchase_create")).status_code == 405
    assert strict.post(reverse("causebook:purchase_create"), {"q": "Chan"}).status_code == 403


def test_an_unknown_token_is_a_404(client, db):
    assert client.get(reverse("causebook:purchase", args=["not-a-real-token"])).status_code == 404


def test_a_case_page_is_404_for_the_public_without_a_token_and_for_drafts(client, register, staff):
    assert client.get(reverse("causebook:case", args=[register["target"].pk])).status_code == 404
    client.force_login(staff)
    case_page = client.get(reverse("causebook:case", args=[register["target"].pk]))
    assert case_page.status_code == 200 and "DCCJ 1204/2026" in case_page.text
    from filing.models import Case

    draft = Case.objects.filter(number__isnull=True).first()
    assert client.get(reverse("causebook:case", args=[draft.pk])).status_code == 404


def test_the_results_page_makes_a_fixed_number_of_queries(client, register, staff, django_assert_num_queries):
    client.force_login(staff)
    client.get(SEARCH, {"q": "Chan"})  # warm the session and the content types
    # user, the search's kept counts (causebook/terms.py), search SQL, the page of cases with their parties.
    # Not asked again within the minute: the staff MFA check and the session's write (accounts.session_facts,
    # icms.core.session_timeout); never for staff: a membership. The case types are kept (causebook/reference.py).
    with django_assert_num_queries(4):
        client.get(SEARCH, {"q": "Chan"})


def test_the_token_opens_the_result_set_as_it_stood_when_paid(client, register, settings):
    from tests.causebook.conftest import make_case

    purchase = search_purchase_create(user=_anonymous(), query=SearchQuery.from_params({"q": "大文"}))
    search_purchase_grant(purchase=purchase, paid_at=timezone.now())
    purchase.refresh_from_db()
    assert set(purchase.case_ids) == {register["target"].pk, register["wong_tai_man"].pk}
    assert purchase.capped is False
    audit = AuditEvent.objects.get(event_type="causebook.search_access_granted")
    assert audit.after["result_set"] == 2

    later = make_case("DCCJ", 900, 2026, ("LAM Tai Man", "林大文"), ("HING FAT LIMITED", "興發有限公司"))
    body = client.get(reverse("causebook:purchase", args=[purchase.token])).content.decode()
    assert "DCCJ 1204/2026" in body and "DCCJ 77/2025" in body
    assert "DCCJ 900/2026" not in body  # filed after payment: not in what was bought
    assert client.get(reverse("causebook:case", args=[later.pk]), {"token": purchase.token}).status_code == 404
    # A kept case's details are read now, not kept: a status change shows.
    register["target"].status = "closed"
    register["target"].save()
    assert "Closed" in client.get(reverse("causebook:purchase", args=[purchase.token])).content.decode()


def test_pages_of_a_bought_result_set_follow_its_rank_order_without_overlap(client, register, settings):
    from tests.causebook.conftest import make_case

    settings.CAUSEBOOK_PAGE_SIZE = 2
    for number in range(1, 6):
        make_case("DCPI", 500 + number, 2025, ("CHAN Tai Man", "陳大文"), ("ASIA LIMITED", "亞洲有限公司"))
    purchase = search_purchase_create(user=_anonymous(), query=SearchQuery.from_params({"q": "Chan Tai Man"}))
    search_purchase_grant(purchase=purchase, paid_at=timezone.now())
    purchase.refresh_from_db()
    assert len(purchase.case_ids) == 6

    api = reverse("api:causebook_search")
    seen = []
    for page in (1, 2, 3):
        answer = client.get(api, {"q": "Chan Tai Man", "token": purchase.token, "page": page}).json()
        assert answer["count"] == 6 and answer["pages"] == 3
        seen += [result["case_number"] for result in answer["results"]]
    assert len(seen) == len(set(seen)) == 6
    assert seen[0] == "DCCJ 1204/2026"  # the latest date of issue among equal ranks


def test_an_organisation_user_pays_the_search_fee_from_the_deposit_account(
    client, register, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from payments import services as payments
    from payments.models import PaymentOrder
    from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory

    member = MembershipFactory(organisation=OrganisationFactory())
    account = payments.deposit_account_open(organisation=member.organisation)
    payments.deposit_top_up(
        account=account, amount=Decimal("50.00"), reference="CHQ-7", officer=StaffFactory(group="Accounts officer")
    )
    client.force_login(member.user)
    response = client.post(reverse("causebook:purchase_create"), {"q": "大文"})
    order_page = client.get(response["Location"]).content.decode()
    assert "holds HK$50.00" in order_page and "Pay HK$14.00 from the deposit account" in order_page

    order = PaymentOrder.objects.get(purpose="search")
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(reverse("payments:pay_deposit", args=[order.access_token]), follow=True)
    assert paid.status_code == 200
    order.refresh_from_db()
    assert (order.status, order.method, order.amount) == ("paid", "deposit", Decimal("14.00"))
    assert payments.balance_of(account) == Decimal("36.00")
    purchase = SearchPurchase.objects.get()
    assert purchase.user == member.user and purchase.payment_reference == order.reference
    body = client.get(reverse("causebook:purchase", args=[purchase.token])).content.decode()
    assert "DCCJ 1204/2026" in body and "DCCJ 77/2025" in body


@pytest.mark.parametrize(
    ("language", "said"), [("en", "Searched for case number DCCJ 123/2025"), ("zh-hant", "DCCJ 123/2025")]
)
def test_a_query_read_as_a_case_number_says_how_it_was_read(client, register, language, said):
    client.cookies["django_language"] = language
    body = client.get(SEARCH, {"q": "dccj no. 0123 of 2025"}).content.decode()
    assert said in body and 'class="results__read"' in body
    assert 'class="results__read"' not in client.get(SEARCH, {"q": "Chan Tai Man"}).content.decode()
