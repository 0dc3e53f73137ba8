"""Several parties on each side of a new case, their addresses and identity documents, and
the court's claim limit (issue 14: "Several parties and representatives")."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.hkid import hkid_check_digit
from causebook.query import SearchQuery
from causebook.services import search_purchase_create, search_purchase_grant
from filing.admin.cases import PartyAdminForm
from filing.claim_limits import claim_amount_check, claim_limit_in_force
from filing.forms import NewCaseForm, new_case_initial
from filing.models import Case, CaseType, ClaimLimit, Party, Representation, Submission
from filing.party_ids import party_id_mask
from filing.services import DocumentUpload, NewCase, NewParty, SubmissionRefused, filing_accept, submission_create
from tests.clock import once_received_in_law
from tests.factories import StaffFactory, UserFactory, totp_for
from tests.filing.conftest import document_type, pdf_file
from tests.filing.drafting import file_through_review
from tests.filing.new_case_post import ADDRESS, new_case_data

pytestmark = pytest.mark.django_db
HKT = ZoneInfo("Asia/Hong_Kong")
LIMIT_MESSAGE = (
    "The District Court can hear money claims of up to HK$3,000,000.00. "
    "A larger claim must be started in the Court of First Instance of the High Court."
)
HKID = "A123456(3)"


def _documents(prefix: str = "DCCJ") -> dict[str, object]:
    return {
        "submission_key": str(uuid.uuid4()),
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "10",
        "documents-0-document_type": str(document_type(prefix, "writ").pk),
        "documents-0-title": "Writ of summons",
        "documents-0-file": pdf_file(2, "writ.pdf"),
    }


def _post(client, prefix: str = "DCCJ", **case: object):
    """The form with "Continue to review", then Submit on the review page when the form is complete."""
    url = reverse("filing:start_case", args=[prefix])
    return file_through_review(client, url, {**_documents(prefix), **new_case_data(**case)})


def _summary(html: str) -> str:
    start = html.index('class="error-summary"')
    return html[start : html.index("</div>", start)]


FIVE_PARTIES = {
    "applicants": [
        {
            "name_en": "CHAN Tai Man",
            "name_zh": "陳大文",
            "address_for_service": ADDRESS,
            "id_kind": "hkid",
            "id_number": HKID,
        },
        {"name_en": "CHAN Siu Ming", "address_for_service": "2 Nathan Road, Kowloon"},
    ],
    "respondents": [
        {"name_en": "GOLDEN HARBOUR LIMITED", "kind": "company", "id_kind": "br", "id_number": "12345678"},
        {"name_zh": "黃小明", "address_for_service": "3 Castle Peak Road, Yuen Long"},
    ],
    "third_parties": [{"name_en": "OCEAN PEARL INSURANCE LIMITED", "kind": "company"}],
}


# --- Several parties per side ----------------------------------------------------------------


def test_two_plaintiffs_two_defendants_and_a_third_party_are_stored_in_order(
    client, party_in_person, document_storage, outbox_held
):
    client.force_login(party_in_person)
    response = _post(client, **FIVE_PARTIES)
    assert response.status_code == 302, _summary(response.content.decode())
    case = Submission.objects.get().case
    parties = list(case.parties.order_by("side", "ordinal"))
    assert [(p.side, p.ordinal, p.name) for p in parties] == [
        ("applicant", 1, "CHAN Tai Man"),
        ("applicant", 2, "CHAN Siu Ming"),
        ("respondent", 1, "GOLDEN HARBOUR LIMITED"),
        ("respondent", 2, "黃小明"),
        ("third_party", 1, "OCEAN PEARL INSURANCE LIMITED"),
    ]
    first = parties[0]
    assert first.address_for_service == ADDRESS and first.name_zh == "陳大文"
    assert (first.id_kind, first.id_number) == ("hkid", "A1234563")  # stored normalised
    assert (parties[2].kind, parties[2].id_kind, parties[2].id_number) == ("company", "br", "12345678")
    assert parties[4].address_for_service == "" and parties[4].id_kind == ""
    # The filer acts in person for the first plaintiff; the history of who acts starts with the case.
    assert first.user == party_in_person and first.representative is None
    record = Representation.objects.get(party__case=case)
    assert record.party == first and record.in_person == party_in_person and record.organisation is None
    assert record.started_by == party_in_person and record.reason == "Started the case" and record.ended_at is None
    assert case.amount_claimed == Decimal("250000.00")


def test_a_firm_goes_on_record_for_its_client_when_it_starts_the_case(firm_filer, document_storage, outbox_held):
    organisation = firm_filer.memberships.get().organisation
    submission = submission_create(
        user=firm_filer,
        new_case=NewCase(
            case_type=CaseType.objects.get(prefix="DCPI"),
            applicants=[NewParty("LAM Ka Yan", address_for_service=ADDRESS)],
            respondents=[NewParty("HAPPY VALLEY BUSES LIMITED", kind="company")],
            nature_en="Personal injuries",
        ),
        uploads=[DocumentUpload(document_type("DCPI", "writ"), "Writ of summons", pdf_file())],
    )
    record = Representation.objects.get(party__case=submission.case)
    assert record.organisation == organisation and record.in_person is None and record.started_by == firm_filer
    assert record.party.representative == organisation and record.party.side == "applicant"


def test_the_add_another_button_shows_the_form_again_with_one_more_row_and_files_nothing(
    client, party_in_person, document_storage
):
    client.force_login(party_in_person)
    data = {**_documents(), **new_case_data(nature_en="Unpaid invoices"), "case-add_party": "respondent"}
    response = client.post(reverse("filing:start_case", args=["DCCJ"]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="case-respondents-1-name_en"' in html  # the new, blank row
    assert re.search(r'name="case-respondents-1-name_en"[^>]*autofocus', html)
    assert 'value="GOLDEN HARBOUR LIMITED"' in html and 'value="Unpaid invoices"' in html  # what was typed stays
    assert 'name="case-respondents-TOTAL_FORMS" value="2"' in html
    assert "error-summary" not in html and not re.search(r"<title>\s*Error", html)
    assert ">Defendant 2" in html
    assert Submission.objects.count() == 0 and Case.objects.count() == 0


def test_a_row_added_and_left_blank_is_left_out(client, party_in_person, document_storage, outbox_held):
    client.force_login(party_in_person)
    respondents = [{"name_en": "GOLDEN HARBOUR LIMITED", "kind": "company"}, {"name_en": "", "kind": "person"}]
    data = {**_documents(), **new_case_data(respondents=respondents)}
    data["case-respondents-INITIAL_FORMS"] = "2"  # as the page sends it after "Add another"
    response = file_through_review(client, reverse("filing:start_case", args=["DCCJ"]), data)
    assert response.status_code == 302
    assert Party.objects.filter(side="respondent").count() == 1


def test_the_error_summary_names_the_second_defendant(client, party_in_person):
    client.force_login(party_in_person)
    respondents = [{"name_en": "GOLDEN HARBOUR LIMITED"}, {"address_for_service": "3 Castle Peak Road"}]
    response = _post(client, respondents=respondents)
    assert response.status_code == 400
    html = response.content.decode()
    summary = _summary(html)
    assert re.search(
        r'<a href="#id_case-respondents-1-name_en">Name in English: Defendant 2: Give the name in English', summary
    )
    assert "Defendant 1" not in summary
    assert re.search(r"<title>\s*Error: ", html)
    assert "<legend>Defendant 2" in html
    assert Case.objects.count() == 0


def test_the_plaintiffs_address_for_service_is_required_and_an_hkid_is_checked(client, party_in_person):
    client.force_login(party_in_person)
    applicants = [{"name_en": "CHAN Tai Man", "id_kind": "hkid", "id_number": "A123456(4)"}]
    summary = _summary(_post(client, applicants=applicants).content.decode())
    assert "Address for service: Plaintiff 1: Give the address for service." in summary
    assert "Identity document number: Plaintiff 1: Enter a valid HKID number" in summary
    # A number without its kind is not taken either.
    respondents = [{"name_en": "WONG Siu Ming", "id_number": "K1234567"}]
    summary = _summary(_post(client, respondents=respondents).content.decode())
    assert "Identity document: Defendant 1: Choose the kind of identity document" in summary


def test_a_party_in_person_is_the_first_plaintiff_already_filled_in(party_in_person):
    case_type = CaseType.objects.get(prefix="DCCJ")
    form = NewCaseForm(None, prefix="case", case_type=case_type, initial=new_case_initial(party_in_person))
    first = form.applicants.forms[0]
    assert first["name_en"].value() == "CHAN Tai Man"
    assert first.fields["name_en"].widget.attrs["autocomplete"] == "name"
    assert first.fields["address_for_service"].widget.attrs["autocomplete"] == "street-address"
    assert form.respondents.forms[0].fields["name_en"].widget.attrs["autocomplete"] == "off"
    assert len(form.third_parties.forms) == 0  # none by default
    assert form.asks_amount


# --- The claim limit -----------------------------------------------------------------------


def test_an_amount_over_the_limit_is_refused_on_the_form_naming_the_limit_and_the_high_court(
    client, party_in_person, document_storage
):
    client.force_login(party_in_person)
    response = _post(client, amount_claimed="3000000.01")
    assert response.status_code == 400
    assert f"Amount claimed (HK$): {LIMIT_MESSAGE}" in _summary(response.content.decode())
    assert Case.objects.count() == 0


def test_an_amount_at_the_limit_is_taken(client, party_in_person, document_storage, outbox_held):
    client.force_login(party_in_person)
    assert _post(client, amount_claimed="3000000.00").status_code == 302
    assert Case.objects.get().amount_claimed == Decimal("3000000.00")


def test_a_dccj_case_needs_the_amount_but_a_dcpi_case_is_not_asked(client, party_in_person, document_storage):
    client.force_login(party_in_person)
    response = _post(client, amount_claimed=None)
    assert response.status_code == 400
    assert "Amount claimed (HK$): This field is required." in _summary(response.content.decode())
    assert 'name="case-amount_claimed"' not in client.get(reverse("filing:start_case", args=["DCPI"])).text


def _dccj_new_case(amount: str) -> NewCase:
    return NewCase(
        case_type=CaseType.objects.get(prefix="DCCJ"),
        applicants=[NewParty("CHAN Tai Man", address_for_service=ADDRESS)],
        respondents=[NewParty("GOLDEN HARBOUR LIMITED", kind="company")],
        nature_en="Money claim",
        amount_claimed=Decimal(amount),
    )


def test_the_service_refuses_an_amount_over_the_limit_and_takes_one_at_it(party_in_person, document_storage):
    writ = document_type("DCCJ", "writ")
    with pytest.raises(SubmissionRefused) as refused:
        submission_create(
            user=party_in_person,
            new_case=_dccj_new_case("3000000.01"),
            uploads=[DocumentUpload(writ, "Writ of summons", pdf_file())],
        )
    assert refused.value.messages == [LIMIT_MESSAGE]
    assert Case.objects.count() == 0
    submission = submission_create(
        user=party_in_person,
        new_case=_dccj_new_case("3000000.00"),
        uploads=[DocumentUpload(writ, "Writ of summons", pdf_file())],
    )
    assert submission.case.amount_claimed == Decimal("3000000.00")


def test_the_limit_is_read_from_its_row_not_from_code(client, party_in_person, document_storage):
    dccj = CaseType.objects.get(prefix="DCCJ")
    ClaimLimit.objects.filter(case_type=dccj).update(amount=Decimal("1000000.00"))
    with pytest.raises(ValidationError, match=r"up to HK\$1,000,000\.00"):
        claim_amount_check(case_type=dccj, amount=Decimal("1000000.01"))
    claim_amount_check(case_type=dccj, amount=Decimal("1000000.00"))
    client.force_login(party_in_person)
    html = _post(client, amount_claimed="2000000.00").content.decode()
    assert "up to HK$1,000,000.00" in _summary(html)
    with pytest.raises(SubmissionRefused, match=r"HK\$1,000,000\.00"):
        submission_create(
            user=party_in_person,
            new_case=_dccj_new_case("2000000.00"),
            uploads=[DocumentUpload(document_type("DCCJ", "writ"), "Writ of summons", pdf_file())],
        )


def test_the_limit_in_force_is_the_latest_one_begun_by_the_day(party_in_person):
    dccj = CaseType.objects.get(prefix="DCCJ")
    ClaimLimit.objects.create(case_type=dccj, amount=Decimal("5000000.00"), effective_from=date(2030, 1, 1))
    assert claim_limit_in_force(dccj, date(2018, 12, 2)) is None
    assert claim_limit_in_force(dccj, date(2018, 12, 3)).amount == Decimal("3000000.00")
    assert claim_limit_in_force(dccj, date(2029, 12, 31)).amount == Decimal("3000000.00")
    assert claim_limit_in_force(dccj, date(2030, 1, 1)).amount == Decimal("5000000.00")
    # The day is Hong Kong's: at 00:30 on 1 January 2030 in Hong Kong it is still 2029 in UTC.
    with time_machine.travel(datetime(2030, 1, 1, 0, 30, tzinfo=HKT), tick=False):
        claim_amount_check(case_type=dccj, amount=Decimal("4000000.00"))
    with time_machine.travel(datetime(2029, 12, 31, 23, 59, tzinfo=HKT), tick=False), pytest.raises(ValidationError):
        claim_amount_check(case_type=dccj, amount=Decimal("4000000.00"))
    assert claim_limit_in_force(CaseType.objects.get(prefix="DCPI"), date(2030, 1, 1)) is None


# --- Identity documents: encrypted, shown masked -----------------------------------------------


def _started_case(user) -> Case:
    submission = submission_create(
        user=user,
        new_case=NewCase(
            case_type=CaseType.objects.get(prefix="DCPI"),
            applicants=[NewParty("LAM Ka Yan", address_for_service=ADDRESS, id_kind="hkid", id_number=HKID)],
            respondents=[
                NewParty(
                    "HAPPY VALLEY BUSES LIMITED",
                    kind="company",
                    address_for_service="9 Wong Nai Chung Road",
                    id_kind="passport",
                    id_number="K12345678",
                )
            ],
            nature_en="Personal injuries",
        ),
        uploads=[DocumentUpload(document_type("DCPI", "writ"), "Writ of summons", pdf_file())],
    )
    return submission.case


def test_the_identity_number_is_encrypted_in_its_column(party_in_person, document_storage, outbox_held):
    case = _started_case(party_in_person)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number::text FROM filing_party WHERE case_id = %s ORDER BY side", [case.pk])
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 2 and all(stored)
    for raw in stored:
        assert "1234563" not in raw and "12345678" not in raw
    assert sorted(p.id_number for p in case.parties.all()) == ["A1234563", "K12345678"]  # decrypted on read


def test_the_masks_show_a_part_never_the_whole_nor_its_length():
    assert party_id_mask("hkid", "A1234563") == "A123***(*)"
    assert party_id_mask("passport", "K12345678") == "K1******"
    assert party_id_mask("passport", "K1") == party_id_mask("passport", "K1999999999")[:2] + "******"
    assert party_id_mask("", "") == ""


def test_the_case_file_shows_each_party_with_address_masked_id_and_who_acts(
    client, party_in_person, document_storage, outbox_held
):
    case = _started_case(party_in_person)
    client.force_login(party_in_person)
    html = client.get(reverse("filing:case", args=[case.pk])).content.decode()
    assert "A123***(*)" in html and "K1******" in html
    assert "1234563" not in html and "K12345678" not in html
    assert "Queen&#x27;s Road Central" in html and "9 Wong Nai Chung Road" in html
    rows = re.findall(r'<tr data-party-side="(\w+)">(.*?)</tr>', html, flags=re.S)
    assert [side for side, _ in rows] == ["applicant", "respondent"]
    assert "In person" in rows[0][1] and "No one on record yet" in rows[1][1]


def test_the_public_cause_book_shows_neither_addresses_nor_identity_numbers(
    client, party_in_person, document_storage, outbox_held, in_the_concession_period
):
    case = _started_case(party_in_person)
    submission = case.submissions.get()
    with once_received_in_law(submission):
        filing_accept(submission=submission, clerk=StaffFactory(), accepted_without_opening=True)
    purchase = search_purchase_create(user=UserFactory(), query=SearchQuery.from_params({"q": "LAM Ka Yan"}))
    search_purchase_grant(purchase=purchase, paid_at=timezone.now())
    pages = [
        client.get(reverse("causebook:case", args=[case.pk]), {"token": purchase.token}).content.decode(),
        client.get(reverse("causebook:search"), {"q": "LAM Ka Yan", "token": purchase.token}).content.decode(),
    ]
    assert "LAM Ka Yan" in pages[0]
    for page in pages:
        for secret in ("Queen", "Wong Nai Chung", "A123", "1234563", "K1******", "K12345678"):
            assert secret not in page


# --- The admin -----------------------------------------------------------------------------------


def test_staff_see_the_number_masked_in_the_case_admin_and_may_replace_it(
    client, party_in_person, document_storage, outbox_held
):
    case = _started_case(party_in_person)
    staff = StaffFactory(is_superuser=True)
    totp_for(staff)  # the admin requires an authenticator app
    client.force_login(staff)
    html = client.get(reverse("admin:filing_case_change", args=[case.pk])).content.decode()
    assert "A123***(*)" in html and "K1******" in html
    assert "A1234563" not in html and "K12345678" not in html
    assert "9 Wong Nai Chung Road" in html
    limits = client.get(reverse("admin:filing_claimlimit_changelist")).content.decode()
    assert "3,000,000" in limits or "3000000" in limits
    assert "Cap. 336" in limits

    party = case.parties.get(side="applicant")
    fields = {name: getattr(party, name) for name in ("side", "ordinal", "kind", "name_en", "name_zh")}
    base = {**fields, "address_for_service": party.address_for_service, "case": case.pk, "change_reason": "Order"}
    # Blank keeps the number on record; a new one is checked, then replaces it.
    form = PartyAdminForm(data={**base, "id_kind": "hkid", "new_id_number": ""}, instance=party)
    assert form.is_valid(), form.errors
    assert form.save().id_number == "A1234563"
    form = PartyAdminForm(data={**base, "id_kind": "hkid", "new_id_number": "B987654(1)"}, instance=party)
    assert not form.is_valid() and "new_id_number" in form.errors
    valid = "B987654" + hkid_check_digit("B", "987654")
    form = PartyAdminForm(data={**base, "id_kind": "hkid", "new_id_number": valid}, instance=party)
    assert form.is_valid(), form.errors
    assert Party.objects.get(pk=form.save().pk).id_number == valid
    # No identity document: the number goes too.
    form = PartyAdminForm(data={**base, "id_kind": "", "new_id_number": ""}, instance=party)
    assert form.is_valid(), form.errors
    assert Party.objects.get(pk=form.save().pk).id_number == ""
