"""Registry staff work the queue of applications for copies and certificates (causebook/copies.py).

Staff issue or refuse an application through the admin's own views, never its change form;
``change_copyapplication`` is the permission those views ask for.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Registry clerk": ["view_copyapplication", "change_copyapplication"],
    "Registry supervisor": ["view_copyapplication", "change_copyapplication"],
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
        ("causebook", "0011_search_at_scale"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
