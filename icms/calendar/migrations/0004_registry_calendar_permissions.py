"""Registry staff run the registry calendar (issue 11), through the staff groups of accounts 0002.

* Registry clerk: record closures and reopenings (add and change a closure), see the
  hours, holidays and maintenance windows, and see the decided filings a closure would
  have moved.
* Registry supervisor: everything a clerk has, plus delete a closure recorded in error,
  change the registry hours, maintain the additional general holidays, and resolve the
  decided filings a closure would have moved (correct or dismiss, with a reason).
* System administrator: schedule maintenance windows.

Added to what the groups already have.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APP = "registry_calendar"
CLERK = [
    (APP, "view_closure"),
    (APP, "add_closure"),
    (APP, "change_closure"),
    (APP, "view_registryhours"),
    (APP, "view_extraholiday"),
    (APP, "view_maintenancewindow"),
    (APP, "view_deemedreceiptconflict"),
]
SUPERVISOR = [
    *CLERK,
    (APP, "delete_closure"),
    (APP, "change_registryhours"),
    (APP, "add_extraholiday"),
    (APP, "change_extraholiday"),
    (APP, "delete_extraholiday"),
    (APP, "change_deemedreceiptconflict"),
]
SYSTEM_ADMINISTRATOR = [
    (APP, "view_maintenancewindow"),
    (APP, "add_maintenancewindow"),
    (APP, "change_maintenancewindow"),
    (APP, "delete_maintenancewindow"),
    (APP, "view_closure"),
    (APP, "view_registryhours"),
    (APP, "view_extraholiday"),
]
MATRIX = {"Registry clerk": CLERK, "Registry supervisor": SUPERVISOR, "System administrator": SYSTEM_ADMINISTRATOR}


def _permissions(apps, perms):
    Permission = apps.get_model("auth", "Permission")
    return [Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in perms]


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so they can be granted.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, perms in MATRIX.items():
        Group.objects.get(name=name).permissions.add(*_permissions(apps, perms))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, perms in MATRIX.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, perms))


class Migration(migrations.Migration):
    dependencies = [
        ("registry_calendar", "0003_deemed_receipt_conflicts"),
        ("accounts", "0004_staff_group_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
