"""Demo hearings for this week's daily cause lists, on the demo cases of icms/demo/cases.py. Safe to run twice."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction

from causebook.models import Hearing
from causebook.selectors import hong_kong_today
from filing.models import Case, SummonsDetails
from icms.core.time import HONG_KONG
from icms.demo.cases import DEMO_CASES

# (prefix, weekday (Mon=0), time, courtroom, judge en, judge zh, hearing type, representation en, zh)
DEMO_HEARINGS = [
    (
        "DCCJ",
        0,
        time(9, 30),
        "Court No. 31",
        "His Honour Judge LAM",
        "林法官",
        "check_list_review",
        "In person / Wong & Partners",
        "親自應訊；王律師行",
    ),
    (
        "DCCJ",
        3,
        time(14, 30),
        "Court No. 31",
        "His Honour Judge LAM",
        "林法官",
        "pre_trial_review",
        "In person / Wong & Partners",
        "親自應訊；王律師行",
    ),
    (
        "DCPI",
        1,
        time(9, 30),
        "Court No. 25",
        "Her Honour Judge CHEUNG",
        "張法官",
        "assessment",
        "Wong & Partners / Li & Co.",
        "王律師行；李律師行",
    ),
    ("DCEC", 2, time(10, 0), "Court No. 22", "Master HO", "何聆案官", "mention", "Wong & Partners", "王律師行"),
    ("ESS", 1, time(9, 30), "Court No. 1", "Mr YAU Wai-kwong, Magistrate", "丘偉光裁判官", "plea", "", ""),
]


@transaction.atomic
def load(people: dict[str, object]) -> list[Hearing]:
    """Hearings in this week (Monday to Friday, Hong Kong time) for the demo cases."""
    today = hong_kong_today()
    monday = today - timedelta(days=today.weekday())
    numbers = {prefix: (number, year) for prefix, number, year, *_ in DEMO_CASES}
    hearings = []
    for prefix, weekday, at, room, judge_en, judge_zh, kind, rep_en, rep_zh in DEMO_HEARINGS:
        number, year = numbers[prefix]
        case = Case.objects.select_related("case_type").get(case_type__prefix=prefix, number=number, year=year)
        starts_at = datetime.combine(monday + timedelta(days=weekday), at, tzinfo=HONG_KONG)
        hearing, _ = Hearing.objects.update_or_create(
            case=case,
            starts_at=starts_at,
            defaults={
                "court_id": case.case_type.court_id,
                "courtroom": room,
                "judge_en": judge_en,
                "judge_zh": judge_zh,
                "hearing_type": kind,
                "representation_en": rep_en,
                "representation_zh": rep_zh,
            },
        )
        hearings.append(hearing)
        if kind == "plea":  # the demo summons: its return day is this listing (Enquire Summons shows it)
            SummonsDetails.objects.filter(case=case).update(return_at=starts_at, courtroom=room)
    return hearings
