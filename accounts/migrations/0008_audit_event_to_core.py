"""The audit log now lives in the shared core (core 0003); only Django's state changes here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_audit_append_only"),
        ("core", "0003_audit_event_from_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="AuditEvent")], database_operations=[]),
    ]
