"""An index of the cases the cause book does not hold, for the staff site's search by name.

The registry's case list finds a case by a party's name through the cause book's search
(causebook/case_names.py), which holds numbered cases, active or closed. Drafts and cases
pending acceptance are found by the words inside their parties' names; they are few, and
this partial index lists exactly them, so that search reads only their parties instead of
every party of the register.
"""

from django.db import migrations

INDEX = "causebook_case_outside_cause_book"


class Migration(migrations.Migration):
    dependencies = [("causebook", "0016_tagged_pair_counts")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON filing_case (id) WHERE number IS NULL OR status NOT IN ('active', 'closed')",
            f"DROP INDEX {INDEX}",
        ),
    ]
