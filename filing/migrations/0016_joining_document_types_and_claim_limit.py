"""Data for both sides of a case: the first filings a joining party may make, the
notices that change who acts, the District Court's civil limit, and the history of
who is on record for the parties already in the database."""

from datetime import date
from decimal import Decimal

from django.db import migrations
from django.utils import timezone

# The documents a respondent may file first when joining with its access code.
JOINS_CASE = {
    "DCCJ": ("acknowledgement_of_service", "notice_of_acting", "defence"),
    "DCTC": ("acknowledgement_of_service", "notice_of_acting", "defence"),
    "DCPI": ("acknowledgement_of_service", "notice_of_acting", "defence"),
    "DCEC": ("notice_of_acting", "answer"),
    **{prefix: ("plea_in_writing",) for prefix in ("ESS", "KCS", "KTS", "WKS", "STS", "FLS", "TMS")},
}
# "Form 14" of the Rules of the District Court (Cap. 336H): Acknowledgment of Service of Writ of Summons.
ACKNOWLEDGEMENT_OF_SERVICE = ("Acknowledgement of service", "送達認收書")
CIVIL_WITH_WRIT = ("DCCJ", "DCTC", "DCPI")
CIVIL_LIMIT = Decimal("3000000.00")
CIVIL_LIMIT_FROM = date(2018, 12, 3)
CIVIL_LIMIT_SOURCE = (
    "District Court Ordinance (Cap. 336), s. 32(1), as amended by the District Court (Amendment) "
    "Ordinance 2018, in force 3 December 2018: HK$3,000,000. Above it, a claim belongs in the Court of "
    "First Instance of the High Court."
)


def forwards(apps, schema_editor):
    CaseType = apps.get_model("filing", "CaseType")
    DocumentType = apps.get_model("filing", "DocumentType")
    ClaimLimit = apps.get_model("filing", "ClaimLimit")
    Party = apps.get_model("filing", "Party")
    Representation = apps.get_model("filing", "Representation")
    for prefix in CIVIL_WITH_WRIT:
        case_type = CaseType.objects.filter(prefix=prefix).first()
        if case_type is None:
            continue
        DocumentType.objects.get_or_create(
            case_type=case_type,
            code="acknowledgement_of_service",
            defaults={
                "name_en": ACKNOWLEDGEMENT_OF_SERVICE[0],
                "name_zh": ACKNOWLEDGEMENT_OF_SERVICE[1],
                "ordering": 2,
            },
        )
    for prefix, codes in JOINS_CASE.items():
        DocumentType.objects.filter(case_type__prefix=prefix, code__in=codes).update(joins_case=True)
    DocumentType.objects.filter(code="notice_of_acting").update(changes_representation=True)
    dccj = CaseType.objects.filter(prefix="DCCJ").first()
    if dccj is not None:
        ClaimLimit.objects.get_or_create(
            case_type=dccj,
            effective_from=CIVIL_LIMIT_FROM,
            defaults={"amount": CIVIL_LIMIT, "source_note": CIVIL_LIMIT_SOURCE},
        )
    now = timezone.now()
    for party in Party.objects.filter(representative__isnull=False) | Party.objects.filter(user__isnull=False):
        case = party.case
        Representation.objects.get_or_create(
            party=party,
            ended_at=None,
            defaults={
                "organisation_id": party.representative_id,
                "in_person_id": None if party.representative_id else party.user_id,
                "started_at": case.issued_at or case.created_at or now,
                "started_by_id": case.created_by_id or party.user_id,
                "reason": "On record when the case was started.",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("filing", "0015_representation_and_drafts")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
