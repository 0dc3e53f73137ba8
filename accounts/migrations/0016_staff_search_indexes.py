"""A trigram index on users' email addresses, for the staff site's searches by email (icms.core.admin_scale).

Django's admin matches ``UPPER(field::text) LIKE``, which no plain btree answers: each of these
tables grows with the register. Built concurrently, so that filing and paying go on meanwhile.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations

from icms.core.indexes import contains_index


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("accounts", "0015_webhook_secret_overlap"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        AddIndexConcurrently(model_name="user", index=contains_index("email", name="user_email_contains")),
    ]
