"""The audit log's staff search answered by indexes (icms.core.admin_scale).

At 5,000,000 events a search matched every row with ``icontains`` across a join: 18-24 s.
The label gets a trigram index for ``UPPER(target_label::text) LIKE``, and the target's id
a btree for an exact match. Built concurrently: the log is written by every filing, and a
plain ``CREATE INDEX`` would hold its writes for as long as the build takes.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

from icms.core.indexes import contains_index


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("core", "0018_audit_calendar_addresses_renewed")]

    operations = [
        AddIndexConcurrently(model_name="auditevent", index=contains_index("target_label", name="audit_label_contains")),
        AddIndexConcurrently(
            model_name="auditevent",
            index=models.Index(fields=["target_id"], name="audit_target_id"),
        ),
    ]
