"""A case with both sides on record (two firms) and a party in person, for the hearing tests.

The clock stands at Tuesday 1 December 2026, 10:00 HKT (it ticks); hearings are fixed
after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Membership, User
from filing.models import Case, CaseType, Party
from tests.factories import (
    CaseFactory,
    MembershipFactory,
    OrganisationFactory,
    PartyFactory,
    StaffFactory,
    UserFactory,
    assign_case,
    totp_for,
)

HKT = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=HKT)
#: Monday 14 December 2026, 09:30 HKT.
MONDAY_HEARING = datetime(2026, 12, 14, 9, 30, tzinfo=HKT)


@dataclass
class HearingWorld:
    case: Case
    clerk: User
    plaintiff_firm_user: User
    plaintiff_firm_admin: User
    defendant_firm_user: User
    in_person: User
    outsider: User

    @property
    def recipients(self) -> set[User]:
        return {self.plaintiff_firm_user, self.plaintiff_firm_admin, self.defendant_firm_user, self.in_person}

    def fix(self, **overrides):
        from causebook.hearings import hearing_fix

        values = {
            "case": self.case,
            "court": self.case.case_type.court,
            "courtroom": "Court No. 31",
            "starts_at": MONDAY_HEARING,
            "judge_en": "His Honour Judge LAM",
            "judge_zh": "林法官",
            "hearing_type": "mention",
            "nature_en": "Summons for directions",
            "nature_zh": "指示傳票",
            "actor": self.clerk,
        }
        return hearing_fix(**{**values, **overrides})


def make_hearing_world() -> HearingWorld:
    case = CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), number=1204, year=2026, status="active")
    plaintiff_member = MembershipFactory(role=Membership.Role.MEMBER)
    plaintiff_firm = plaintiff_member.organisation
    plaintiff_admin = MembershipFactory(organisation=plaintiff_firm, role=Membership.Role.PRIMARY_ADMIN)
    defendant_member = MembershipFactory(
        organisation=OrganisationFactory(), role=Membership.Role.MEMBER, sees_all_cases=True
    )
    PartyFactory(case=case, side=Party.Side.APPLICANT, representative=plaintiff_firm)
    PartyFactory(
        case=case,
        side=Party.Side.RESPONDENT,
        name_en="GOLDEN HARBOUR LIMITED",
        name_zh="金港有限公司",
        kind=Party.Kind.COMPANY,
        representative=defendant_member.organisation,
    )
    in_person = UserFactory()
    PartyFactory(
        case=case, side=Party.Side.RESPONDENT, ordinal=2, name_en="WONG Siu Ming", name_zh="王小明", user=in_person
    )
    assign_case(case, plaintiff_member)
    clerk = StaffFactory(group="Registry clerk")
    totp_for(clerk)
    return HearingWorld(
        case=case,
        clerk=clerk,
        plaintiff_firm_user=plaintiff_member.user,
        plaintiff_firm_admin=plaintiff_admin.user,
        defendant_firm_user=defendant_member.user,
        in_person=in_person,
        outsider=MembershipFactory(organisation=OrganisationFactory()).user,
    )


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def hw(db, clock, document_storage) -> HearingWorld:
    return make_hearing_world()
