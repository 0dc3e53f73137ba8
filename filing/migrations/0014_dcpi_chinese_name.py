"""DCPI's Chinese name is the Judiciary's 人身傷亡訴訟 (docs/glossary.md).

0002 seeded the old wording, 人身傷害訴訟; this replaces it, leaving a name the registry has since
changed by hand alone. (tests/core/test_glossary.py skips migrations: they are history.)
"""

from django.db import migrations

JUDICIARY_NAME = "人身傷亡訴訟"


def forwards(apps, schema_editor):
    CaseType = apps.get_model("filing", "CaseType")
    CaseType.objects.filter(prefix="DCPI", name_zh="人身傷害訴訟").update(name_zh=JUDICIARY_NAME)


class Migration(migrations.Migration):
    dependencies = [("filing", "0013_document_views")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
