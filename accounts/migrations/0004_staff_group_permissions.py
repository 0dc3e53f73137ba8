"""Exact permissions for the staff roles (issue 4). The groups come from 0002.

The matrix, by group (app_label.codename):

* Registry clerk: see users, organisations, memberships and invitations; approve or
  reject organisation applications; see courts, case types, cases, parties and case
  assignments.
* Registry supervisor: everything a clerk has, plus browse the audit log, correct an
  organisation's details, and maintain cases, parties, courts and case types.
* Accounts officer: see users, organisations and memberships (the payments issue adds
  its own permissions).
* System administrator: manage user accounts, their email addresses and MFA devices
  (remove a lost authenticator), see organisations, memberships and the audit log,
  and see the groups.

Nobody may change or delete an audit event; the admin refuses it for everyone.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CLERK = [
    ("accounts", "view_user"),
    ("accounts", "view_organisation"),
    ("accounts", "decide_organisation"),
    ("accounts", "view_membership"),
    ("accounts", "view_invitation"),
    ("filing", "view_court"),
    ("filing", "view_casetype"),
    ("filing", "view_case"),
    ("filing", "view_party"),
    ("filing", "view_caseassignment"),
]
SUPERVISOR = [
    *CLERK,
    ("accounts", "view_auditevent"),
    ("accounts", "change_organisation"),
    ("filing", "change_court"),
    ("filing", "change_casetype"),
    ("filing", "change_case"),
    ("filing", "change_party"),
]
ACCOUNTS_OFFICER = [
    ("accounts", "view_user"),
    ("accounts", "view_organisation"),
    ("accounts", "view_membership"),
]
SYSTEM_ADMINISTRATOR = [
    ("accounts", "add_user"),
    ("accounts", "change_user"),
    ("accounts", "view_user"),
    ("accounts", "view_organisation"),
    ("accounts", "view_membership"),
    ("accounts", "view_invitation"),
    ("accounts", "view_auditevent"),
    ("account", "view_emailaddress"),
    ("account", "change_emailaddress"),
    ("mfa", "view_authenticator"),
    ("mfa", "delete_authenticator"),
    ("auth", "view_group"),
]
MATRIX = {
    "Registry clerk": CLERK,
    "Registry supervisor": SUPERVISOR,
    "Accounts officer": ACCOUNTS_OFFICER,
    "System administrator": SYSTEM_ADMINISTRATOR,
}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so they can be granted.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in MATRIX.items():
        group = Group.objects.get(name=name)
        wanted = []
        for app_label, codename in perms:
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in MATRIX:
        Group.objects.filter(name=name).first().permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_invitation_hkid_org_details"),
        ("filing", "0003_caseassignment"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
