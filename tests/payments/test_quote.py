"""The quote function against cases worked out by hand (icms-reference §3).

Each expected e-fee below is computed in the comment beside it: 80% of the ordinary fee
during the concessionary period (Cap. 638E for the District Court from 6 May 2022;
Cap. 638F for the Magistrates' Courts from 30 Dec 2022), rounded down to the whole dollar.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from payments.fees import UnknownFeeItem, quote
from payments.models import ConcessionPeriod, FeeItem

pytestmark = pytest.mark.django_db
HKT = ZoneInfo("Asia/Hong_Kong")
UTC = ZoneInfo("UTC")
D = Decimal


def hkt(*args):
    return datetime(*args, tzinfo=HKT)


@pytest.fixture
def odd_items(db):
    """Items with amounts that exercise the rounding (the seeded ones are round numbers)."""
    FeeItem.objects.create(
        court_level="DC",
        code="T-ODD",
        statutory_ref="test",
        description_en="Odd",
        description_zh="單數",
        standard_amount=D("1045.00"),
        effective_from=date(2022, 1, 1),
    )
    FeeItem.objects.create(
        court_level="DC",
        code="T-CENTS",
        statutory_ref="test",
        description_en="Cents",
        description_zh="仙",
        standard_amount=D("9.99"),
        effective_from=date(2022, 1, 1),
    )
    FeeItem.objects.create(
        court_level="DC",
        code="T-NOTELEC",
        statutory_ref="test",
        description_en="Not electronic",
        description_zh="非電子",
        standard_amount=D("45.00"),
        e_fee_eligible=False,
        effective_from=date(2022, 1, 1),
    )
    FeeItem.objects.create(
        court_level="MC",
        code="T-OLD",
        statutory_ref="test",
        description_en="Old",
        description_zh="舊",
        standard_amount=D("30.00"),
        effective_from=date(2022, 1, 1),
        effective_to=date(2023, 12, 31),
    )


CASES = [
    # (court, items, at, standard total, e-fee total, concession in force)
    # District Court, inside the period: 80% x 18 = 14.40 -> 14.
    ("DC", ["DC-SEARCH"], hkt(2026, 3, 2, 10, 0), D("18.00"), D("14.00"), True),
    # Two documents: 14 + 14 = 28 (each line rounded, 18 + 18 = 36 standard).
    ("DC", ["DC-SEARCH", "DC-INSPECT"], hkt(2026, 3, 2, 10, 0), D("36.00"), D("28.00"), True),
    # Writ: 80% x 630 = 504 exactly.
    ("DC", ["DC-WRIT"], hkt(2026, 3, 2, 10, 0), D("630.00"), D("504.00"), True),
    # Rounding: 80% x 1045 = 836.00; 80% x 9.99 = 7.992 -> 7.
    ("DC", ["T-ODD"], hkt(2024, 1, 1, 9, 0), D("1045.00"), D("836.00"), True),
    ("DC", ["T-CENTS"], hkt(2024, 1, 1, 9, 0), D("9.99"), D("7.00"), True),
    # An item not related to electronic handling: no concession, 45 stays 45.
    ("DC", ["T-NOTELEC"], hkt(2024, 1, 1, 9, 0), D("45.00"), D("45.00"), True),
    # Before the District Court period (5 May 2022, 23:59 HKT): the ordinary fee.
    ("DC", ["DC-SEARCH"], hkt(2022, 5, 5, 23, 59, 59), D("18.00"), D("18.00"), False),
    # First day (6 May 2022, 00:00 HKT, which is 5 May 16:00 UTC): concession applies.
    ("DC", ["DC-SEARCH"], datetime(2022, 5, 5, 16, 0, tzinfo=UTC), D("18.00"), D("14.00"), True),
    # Last day (5 May 2027) inside; the next day outside.
    ("DC", ["DC-SEARCH"], hkt(2027, 5, 5, 23, 59, 59), D("18.00"), D("14.00"), True),
    ("DC", ["DC-SEARCH"], hkt(2027, 5, 6, 0, 0), D("18.00"), D("18.00"), False),
    # Magistrates' Courts: before 30 Dec 2022 the ordinary fee, from then 80%.
    ("MC", ["MC-SEARCH"], hkt(2022, 12, 29, 17, 0), D("18.00"), D("18.00"), False),
    ("MC", ["MC-SEARCH"], hkt(2022, 12, 30, 8, 45), D("18.00"), D("14.00"), True),
    ("MC", ["MC-SUMMONS"], hkt(2025, 6, 2, 12, 0), D("100.00"), D("80.00"), True),
    # After the Magistrates' period (29 Dec 2027 is the last day).
    ("MC", ["MC-SEARCH"], hkt(2027, 12, 30, 9, 0), D("18.00"), D("18.00"), False),
    # Item 3(a) of Part 1: no e-fee (Cap. 638F), inside and after the period.
    ("MC", ["MC-P1-3A"], hkt(2025, 6, 2, 12, 0), D("50.00"), D("0.00"), True),
    ("MC", ["MC-P1-3A", "MC-SEARCH"], hkt(2025, 6, 2, 12, 0), D("68.00"), D("14.00"), True),
    ("MC", ["MC-P1-3A"], hkt(2028, 1, 3, 12, 0), D("50.00"), D("0.00"), False),
    # An item in force until 31 Dec 2023 is quoted on that day.
    ("MC", ["T-OLD"], hkt(2023, 12, 31, 12, 0), D("30.00"), D("24.00"), True),
]


@pytest.mark.parametrize(("court", "items", "at", "standard", "e_fee", "concession"), CASES)
def test_the_quote_matches_the_hand_worked_amounts(odd_items, court, items, at, standard, e_fee, concession):
    result = quote(items, court, at)
    assert result.standard_total == standard
    assert result.e_fee_total == e_fee
    assert result.saving_total == standard - e_fee
    assert (result.concession is not None) is concession
    assert [line.code for line in result.lines] == items
    for line in result.lines:
        assert line.saving == line.standard - line.e_fee
        assert line.e_fee == line.e_fee.quantize(D("1")) or line.e_fee == line.standard


def test_an_item_out_of_force_or_unknown_is_refused(odd_items):
    with pytest.raises(UnknownFeeItem) as error:
        quote(["T-OLD", "NOPE"], "MC", hkt(2024, 1, 1, 12, 0))
    assert error.value.codes == ("T-OLD", "NOPE")
    with pytest.raises(UnknownFeeItem):
        quote(["DC-SEARCH"], "MC", hkt(2024, 1, 1, 12, 0))  # a District Court item at the Magistrates' Courts


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        quote(["DC-SEARCH"], "DC", datetime(2026, 1, 5, 10, 0))  # noqa: DTZ001


def test_a_court_object_or_an_unknown_level(db):
    from filing.models import Court

    court = Court.objects.filter(level="MC").first()
    assert quote(["MC-SEARCH"], court, hkt(2026, 1, 5, 10, 0)).e_fee_total == D("14.00")
    with pytest.raises(ValueError):
        quote(["DC-SEARCH"], "HC", hkt(2026, 1, 5, 10, 0))


def test_a_rounding_to_the_cent_set_by_staff_is_honoured(odd_items):
    ConcessionPeriod.objects.filter(court_level="DC").update(rounding=ConcessionPeriod.Rounding.HALF_UP_TO_CENT)
    # 80% x 9.99 = 7.992 -> 7.99 to the cent; 80% x 18 = 14.40.
    assert quote(["T-CENTS", "DC-SEARCH"], "DC", hkt(2024, 1, 1, 9, 0)).e_fee_total == D("22.39")


def test_the_seeded_schedule_marks_what_is_verified(db):
    verified = set(FeeItem.objects.filter(verified=True).values_list("code", flat=True))
    assert verified == {"DC-SEARCH", "DC-INSPECT", "MC-SEARCH", "MC-INSPECT"}
    for item in FeeItem.objects.filter(verified=False):
        assert "NOT VERIFIED" in item.source_note
