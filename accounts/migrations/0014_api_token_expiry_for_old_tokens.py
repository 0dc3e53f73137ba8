# Tokens made before expiry existed get one: 90 days from the day this runs.
#
# Not created_at + 90 days: that would switch off at once every token older than three
# months, and break a firm's integration without warning. Ninety days from now gives
# every holder the same notice a new token gets, and the tokens page shows the date.

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def give_old_tokens_an_expiry(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=timezone.now() + timedelta(days=90))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0013_token_scopes_idempotency_webhooks"),
    ]

    operations = [
        migrations.RunPython(give_old_tokens_an_expiry, migrations.RunPython.noop),
    ]
