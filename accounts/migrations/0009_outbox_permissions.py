"""Who sees "Work needing attention" and the outbox, and may try work again (issue 13).

Registry supervisors (acknowledgements, sealing, court documents, re-stamping),
accounts officers (receipts, refunds, payment follow-ups) and system administrators
(email) are alerted when work of their kind fails, and can try it again.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OUTBOX = [
    ("core", "view_workneedingattention"),
    ("core", "view_outboxitem"),
    ("core", "retry_outboxitem"),
]
GROUPS = ["Registry supervisor", "Accounts officer", "System administrator"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = [Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in OUTBOX]
    for name in GROUPS:
        Group.objects.get(name=name).permissions.add(*wanted)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    unwanted = Permission.objects.filter(content_type__app_label="core", codename__in=[c for _, c in OUTBOX])
    for name in GROUPS:
        Group.objects.get(name=name).permissions.remove(*unwanted)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_audit_event_to_core"),
        ("core", "0005_outbox"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
