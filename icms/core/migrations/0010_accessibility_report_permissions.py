"""Who works the queue of accessibility problem reports in the admin.

* Registry clerk: read the reports (they answer people at the counter).
* Registry supervisor and System administrator: read them, and move them along the queue
  (status and staff note). Nobody adds a report in the admin: they come from the public form.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Registry clerk": ["view_accessibilityreport"],
    "Registry supervisor": ["view_accessibilityreport", "change_accessibilityreport"],
    "System administrator": ["view_accessibilityreport", "change_accessibilityreport"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="core", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_accessibility_report"),
        ("accounts", "0004_staff_group_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
