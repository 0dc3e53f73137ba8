"""The audit log moves from accounts to the shared core (issue 12), without touching its table.

Only Django's state moves: the table keeps its name (``accounts_auditevent``) and with it
the append-only trigger of accounts 0007. The content type is renamed rather than
re-created, so the permissions the staff groups hold (``view_auditevent``) follow the
model, and audit rows that name a target type keep pointing at the same rows.
"""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="core", model="auditevent").exists():
        ContentType.objects.filter(app_label="accounts", model="auditevent").update(app_label="core")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="accounts", model="auditevent").exists():
        ContentType.objects.filter(app_label="core", model="auditevent").update(app_label="accounts")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_postgres_extensions"),
        ("accounts", "0007_audit_append_only"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("event_type", models.CharField(db_index=True, max_length=64, verbose_name="event type")),
                        ("target_id", models.CharField(blank=True, max_length=64, verbose_name="target id")),
                        ("target_label", models.CharField(blank=True, max_length=255, verbose_name="target")),
                        ("before", models.JSONField(blank=True, encoder=django.core.serializers.json.DjangoJSONEncoder, null=True, verbose_name="before")),
                        ("after", models.JSONField(blank=True, encoder=django.core.serializers.json.DjangoJSONEncoder, null=True, verbose_name="after")),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address")),
                        ("occurred_at", models.DateTimeField(db_index=True, verbose_name="occurred at")),
                        ("actor", models.ForeignKey(blank=True, help_text="Empty when the system acted.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="actor")),
                        ("target_type", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to="contenttypes.contenttype", verbose_name="target type")),
                    ],
                    options={
                        "verbose_name": "audit event",
                        "verbose_name_plural": "audit events",
                        "db_table": "accounts_auditevent",
                        "ordering": ["-occurred_at", "-id"],
                        "indexes": [
                            models.Index(fields=["target_type", "target_id", "occurred_at"], name="audit_target_time"),
                            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
