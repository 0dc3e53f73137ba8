"""One draft per (owner, one-time form key): the same form posted twice makes one draft.

Until now the key was only looked up before the insert, so two requests racing with the
same key could each make a draft. Rows made that way before this migration are kept, not
deleted: deleting one would throw away the filer's answers and uploaded documents (and
leave its stored files with no row), and refusing to migrate would stop a deployment over
rows that do no harm. Instead every draft but the newest of each (owner, key) gets a fresh
random key, so it stays in the filer's list of drafts as the separate draft it already
was; the newest keeps the key, and it is the one the key's look-up (most recently saved
first) already found, so a retry of that form answers as before.

The table is locked (SHARE ROW EXCLUSIVE: readers go on, writers wait) from the re-keying
to the end of the migration's transaction, so no new duplicate can slip in before the
constraint is added. Reversing drops the constraint and leaves the fresh keys.
"""

from django.conf import settings
from django.db import migrations, models

REKEY_DUPLICATES = """
LOCK TABLE filing_submissiondraft IN SHARE ROW EXCLUSIVE MODE;
UPDATE filing_submissiondraft AS draft
SET submission_key = gen_random_uuid()
FROM (
    SELECT id, row_number() OVER (
        PARTITION BY owner_id, submission_key ORDER BY updated_at DESC, id DESC
    ) AS newest_first
    FROM filing_submissiondraft
) AS ranked
WHERE draft.id = ranked.id AND ranked.newest_first > 1;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("filing", "0019_draft_document_storage_identity"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(sql=REKEY_DUPLICATES, reverse_sql=migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="submissiondraft",
            constraint=models.UniqueConstraint(fields=("owner", "submission_key"), name="one_draft_per_key"),
        ),
    ]
