"""Trigram indexes for the staff site's search of gateway events (icms.core.admin_scale).

One or more events arrive for every payment made online, so the table grows with the
payment orders. Built concurrently, so that the gateway's callbacks go on being recorded.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations

from icms.core.indexes import contains_index


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("payments", "0010_staff_search_indexes")]

    operations = [
        AddIndexConcurrently(model_name="gatewayevent", index=contains_index("event_id", name="gateway_event_id_contains")),
        AddIndexConcurrently(
            model_name="gatewayevent", index=contains_index("order_reference", name="gateway_event_order_contains")
        ),
        AddIndexConcurrently(
            model_name="gatewayevent", index=contains_index("gateway_reference", name="gateway_event_gateway_contains")
        ),
    ]
