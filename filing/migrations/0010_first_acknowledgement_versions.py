"""Every submission received before acknowledgement versions existed gets its version 1:
the acknowledgement it was sent (or, if none was sent yet, one still to send).

The explanation texts are left empty on these rows: the submission page falls back to
the calendar's own explanation, which for an undecided filing matches its record.
"""

from django.db import migrations


def create(apps, schema_editor):
    Submission = apps.get_model("filing", "Submission")
    AcknowledgementVersion = apps.get_model("filing", "AcknowledgementVersion")
    have = AcknowledgementVersion.objects.values("submission_id")
    rows = [
        AcknowledgementVersion(
            submission_id=submission.pk,
            version=1,
            deemed_received_at=submission.deemed_received_at,
            deemed_rule=submission.deemed_rule,
            storage_key=submission.acknowledgement_key,
            rendered_at=submission.acknowledged_at if submission.acknowledgement_key else None,
        )
        for submission in Submission.objects.exclude(pk__in=have).iterator(chunk_size=1000)
    ]
    AcknowledgementVersion.objects.bulk_create(rows, batch_size=1000)


def remove(apps, schema_editor):
    AcknowledgementVersion = apps.get_model("filing", "AcknowledgementVersion")
    AcknowledgementVersion.objects.filter(version=1, reason_en="", explanation_en="").delete()


class Migration(migrations.Migration):
    dependencies = [("filing", "0009_acknowledgement_and_sealed_copy_versions")]

    operations = [migrations.RunPython(create, remove)]
