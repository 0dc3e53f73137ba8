"""The kept counts of each pair of words by case type, year and status (migration 0016).

They count a two-word name's matches inside the search's filters (causebook/search.py,
``_inside_the_filters``), so they must follow the register through every change: a party
added, renamed or removed, a case closed, moved to another case type or taken out of the
cause book. After each change is folded in (``term_counts_apply``) the kept counts must
equal a count made afresh from the entries, which is what the migration and
``generate_corpus`` fill them with.
"""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from causebook.terms import term_counts_apply
from filing.models import Case, CaseType, Party
from tests.causebook.conftest import make_case

pytestmark = pytest.mark.django_db

COUNT_PAIRS = importlib.import_module("causebook.migrations.0016_tagged_pair_counts").COUNT_PAIRS


def _kept() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT term, entries FROM causebook_termcount WHERE term LIKE '%%#t%%' AND entries <> 0")
        return dict(cursor.fetchall())


def _afresh() -> dict[str, int]:
    """The same counts made from the entries as they are, as the migration fills them."""
    select = COUNT_PAIRS.split("INSERT INTO causebook_termcount (term, entries)", 1)[1]
    with connection.cursor() as cursor:
        cursor.execute(select.replace("%", "%%").rstrip().rstrip(";"))
        return dict(cursor.fetchall())


def _both() -> dict[str, int]:
    term_counts_apply()
    kept = _kept()
    assert kept == _afresh()
    return kept


def test_each_pair_is_counted_with_its_case_type_year_and_status_together():
    case = make_case("DCCJ", 7, 2021, ("WONG Sze", "黃詩"), ("WONG Sze Wing", "黃詩穎"))
    kept = _both()
    tag = f"#t{case.case_type_id}#2021#active"
    assert kept[f"sze wong{tag}"] == 2
    assert kept[f"sze wing{tag}"] == 1
    assert kept[f"wing wong{tag}"] == 1
    # A company's pairs too; a word repeated in a name makes no pair with itself.
    make_case("DCCJ", 8, 2021, ("CHAN Chan Man", ""), ("HING FAT LIMITED", "興發有限公司"))
    kept = _both()
    assert kept[f"chan man{tag}"] == 1
    assert not [key for key in kept if key.startswith("chan chan")]


def test_the_counts_follow_a_case_closed_moved_and_taken_out_of_the_cause_book():
    case = make_case("DCCJ", 9, 2022, ("LEE Ka", "李嘉"), ("HO Yan", "何欣"))
    before = _both()
    assert before[f"ka lee#t{case.case_type_id}#2022#active"] == 1

    case.status = Case.Status.CLOSED
    case.save()
    kept = _both()
    assert f"ka lee#t{case.case_type_id}#2022#active" not in kept
    assert kept[f"ka lee#t{case.case_type_id}#2022#closed"] == 1

    dcpi = CaseType.objects.get(prefix="DCPI")
    Case.objects.filter(pk=case.pk).update(case_type=dcpi, year=2023)
    kept = _both()
    assert kept == {key.replace(f"#t{case.case_type_id}#2022#", f"#t{dcpi.pk}#2023#"): n for key, n in kept.items()}
    assert kept[f"ka lee#t{dcpi.pk}#2023#closed"] == 1

    Case.objects.filter(pk=case.pk).update(status=Case.Status.DRAFT)
    assert _both() == {}


def test_the_counts_follow_a_party_renamed_and_removed():
    case = make_case("DCPI", 10, 2020, ("CHEUNG Hung", "張雄"), ("LAW Mei", "羅美"))
    tag = f"#t{case.case_type_id}#2020#active"
    party = case.parties.get(name_en="CHEUNG Hung")
    with connection.cursor() as cursor:  # raw SQL, as a data fix would
        cursor.execute("UPDATE filing_party SET name_en = 'CHEUNG Hung Kit' WHERE id = %s", [party.pk])
    kept = _both()
    assert kept[f"cheung hung{tag}"] == 1 and kept[f"hung kit{tag}"] == 1
    Party.objects.filter(pk=party.pk).delete()
    kept = _both()
    assert set(kept) == {f"law mei{tag}"}


def test_changes_folded_in_twice_are_counted_once():
    """The queue is emptied as it is folded in: a second fold adds nothing."""
    make_case("DCCJ", 11, 2024, ("NG Wai", "吳偉"), ("YIP Lok", "葉樂"))
    first = _both()
    assert term_counts_apply() == 0
    assert _kept() == first
