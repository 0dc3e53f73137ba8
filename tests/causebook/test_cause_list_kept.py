"""The daily cause list is kept per process (causebook/cause_list.py), and never served stale: a hearing
fixed, adjourned or vacated, a party renamed, shows on the very next request."""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.urls import reverse

from causebook.cause_list import CAUSE_LIST_VERSION_KEY
from causebook.hearings import hearing_adjourn, hearing_vacate
from filing.models import Party
from tests.causebook.hearing_world import HKT

LIST = reverse("causebook:cause_list")
MONDAY, TUESDAY = "2026-12-14", "2026-12-15"


def _list(client, day: str, language: str = "en") -> str:
    client.cookies["django_language"] = language
    response = client.get(LIST, {"court": "DC", "date": day})
    assert response.status_code == 200
    return response.content.decode()


def test_a_hearing_fixed_adjourned_or_vacated_shows_on_the_very_next_request(client, hw):
    # Both days kept, in both languages, before anything changes.
    for language in ("en", "zh-hant"):
        assert "DCCJ 1204/2026" not in _list(client, MONDAY, language)
        assert "DCCJ 1204/2026" not in _list(client, TUESDAY, language)

    hearing = hw.fix()
    monday = _list(client, MONDAY)
    assert "DCCJ 1204/2026" in monday and "Court No. 31" in monday and "cause-list__row--" not in monday
    assert "DCCJ 1204/2026" in _list(client, MONDAY, "zh-hant")

    new = hearing_adjourn(
        hearing=hearing, new_starts_at=datetime(2026, 12, 15, 14, 30, tzinfo=HKT), reason="Judge ill", actor=hw.clerk
    )
    monday = _list(client, MONDAY)
    assert 'class="cause-list__row--adjourned"' in monday
    assert "<strong>Adjourned</strong>" in monday
    tuesday = _list(client, TUESDAY)
    assert "DCCJ 1204/2026" in tuesday and "下午 02:30 pm" in tuesday

    hearing_vacate(hearing=new, reason="The action has been settled.", actor=hw.clerk)
    assert 'class="cause-list__row--vacated"' in _list(client, TUESDAY)
    assert 'class="cause-list__row--vacated"' in _list(client, TUESDAY, "zh-hant")


def test_a_party_renamed_shows_on_the_next_request(client, hw):
    hw.fix()
    assert "GOLDEN HARBOUR LIMITED" in _list(client, MONDAY)
    party = Party.objects.get(case=hw.case, name_en="GOLDEN HARBOUR LIMITED")
    party.name_en = "GOLDEN HARBOUR (HOLDINGS) LIMITED"
    party.save()
    assert "GOLDEN HARBOUR (HOLDINGS) LIMITED" in _list(client, MONDAY)


def test_the_list_is_read_once_until_something_changes(client, hw, django_assert_num_queries):
    hw.fix()
    _list(client, MONDAY)
    with django_assert_num_queries(0):  # kept; the courts too (causebook/reference.py)
        assert "DCCJ 1204/2026" in _list(client, MONDAY)
    # Another process's change: it replaced the version in the shared cache.
    cache.set(CAUSE_LIST_VERSION_KEY, "changed-elsewhere", None)
    with django_assert_num_queries(1):
        assert "DCCJ 1204/2026" in _list(client, MONDAY)
    # With no version in the cache (evicted, flushed), nothing kept is trusted.
    cache.delete(CAUSE_LIST_VERSION_KEY)
    with django_assert_num_queries(1):
        _list(client, MONDAY)
