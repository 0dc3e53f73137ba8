"""A small register of cases with look-alike names, for relevance, filters and access."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from filing.models import Case, CaseType, Party
from tests.factories import CaseFactory, PartyFactory

HKT = ZoneInfo("Asia/Hong_Kong")


def make_case(prefix: str, number: int, year: int, applicant: tuple[str, str], respondent: tuple[str, str], **extra):
    case = CaseFactory(
        case_type=CaseType.objects.get(prefix=prefix),
        number=number,
        year=year,
        issued_at=datetime(year, 3, 1, 10, 0, tzinfo=HKT),
        **extra,
    )
    PartyFactory(case=case, side=Party.Side.APPLICANT, name_en=applicant[0], name_zh=applicant[1])
    PartyFactory(
        case=case, side=Party.Side.RESPONDENT, kind=Party.Kind.COMPANY, name_en=respondent[0], name_zh=respondent[1]
    )
    return case


@pytest.fixture
def register(db):
    """The target case (CHAN Tai Man v Golden Harbour) among distractors that share words with it."""
    golden = ("GOLDEN HARBOUR DECORATION ENGINEERING LIMITED", "金港裝飾工程有限公司")
    cases = {
        "target": make_case("DCCJ", 1204, 2026, ("CHAN Tai Man", "陳大文"), golden),
        "wong_tai_man": make_case("DCCJ", 77, 2025, ("WONG Tai Man", "黃大文"), ("HING FAT LIMITED", "興發有限公司")),
        "chan_siu_man": make_case(
            "DCPI", 12, 2024, ("CHAN Siu Man", "陳小文"), ("ASIA INSURANCE LIMITED", "亞洲保險有限公司")
        ),
        "chan_tai_ming": make_case("DCPI", 13, 2024, ("CHAN Tai Ming", "陳大明"), ("KAM WAH LIMITED", "金華有限公司")),
        "lee_ka_ho": make_case(
            "DCEC", 5, 2021, ("LEE Ka Ho", "李家豪"), ("PACIFIC TRADING LIMITED", "太平洋貿易有限公司")
        ),
        "closed": make_case(
            "DCTC",
            9,
            2019,
            ("COMMISSIONER OF INLAND REVENUE", "稅務局局長"),
            ("CHEUNG Wai Kit", "張偉傑"),
            status=Case.Status.CLOSED,
        ),
    }
    # Never in the cause book: a draft (no number) and a case pending acceptance.
    draft = CaseFactory(number=None, year=None, status=Case.Status.DRAFT)
    PartyFactory(case=draft, name_en="CHAN Tai Man", name_zh="陳大文")
    pending = CaseFactory(number=None, year=None, status=Case.Status.PENDING)
    PartyFactory(case=pending, name_en="CHAN Tai Man", name_zh="陳大文")
    return cases


@pytest.fixture
def staff(db):
    from tests.factories import StaffFactory, totp_for

    user = StaffFactory()
    totp_for(user)  # staff must have an authenticator app before any page opens
    return user


# The hearing tests' case with both sides on record, and their clock (tests/causebook/hearing_world.py).
from tests.causebook.hearing_world import clock, hw  # noqa: E402, F401
