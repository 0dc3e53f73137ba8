"""Give the "Accounts officer" group (accounts/migrations/0002) its payments permissions.

* maintain the fee schedule and the concession periods;
* see payment orders, gateway events, receipts, deposit accounts and their ledgers;
* open deposit accounts and record top-ups;
* approve or reject refunds;
* see the daily collections and reconciliation reports.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACCOUNTS_OFFICER = [
    "view_feeitem",
    "add_feeitem",
    "change_feeitem",
    "view_concessionperiod",
    "add_concessionperiod",
    "change_concessionperiod",
    "view_paymentorder",
    "view_collections_report",
    "view_gatewayevent",
    "view_receipt",
    "view_depositaccount",
    "add_depositaccount",
    "record_top_up",
    "view_ledgerentry",
    "view_refund",
    "change_refund",
    "approve_refund",
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Accounts officer")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="payments", codename__in=ACCOUNTS_OFFICER)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Accounts officer").first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="payments", codename__in=ACCOUNTS_OFFICER)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_seed_fee_schedule"),
        ("accounts", "0004_staff_group_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
