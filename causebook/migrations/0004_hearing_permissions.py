"""Registry staff enter and maintain hearings (the daily cause list)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Registry clerk": ["view_hearing", "add_hearing", "change_hearing"],
    "Registry supervisor": ["view_hearing", "add_hearing", "change_hearing", "delete_hearing"],
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
        group.permissions.add(*Permission.objects.filter(content_type__app_label="causebook", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("causebook", "0003_inspection_purchase"),
        ("accounts", "0004_staff_group_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
