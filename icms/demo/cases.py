"""Demo cases with parties in English and Chinese. Loading twice changes nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeAlias

from django.db import transaction

from accounts.models import Membership, User
from filing.models import Case, CaseAssignment, CaseType, Party, SummonsDetails
from icms.core.time import HONG_KONG as HKT

# A party is (kind, English name, Chinese name, demo key of the user in person, demo key of the firm on record).
DemoParty: TypeAlias = tuple[str, str, str, str | None, str | None]
# (prefix, number, year, issued (HKT), nature en, nature zh, applicants, respondents)
DemoCase: TypeAlias = tuple[str, int, int, tuple[int, int, int, int, int], str, str, list[DemoParty], list[DemoParty]]

DEMO_CASES: list[DemoCase] = [
    (
        "DCCJ",
        1204,
        2026,
        (2026, 3, 16, 10, 12),
        "Money claim: unpaid renovation works",
        "金錢申索：未付裝修工程款項",
        [("person", "CHAN Tai Man", "陳大文", "individual", None)],
        [
            (
                "company",
                "GOLDEN HARBOUR DECORATION ENGINEERING LIMITED",
                "金港裝飾工程有限公司",
                None,
                "firm",
            )
        ],
    ),
    (
        "DCPI",
        388,
        2026,
        (2026, 5, 4, 15, 40),
        "Personal injuries: road traffic accident",
        "人身傷亡：交通意外",
        [("person", "LEUNG Ka Ho", "梁家豪", None, "firm")],
        [
            ("person", "TSUI Wai Lun", "徐偉倫", None, None),
            ("company", "ASIA PACIFIC INSURANCE COMPANY LIMITED", "亞太保險有限公司", None, None),
        ],
    ),
    (
        "DCEC",
        57,
        2026,
        (2026, 2, 9, 9, 5),
        "Employees' compensation: injury at work",
        "僱員補償：工作期間受傷",
        [("person", "WONG Siu Fong", "黃小芳", None, "firm")],
        [("company", "HING FAT CONSTRUCTION COMPANY LIMITED", "興發建築有限公司", None, None)],
    ),
    (
        "ESS",
        10233,
        2026,
        (2026, 7, 21, 11, 30),
        "Public Health and Municipal Services Ordinance (Cap. 132)",
        "《公眾衞生及市政條例》（第132章）",
        [
            (
                "company",
                "FOOD AND ENVIRONMENTAL HYGIENE DEPARTMENT",
                "食物環境衞生署",
                None,
                "department",
            )
        ],
        [("person", "LAU Chi Wai", "劉志偉", None, None)],
    ),
]


@transaction.atomic
def load(people: dict[str, object]) -> list[Case]:
    cases = []
    for prefix, number, year, issued, nature_en, nature_zh, applicants, respondents in DEMO_CASES:
        case, _ = Case.objects.update_or_create(
            case_type=CaseType.objects.get(prefix=prefix),
            number=number,
            year=year,
            defaults={
                "status": Case.Status.ACTIVE,
                "nature_en": nature_en,
                "nature_zh": nature_zh,
                "issued_at": datetime(*issued, tzinfo=HKT),
            },
        )
        for side, parties in (
            (Party.Side.APPLICANT, applicants),
            (Party.Side.RESPONDENT, respondents),
        ):
            for ordinal, (kind, name_en, name_zh, user_key, firm_key) in enumerate(parties, start=1):
                Party.objects.update_or_create(
                    case=case,
                    side=side,
                    ordinal=ordinal,
                    defaults={
                        "kind": kind,
                        "name_en": name_en,
                        "name_zh": name_zh,
                        "user": people.get(user_key) if user_key else None,
                        "representative": people.get(firm_key) if firm_key else None,
                    },
                )
        cases.append(case)
    _summons_details(people)
    return cases


# The demo summons's defendant, as Enquire Summons finds them: ESS 10233/2026 and "1630" (K402163(0)).
DEMO_DEFENDANT_ID = "K4021630"
DEMO_DEFENDANT_ADDRESS = "Flat 12, 3/F, Block B, Kam Fung Court, 8 Sai Wan Ho Street, Hong Kong"


def _summons_details(people: dict[str, object]) -> None:
    """What the demo summons (ESS) carries; its return day is its hearing's (icms/demo/hearings.py)."""
    case = Case.objects.get(case_type__prefix="ESS", number=10233, year=2026)
    Party.objects.filter(case=case, side=Party.Side.RESPONDENT, ordinal=1).update(
        address_for_service=DEMO_DEFENDANT_ADDRESS
    )
    defendant = Party.objects.get(case=case, side=Party.Side.RESPONDENT, ordinal=1)
    defendant.id_kind, defendant.id_number = Party.IdKind.HKID, DEMO_DEFENDANT_ID  # encrypted on save
    defendant.save(update_fields=["id_kind", "id_number"])
    SummonsDetails.objects.update_or_create(
        case=case,
        defaults={
            "offence_en": "Depositing litter or waste in a public place",
            "offence_zh": "在公眾地方棄置垃圾或廢物",
            "ordinance": "Cap. 570",
            "section": "s. 4(1)",
            "offence_date": date(2026, 6, 30),
            "offence_place": "Outside 180 Shau Kei Wan Road, Sai Wan Ho",
            "prosecutor": people.get("department"),
            "officer_reference": "FEHD/HO/8812",
            "department_reference": "FEHD/ESS/2026/10233",
        },
    )


def link_demo_cases(people: dict[str, object], cases: list[Case]) -> None:
    """Demo data: the firm's Central-branch user is assigned the firm's money claim (DCCJ)."""
    admin, user = people["firm_primary"], people["firm_user_central"]
    assert isinstance(admin, User) and isinstance(user, User)  # noqa: S101  (demo data only)
    membership = Membership.objects.get(user=user, deactivated_at__isnull=True)
    for case in cases:
        if case.case_type.prefix == "DCCJ":
            CaseAssignment.objects.get_or_create(case=case, membership=membership, defaults={"assigned_by": admin})
