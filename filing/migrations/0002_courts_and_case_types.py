"""The courts iCMS covers and their case types (icms-reference §4).

Data, editable by registry staff afterwards. The summons prefixes are marked
unverified in the domain reference; staff correct them in the admin if needed.
"""

from django.db import migrations

COURTS = [
    ("DC", "District Court", "區域法院", "DC"),
    ("ETNMAG", "Eastern Magistrates' Courts", "東區裁判法院", "MC"),
    ("KCMAG", "Kowloon City Magistrates' Courts", "九龍城裁判法院", "MC"),
    ("KTMAG", "Kwun Tong Magistrates' Courts", "觀塘裁判法院", "MC"),
    ("WKMAG", "West Kowloon Magistrates' Courts", "西九龍裁判法院", "MC"),
    ("STMAG", "Sha Tin Magistrates' Courts", "沙田裁判法院", "MC"),
    ("FLMAG", "Fanling Magistrates' Courts", "粉嶺裁判法院", "MC"),
    ("TMMAG", "Tuen Mun Magistrates' Courts", "屯門裁判法院", "MC"),
]

PLAINTIFF = ("Plaintiff", "原告人", "Defendant", "被告人")
APPLICANT = ("Applicant", "申請人", "Respondent", "答辯人")
INFORMANT = ("Informant", "告發人", "Defendant", "被告人")

# (court, prefix, English, Chinese, roles, individuals may start, organisations may start)
CASE_TYPES = [
    ("DC", "DCCJ", "Civil Action", "民事訴訟", PLAINTIFF, True, True),
    ("DC", "DCPI", "Personal Injuries Action", "人身傷害訴訟", PLAINTIFF, True, True),
    ("DC", "DCTC", "Tax Claim", "稅款申索", PLAINTIFF, False, True),
    ("DC", "DCEC", "Employees' Compensation Case", "僱員補償案件", APPLICANT, True, True),
    ("ETNMAG", "ESS", "Summons (Eastern)", "傳票（東區）", INFORMANT, True, True),
    ("KCMAG", "KCS", "Summons (Kowloon City)", "傳票（九龍城）", INFORMANT, True, True),
    ("KTMAG", "KTS", "Summons (Kwun Tong)", "傳票（觀塘）", INFORMANT, True, True),
    ("WKMAG", "WKS", "Summons (West Kowloon)", "傳票（西九龍）", INFORMANT, True, True),
    ("STMAG", "STS", "Summons (Sha Tin)", "傳票（沙田）", INFORMANT, True, True),
    ("FLMAG", "FLS", "Summons (Fanling)", "傳票（粉嶺）", INFORMANT, True, True),
    ("TMMAG", "TMS", "Summons (Tuen Mun)", "傳票（屯門）", INFORMANT, True, True),
]


def load(apps, schema_editor):
    Court = apps.get_model("filing", "Court")
    CaseType = apps.get_model("filing", "CaseType")
    courts = {}
    for code, name_en, name_zh, level in COURTS:
        courts[code], _ = Court.objects.update_or_create(
            code=code, defaults={"name_en": name_en, "name_zh": name_zh, "level": level}
        )
    for court, prefix, name_en, name_zh, roles, individuals, organisations in CASE_TYPES:
        CaseType.objects.update_or_create(
            prefix=prefix,
            defaults={
                "court": courts[court],
                "name_en": name_en,
                "name_zh": name_zh,
                "applicant_role_en": roles[0],
                "applicant_role_zh": roles[1],
                "respondent_role_en": roles[2],
                "respondent_role_zh": roles[3],
                "individuals_may_start": individuals,
                "organisations_may_start": organisations,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("filing", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
