"""Make the audit log append-only in the database, whoever connects.

A row trigger refuses every ``UPDATE`` and ``DELETE`` on ``accounts_auditevent``, so
not even raw SQL, a ``queryset.update()``, a cascade or the admin can change or remove
an audit row. ``TRUNCATE`` is deliberately not blocked: Django's ``flush`` (used by
pytest-django after every transactional test) empties tables with ``TRUNCATE``, and a
``BEFORE TRUNCATE`` statement trigger refusing it was tried and breaks that teardown.
In production the application's database role should not own the table nor hold the
``TRUNCATE`` privilege on it (docs/development.md, "Audit").

Retention deletes, if they are ever needed, follow the documented procedure with the
table owner's role, which may ``DISABLE TRIGGER`` for the length of one transaction.
Reversing the migration drops the trigger and its function.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION accounts_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'accounts_auditevent is append-only: % refused', TG_OP
        USING HINT = 'Audit rows are never changed or deleted; see docs/development.md, "Audit".';
END;
$$;

CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_auditevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_encrypt_hkid"),
    ]

    operations = [
        migrations.RunSQL(sql=FORWARD, reverse_sql=REVERSE),
    ]
