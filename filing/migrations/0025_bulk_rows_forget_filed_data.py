"""Rows already filed, or refused at filing as duplicates, no longer keep the defendant's details.

A row's ``data`` (the defendant's name, address and encrypted identity document number, and the
summons's particulars) waits in the batch only until the summons is filed; a filed case holds
them where its access rules apply. Rows cancelled, dropped or released already lost them; from
now on a row filed or refused as a duplicate loses them in the same update
(filing/bulk/record.py, filing/bulk/running.py). This clears the rows from before. Not reversible:
nothing is put back (the case keeps its own copy).
"""

from django.db import migrations


def forget(apps, schema_editor):
    BulkItem = apps.get_model("filing", "BulkItem")
    BulkItem.objects.filter(status__in=["filed", "duplicate"]).exclude(data={}).update(data={})


class Migration(migrations.Migration):
    dependencies = [("filing", "0024_bulk_admin_permissions")]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
