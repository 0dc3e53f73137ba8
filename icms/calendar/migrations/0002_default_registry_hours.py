from datetime import time

from django.db import migrations


def create(apps, schema_editor):
    RegistryHours = apps.get_model("registry_calendar", "RegistryHours")
    RegistryHours.objects.get_or_create(
        pk=1,
        defaults={"opens": time(8, 45), "lunch_starts": time(13), "lunch_ends": time(14), "closes": time(17, 30)},
    )


class Migration(migrations.Migration):
    """Monday to Friday, 08:45-13:00 and 14:00-17:30 (icms-reference §2), lunch-hour rule off."""

    dependencies = [("registry_calendar", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
