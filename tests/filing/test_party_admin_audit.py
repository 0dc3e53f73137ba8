"""Staff changes to a case's parties in the Case admin are audited: who, what (old → new), why.

The identity document's number never reaches the audit log whole, only masked.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.hkid import hkid_check_digit
from filing.models import Case, CaseType, Party
from filing.services.parties import party_save_by_staff
from icms.core.models import AuditEvent
from tests.factories import CaseFactory, PartyFactory, StaffFactory
from tests.filing.test_review_admin import staff_client

pytestmark = pytest.mark.django_db

HKID = "A1234563"


class _FormFields(HTMLParser):
    """The fields of the page's form as a browser would post them, unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data[name] = a.get("value", "on" if a.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n") if not self.data[self._textarea] else data


def _page_form(client, url: str) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    return {name: value for name, value in parser.data.items() if not name.startswith("parties-__prefix__")}


@pytest.fixture
def case() -> Case:
    case = CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), status=Case.Status.ACTIVE, number=42, year=2026)
    PartyFactory(case=case, name_en="CHAN Tai Man", address_for_service="1 Queen's Road Central", id_kind="hkid",
                 id_number=HKID)  # fmt: skip
    PartyFactory(case=case, side=Party.Side.RESPONDENT, ordinal=1, name_en="GOLDEN HARBOUR LIMITED", name_zh="")
    return case


@pytest.fixture
def supervisor():
    return StaffFactory(group="Registry supervisor")


def _url(case: Case) -> str:
    return reverse("admin:filing_case_change", args=[case.pk])


def _row(data: dict[str, str], name_en: str) -> str:
    """The inline prefix (``parties-0``) of the party named ``name_en`` on the page."""
    return next(
        key.removesuffix("-name_en") for key, value in data.items() if key.endswith("-name_en") and value == name_en
    )


def _party_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type__startswith="filing.party_").order_by("pk"))


def test_a_correction_is_audited_with_who_old_and_new_and_the_reason(case, supervisor):
    client = staff_client(supervisor)
    data = _page_form(client, _url(case))
    row = _row(data, "CHAN Tai Man")
    data[f"{row}-name_en"] = "CHAN Tai-man"
    data[f"{row}-address_for_service"] = "2 Queen's Road Central"
    data[f"{row}-change_reason"] = "Order of 3 December 2026: name and address corrected"
    response = client.post(_url(case), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    party = Party.objects.get(case=case, side="applicant")
    assert (party.name_en, party.address_for_service) == ("CHAN Tai-man", "2 Queen's Road Central")
    [event] = _party_events()
    assert (event.event_type, event.actor_id, event.target_id) == (
        "filing.party_changed",
        supervisor.pk,
        str(party.pk),
    )
    assert event.target_label.startswith("DCCJ 42/2026")
    assert event.before == {"name_en": "CHAN Tai Man", "address_for_service": "1 Queen's Road Central"}
    assert event.after == {
        "name_en": "CHAN Tai-man",
        "address_for_service": "2 Queen's Road Central",
        "reason": "Order of 3 December 2026: name and address corrected",
    }


def test_a_change_without_a_reason_is_refused_and_nothing_changes(case, supervisor):
    client = staff_client(supervisor)
    data = _page_form(client, _url(case))
    data[f"{_row(data, 'CHAN Tai Man')}-name_en"] = "CHAN Tai-man"
    response = client.post(_url(case), data)
    assert response.status_code == 200
    assert "Give the reason for the change." in response.content.decode()
    assert Party.objects.get(case=case, side="applicant").name_en == "CHAN Tai Man"
    assert _party_events() == []


def test_a_new_identity_number_is_audited_masked_never_whole(case, supervisor):
    client = staff_client(supervisor)
    data = _page_form(client, _url(case))
    row = _row(data, "CHAN Tai Man")
    new_number = "A765432" + hkid_check_digit("A", "765432")  # the same mask as the old one: A7… vs A1…
    data[f"{row}-new_id_number"] = new_number
    data[f"{row}-change_reason"] = "The party's letter of 1 December"
    assert client.post(_url(case), data).status_code == 302
    assert Party.objects.get(case=case, side="applicant").id_number == new_number
    [event] = _party_events()
    assert event.before == {"id_number": "A123***(*)"}
    assert event.after == {
        "id_number": "A765***(*)",
        "id_number_replaced": True,
        "reason": "The party's letter of 1 December",
    }
    stored = str(event.before) + str(event.after)
    assert HKID not in stored and new_number not in stored and "1234563" not in stored


@pytest.fixture
def administrator():
    """Adding and removing parties needs filing.add_party and filing.delete_party, which no registry
    group holds: a system administrator's."""
    return StaffFactory(is_superuser=True)


def test_adding_and_removing_a_party_are_audited(case, administrator):
    supervisor = administrator
    client = staff_client(administrator)
    data = _page_form(client, _url(case))
    removed = Party.objects.get(case=case, side="respondent")
    data[f"{_row(data, 'GOLDEN HARBOUR LIMITED')}-DELETE"] = "on"
    data[f"{_row(data, 'GOLDEN HARBOUR LIMITED')}-change_reason"] = "Entered in the wrong case"
    total = int(data["parties-TOTAL_FORMS"])
    new = f"parties-{total}"
    data.update({
        f"{new}-side": "respondent", f"{new}-ordinal": "1", f"{new}-kind": "company",
        f"{new}-name_en": "SILVER HARBOUR LIMITED", f"{new}-name_zh": "銀港有限公司",
        f"{new}-address_for_service": "3 Connaught Road", f"{new}-id_kind": "", f"{new}-new_id_number": "",
        f"{new}-change_reason": "The right defendant, by order", f"{new}-case": str(case.pk),
        "parties-TOTAL_FORMS": str(total + 1),
    })  # fmt: skip
    response = client.post(_url(case), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Party.objects.filter(pk=removed.pk).exists()
    added = Party.objects.get(case=case, name_en="SILVER HARBOUR LIMITED")
    by_type = {event.event_type: event for event in _party_events()}
    assert set(by_type) == {"filing.party_added", "filing.party_removed"}
    gone = by_type["filing.party_removed"]
    assert (gone.target_id, gone.actor_id) == (str(removed.pk), supervisor.pk)
    assert gone.before["name_en"] == "GOLDEN HARBOUR LIMITED" and gone.after == {"reason": "Entered in the wrong case"}
    new_row = by_type["filing.party_added"]
    assert new_row.target_id == str(added.pk)
    assert new_row.after["name_zh"] == "銀港有限公司" and new_row.after["reason"] == "The right defendant, by order"


def test_removing_a_party_without_a_reason_is_refused(case, administrator):
    client = staff_client(administrator)
    data = _page_form(client, _url(case))
    data[f"{_row(data, 'GOLDEN HARBOUR LIMITED')}-DELETE"] = "on"
    response = client.post(_url(case), data)
    assert response.status_code == 200
    assert "Give the reason for removing GOLDEN HARBOUR LIMITED" in response.content.decode()
    assert Party.objects.filter(case=case).count() == 2 and _party_events() == []


def test_saving_the_page_unchanged_writes_no_audit_row(case, supervisor):
    client = staff_client(supervisor)
    assert client.post(_url(case), _page_form(client, _url(case))).status_code == 302
    assert _party_events() == []


def test_the_service_refuses_a_user_who_is_not_staff(case):
    from tests.factories import UserFactory

    party = Party.objects.get(case=case, side="applicant")
    party.name_en = "Someone else"
    with pytest.raises(ValidationError):
        party_save_by_staff(party=party, actor=UserFactory(), reason="because")
    assert _party_events() == []
