"""Permissions for registry review and court documents (issue 5), added to the staff groups of accounts 0002.

* Registry clerk: work the review queue (see submissions and their documents, and
  accept or return them: ``change_submission``), issue court documents, and see the
  message boxes (first openings), document types and return reasons.
* Registry supervisor: everything a clerk has, plus maintain the document types and
  the return reasons.

Added to what the groups have (accounts 0004 set their first permissions).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CLERK = [
    ("filing", "view_submission"),
    ("filing", "change_submission"),
    ("filing", "view_document"),
    ("filing", "view_courtdocument"),
    ("filing", "add_courtdocument"),
    ("filing", "view_messageitem"),
    ("filing", "view_documenttype"),
    ("filing", "view_returnreason"),
]
SUPERVISOR = [
    *CLERK,
    ("filing", "add_documenttype"),
    ("filing", "change_documenttype"),
    ("filing", "add_returnreason"),
    ("filing", "change_returnreason"),
]
MATRIX = {"Registry clerk": CLERK, "Registry supervisor": SUPERVISOR}


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
        ("filing", "0005_document_types_and_return_reasons"),
        ("accounts", "0004_staff_group_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
