"""A department that files summonses, and a summons filed and accepted: shared by the summons tests
(tests/filing/test_summons_details.py, tests/causebook/test_summons_enquiry.py and the e2e journey)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from accounts.models import Membership, Organisation
from filing.models import Submission
from filing.services import DocumentUpload, NewCase, NewParty, filing_accept, submission_create
from filing.services.filing_input import SummonsInput
from filing.services.summonses import SummonsListing
from icms.calendar.data import current_calendar
from tests.clock import once_received_in_law
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory
from tests.filing.conftest import document_type, pdf_file

HKT = ZoneInfo("Asia/Hong_Kong")
FEHD = ("FOOD AND ENVIRONMENTAL HYGIENE DEPARTMENT", "食物環境衞生署")
DEFENDANT_ID = "A123456(3)"  # a valid HKID: the last four characters are 4563
DEFENDANT_ADDRESS = "Flat B, 8/F, Wing On House, 71 Des Voeux Road Central, Hong Kong"
OFFENCE_EN = "Depositing litter in a public place"
OFFENCE_ZH = "在公眾地方棄置垃圾"


def return_day(*, days: int = 14, at: time = time(9, 30)) -> datetime:
    """The first working day at least ``days`` after today, at ``at`` Hong Kong time: a return day the
    registry may allot whenever the test runs, whichever of the process's and the database's clocks is later."""
    calendar = current_calendar()
    with connection.cursor() as cursor:  # filings are received by the database's clock, which faketime leaves alone
        cursor.execute("SELECT clock_timestamp()")
        (database_now,) = cursor.fetchone()
    day = max(timezone.now(), database_now).astimezone(HKT).date() + timedelta(days=days)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, at, tzinfo=HKT)


def department_user():
    """An Organisation User of the Food and Environmental Hygiene Department, a government department."""
    organisation = OrganisationFactory(type=Organisation.Type.GOVERNMENT, name_en=FEHD[0], name_zh=FEHD[1])
    return MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user


def summons_input(reference: str = "FEHD/KC/2026/0001") -> SummonsInput:
    return SummonsInput(
        offence_en=OFFENCE_EN,
        offence_zh=OFFENCE_ZH,
        ordinance="Cap. 570",
        section="s. 4(1)",
        offence_date=date(2026, 11, 20),
        offence_place="Outside 1 Nathan Road, Tsim Sha Tsui",
        department_reference=reference,
        officer_reference="PC 12345",
    )


def file_summons(
    user,
    *,
    prefix: str = "KCS",
    reference: str = "FEHD/KC/2026/0001",
    id_kind: str = "hkid",
    id_number: str = DEFENDANT_ID,
) -> Submission:
    information = document_type(prefix, "information")
    return submission_create(
        user=user,
        new_case=NewCase(
            case_type=information.case_type,
            applicants=[NewParty(name_en=FEHD[0], name_zh=FEHD[1], kind="company")],
            respondents=[
                NewParty(
                    name_en="LAU Chi Wai",
                    name_zh="劉志偉",
                    address_for_service=DEFENDANT_ADDRESS,
                    id_kind=id_kind,
                    id_number=id_number,
                )
            ],
            nature_en=OFFENCE_EN,
            nature_zh=OFFENCE_ZH,
            summons=summons_input(reference),
        ),
        uploads=[DocumentUpload(information, "Information and summons", pdf_file(1))],
    )


def accept_summons(
    submission: Submission,
    *,
    return_at: datetime | None = None,
    courtroom: str = "Court No. 3",
    magistrate_en: str = "Mr WONG Ka Ming",
    magistrate_zh: str = "黃家明先生",
    clerk=None,
) -> Submission:
    with once_received_in_law(submission):
        return filing_accept(
            submission=submission,
            clerk=clerk or StaffFactory(group="Registry clerk"),
            accepted_without_opening=True,
            summons_listing=SummonsListing(
                return_at=return_at or return_day(),
                courtroom=courtroom,
                magistrate_en=magistrate_en,
                magistrate_zh=magistrate_zh,
            ),
        )
