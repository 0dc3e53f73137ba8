"""Trigram indexes for the staff site's search of payment orders (icms.core.admin_scale).

Django's admin matches ``UPPER(field::text) LIKE``, which no plain btree answers: each of these
tables grows with the register. Built concurrently, so that filing and paying go on meanwhile.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations

from icms.core.indexes import contains_index


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("payments", "0009_refund_rejection_reason")]

    operations = [
        AddIndexConcurrently(model_name="paymentorder", index=contains_index("reference", name="payment_order_ref_contains")),
        AddIndexConcurrently(model_name="paymentorder", index=contains_index("purpose_ref", name="payment_order_purpose_contains")),
        AddIndexConcurrently(model_name="paymentorder", index=contains_index("gateway_reference", name="payment_order_gateway_contains")),
    ]
