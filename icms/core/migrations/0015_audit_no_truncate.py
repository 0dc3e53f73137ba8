"""Refuse ``TRUNCATE`` of the audit log too, unless the session says it is a test database.

accounts 0007 put a row trigger on ``accounts_auditevent`` that refuses ``UPDATE`` and
``DELETE``. ``TRUNCATE`` fires no row trigger, so until now one statement (``TRUNCATE
accounts_auditevent``, a ``TRUNCATE users CASCADE`` that reached it, or ``manage.py
flush`` run against the wrong database) could empty the log. This statement-level
``BEFORE TRUNCATE`` trigger refuses it, also when a cascade reaches the table.

The one exception is a session that has set ``icms.audit_truncate`` to ``allow``: only
the test settings do (as a connection option), because Django's ``flush``, which
pytest-django runs after every transactional test, empties every table with ``TRUNCATE``.
Production and development settings never set it. Setting it takes a deliberate ``SET``
(the same deliberate step as ``ALTER TABLE … DISABLE TRIGGER`` for retention deletes,
docs/development.md "Audit"), so the trigger guards against accidents, not against the
table's owner. Reversing the migration drops the trigger and its function.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION accounts_auditevent_no_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('icms.audit_truncate', true) = 'allow' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'accounts_auditevent is append-only: TRUNCATE refused'
        USING HINT = 'Audit rows are never changed or deleted; see docs/development.md, "Audit".';
END;
$$;

CREATE TRIGGER accounts_auditevent_no_truncate
    BEFORE TRUNCATE ON accounts_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_auditevent_no_truncate();
"""

REVERSE = """
DROP TRIGGER IF EXISTS accounts_auditevent_no_truncate ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_auditevent_no_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_audit_bulk_filing"),
    ]

    operations = [
        migrations.RunSQL(sql=FORWARD, reverse_sql=REVERSE),
    ]
