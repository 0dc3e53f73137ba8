"""The review queue's open filings in their review order, from a small partial index.

Open filings are the newest, so walking the deemed-receipt index for them read every
decided one first: 0.45 s at 2,000,000 submissions (bench/admin_lists.py). Built
concurrently, so that filing goes on meanwhile.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("filing", "0027_staff_list_order_indexes")]

    operations = [
        AddIndexConcurrently(
            model_name="submission",
            index=models.Index(
                fields=["deemed_received_at", "received_at", "id"],
                condition=Q(status__in=["received", "under_review"]),
                name="submission_open_queue",
            ),
        ),
    ]
