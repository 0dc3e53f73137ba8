"""The staff roles, as Django groups. Their permissions are granted in later migrations."""

from django.db import migrations

STAFF_GROUPS = ["Registry clerk", "Registry supervisor", "Accounts officer", "System administrator"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in STAFF_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
