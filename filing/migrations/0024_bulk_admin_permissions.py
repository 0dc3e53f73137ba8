"""Who sees bulk filing batches and their rows in the admin (read-only; filing/admin/bulk.py).

* Registry clerk and Registry supervisor: see the batches and their rows, with why a row was
  not filed, to answer the department that asks. Nobody adds, changes or deletes them in the
  admin: a batch moves only through the department's own pages.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Registry clerk": ["view_bulkbatch", "view_bulkitem"],
    "Registry supervisor": ["view_bulkbatch", "view_bulkitem"],
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
        group.permissions.add(*Permission.objects.filter(content_type__app_label="filing", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="filing", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("filing", "0023_bulk_item_reason"),
        ("accounts", "0004_staff_group_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
