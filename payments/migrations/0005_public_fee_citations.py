"""The statutory references are citations the public sees: move the "not verified" notes out.

The seed (0002) wrote notes such as "(item number not verified)" into the citation shown on
the fee calculator, the pay pages and the receipts. The note belongs to the source, which
only staff see; whether an amount is verified stays in ``FeeItem.verified`` and
``check --deploy`` refuses unverified items in force (icms.E040). Only citations still as
seeded are changed: one that staff have edited is left alone.
"""

from django.db import migrations

NOTE = "Statutory item number not verified (the citation was seeded as {old!r})."

CITATIONS = {
    "Cap. 336C, Schedule (search fee; item number not verified)": "Cap. 336C, Schedule (search fee)",
    "Cap. 336C, Schedule (inspection fee; item number not verified)": "Cap. 336C, Schedule (inspection fee)",
    "Cap. 336C, Schedule, item 1 (not verified)": "Cap. 336C, Schedule, item 1",
    "Cap. 336C, Schedule (item not verified)": "Cap. 336C, Schedule",
    "Cap. 282B (fee, if any, not verified)": "Cap. 282B",
    "Cap. 227B, Schedule (search fee; item number not verified)": "Cap. 227B, Schedule (search fee)",
    "Cap. 227B, Schedule (inspection fee; item number not verified)": "Cap. 227B, Schedule (inspection fee)",
    "Cap. 227B, Schedule, Part 1 (item not verified)": "Cap. 227B, Schedule, Part 1",
}


def forwards(apps, schema_editor):
    FeeItem = apps.get_model("payments", "FeeItem")
    for item in FeeItem.objects.filter(statutory_ref__in=list(CITATIONS)):
        old = item.statutory_ref
        item.statutory_ref = CITATIONS[old]
        note = NOTE.format(old=old)
        item.source_note = f"{item.source_note}\n{note}".strip()
        item.save(update_fields=["statutory_ref", "source_note"])


def backwards(apps, schema_editor):
    FeeItem = apps.get_model("payments", "FeeItem")
    for old, new in CITATIONS.items():
        note = NOTE.format(old=old)
        for item in FeeItem.objects.filter(statutory_ref=new, source_note__contains=note):
            item.statutory_ref = old
            item.source_note = item.source_note.replace(note, "").strip()
            item.save(update_fields=["statutory_ref", "source_note"])


class Migration(migrations.Migration):
    dependencies = [("payments", "0004_second_charge_refunds")]
    operations = [migrations.RunPython(forwards, backwards)]
