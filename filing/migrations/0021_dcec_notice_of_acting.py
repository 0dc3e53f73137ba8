"""A notice of change of solicitors or of acting in person for employees' compensation cases.

0016 meant a DCEC respondent's firm to join with a notice of acting (``JOINS_CASE["DCEC"]``),
but DCEC had no such document type, so a firm could join only by filing the answer, and
no change of solicitors could be filed in an employees' compensation case at all. The
document type has the name and the rules it has in DCCJ, DCPI and DCTC.
"""

from django.db import migrations

NAME = ("Notice of change of solicitors or of acting in person", "更換律師通知書或親自行事通知書")


def forwards(apps, schema_editor):
    CaseType = apps.get_model("filing", "CaseType")
    DocumentType = apps.get_model("filing", "DocumentType")
    dcec = CaseType.objects.filter(prefix="DCEC").first()
    if dcec is None:
        return
    DocumentType.objects.update_or_create(
        case_type=dcec,
        code="notice_of_acting",
        defaults={
            "name_en": NAME[0],
            "name_zh": NAME[1],
            "joins_case": True,
            "changes_representation": True,
            "ordering": 45,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("filing", "0020_draft_one_per_key")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
