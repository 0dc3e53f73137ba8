"""Seed the fee schedule and the concession periods (issue 6; icms-reference §3).

Only the search and inspection fee (HK$18; HK$14 through iCMS) is verified, from the
Judiciary's e-inspection FAQ. Every other amount is marked ``verified=False`` with a
source note saying so: accounts staff must confirm them against the Schedules before
they are relied on. The ``effective_from`` date of the seed (1 Jan 2022) is when this
data starts, not a statutory commencement date.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

SEED_FROM = date(2022, 1, 1)
FAQ = (
    "Verified: Judiciary e-Courts FAQ on e-inspection (faq_einspection): the search or inspection fee is HK$18 "
    "per document or file, HK$14 through iCMS (icms-reference §3 [V])."
)
PLACEHOLDER = (
    "NOT VERIFIED: placeholder amount, not taken from any public source. Accounts staff must confirm it "
    "against the Schedule before it is relied on (icms-reference §3 [U])."
)

ITEMS = [
    # court, code, statutory ref, English, Chinese, amount, eligible, nil, verified, source
    ("DC", "DC-SEARCH", "Cap. 336C, Schedule (search fee; item number not verified)",
     "Search of the cause book or a case file (per file)", "查閱訴訟登記冊或案件檔案（每個檔案）",
     "18.00", True, False, True, FAQ),
    ("DC", "DC-INSPECT", "Cap. 336C, Schedule (inspection fee; item number not verified)",
     "Inspection of a document open to public inspection (per document)", "查閱可供公眾查閱的文件（每份文件）",
     "18.00", True, False, True, FAQ),
    ("DC", "DC-WRIT", "Cap. 336C, Schedule, item 1 (not verified)",
     "Sealing a writ of summons or other originating document", "蓋印傳訊令狀或其他原訴文件",
     "630.00", True, False, False,
     "NOT VERIFIED: HK$630 is the example given in icms-reference §3, itself marked [U]; not checked against "
     "Cap. 336C. Accounts staff must confirm it."),
    ("DC", "DC-SUMMONS", "Cap. 336C, Schedule (item not verified)",
     "Sealing a summons or notice of application in existing proceedings", "在現有法律程序中蓋印傳票或申請通知書",
     "200.00", True, False, False, PLACEHOLDER),
    ("DC", "DC-FURTHER-DOC", "Cap. 336C, Schedule (item not verified)",
     "Filing a further document in existing proceedings", "在現有法律程序中存檔其他文件",
     "100.00", True, False, False, PLACEHOLDER),
    ("DC", "DC-EC-APP", "Cap. 282B (fee, if any, not verified)",
     "Employees' compensation application (Forms 1–3)", "僱員補償申請（表格1至3）",
     "100.00", True, False, False, PLACEHOLDER),
    ("MC", "MC-SEARCH", "Cap. 227B, Schedule (search fee; item number not verified)",
     "Search of a case file (per file)", "查閱案件檔案（每個檔案）",
     "18.00", True, False, True, FAQ),
    ("MC", "MC-INSPECT", "Cap. 227B, Schedule (inspection fee; item number not verified)",
     "Inspection of a document open to public inspection (per document)", "查閱可供公眾查閱的文件（每份文件）",
     "18.00", True, False, True, FAQ),
    ("MC", "MC-SUMMONS", "Cap. 227B, Schedule, Part 1 (item not verified)",
     "Issue of a summons", "發出傳票",
     "100.00", True, False, False, PLACEHOLDER),
    ("MC", "MC-P1-3A", "Cap. 227B, Schedule, Part 1, item 3(a); Cap. 638F (no e-fee)",
     "Item 3(a) of Part 1 of the Schedule: no e-fee payable", "附表第1部第3(a)項：無須繳付電子費用",
     "50.00", True, True, False,
     "No e-fee is payable for this item (Cap. 638F, icms-reference §3 [V]). The ordinary amount shown is a "
     "placeholder, NOT VERIFIED."),
]

CONCESSIONS = [
    ("DC", date(2022, 5, 6), date(2027, 5, 5), "Cap. 638E",
     "80% of the ordinary fee for 5 years from 6 May 2022 (Cap. 638E; Judiciary press release 6 May 2022). "
     "The end date 5 May 2027 is inferred from the 5 years."),
    ("MC", date(2022, 12, 30), date(2027, 12, 29), "Cap. 638F",
     "80% of the Cap. 227B fee for 5 years from the first implementation date in the Magistrates' Courts "
     "(summons courts, 30 Dec 2022; press release 9 Dec 2022). The end date is inferred."),
]


def seed(apps, schema_editor):
    FeeItem = apps.get_model("payments", "FeeItem")
    ConcessionPeriod = apps.get_model("payments", "ConcessionPeriod")
    for court, code, ref, en, zh, amount, eligible, nil, verified, source in ITEMS:
        FeeItem.objects.update_or_create(
            court_level=court,
            code=code,
            effective_from=SEED_FROM,
            defaults={
                "statutory_ref": ref,
                "description_en": en,
                "description_zh": zh,
                "standard_amount": Decimal(amount),
                "e_fee_eligible": eligible,
                "nil_e_fee": nil,
                "verified": verified,
                "source_note": source,
                "standalone_purpose": {"SEARCH": "search", "INSPECT": "inspection"}.get(code.split("-", 1)[1], ""),
            },
        )
    for court, starts, ends, ref, note in CONCESSIONS:
        ConcessionPeriod.objects.update_or_create(
            court_level=court,
            starts_on=starts,
            defaults={"ends_on": ends, "rate": Decimal("0.200"), "rounding": "down_dollar", "statutory_ref": ref, "source_note": note},
        )


def unseed(apps, schema_editor):
    apps.get_model("payments", "FeeItem").objects.filter(effective_from=SEED_FROM).delete()
    apps.get_model("payments", "ConcessionPeriod").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
