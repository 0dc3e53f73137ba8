"""The registry's list of hearings at the register's size (icms.core.admin_scale).

Its order and its date hierarchy's probes read the hearings by start, and its search
looks inside the courtroom and the judge's names: a btree and three trigram indexes, built
concurrently, so that hearings go on being fixed meanwhile.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

from icms.core.indexes import contains_index


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("causebook", "0017_cases_outside_cause_book")]

    operations = [
        AddIndexConcurrently(
            model_name="hearing", index=models.Index(fields=["starts_at", "courtroom"], name="hearing_listing_order")
        ),
        AddIndexConcurrently(model_name="hearing", index=contains_index("courtroom", name="hearing_courtroom_contains")),
        AddIndexConcurrently(model_name="hearing", index=contains_index("judge_en", name="hearing_judge_en_contains")),
        AddIndexConcurrently(model_name="hearing", index=contains_index("judge_zh", name="hearing_judge_zh_contains")),
    ]
