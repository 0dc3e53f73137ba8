"""Link the document types that carry a filing fee to the fee schedule's items.

The amounts themselves live in payments' fee schedule (most are marked unverified
there). Only originating documents and interlocutory summonses carry a fee here;
staff change the links in the admin.
"""

from django.db import migrations

FEE_ITEMS = {
    ("DCCJ", "writ"): "DC-WRIT",
    ("DCPI", "writ"): "DC-WRIT",
    ("DCTC", "writ"): "DC-WRIT",
    ("DCEC", "application"): "DC-EC-APP",
    ("DCCJ", "summons"): "DC-SUMMONS",
    ("DCPI", "summons"): "DC-SUMMONS",
    ("DCTC", "summons"): "DC-SUMMONS",
    **{(prefix, "information"): "MC-SUMMONS" for prefix in ("ESS", "KCS", "KTS", "WKS", "STS", "FLS", "TMS")},
}


def link(apps, schema_editor):
    DocumentType = apps.get_model("filing", "DocumentType")
    for (prefix, code), item in FEE_ITEMS.items():
        DocumentType.objects.filter(case_type__prefix=prefix, code=code).update(fee_item_code=item)


class Migration(migrations.Migration):
    dependencies = [("filing", "0006_registry_review_permissions")]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
