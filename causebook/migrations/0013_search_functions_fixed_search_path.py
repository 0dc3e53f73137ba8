"""The search's PL/pgSQL functions resolve the names they call in the schema they were made in.

pg_dump restores with an empty ``search_path``, so an index expression such as
``causebook_walk_keys(...)``, which calls ``causebook_bigrams`` by its bare name, failed to
build in a restored copy (a replica seeded from a dump, the restore drill). ``SET search_path
FROM CURRENT`` fixes each function to the schema it was created in. A function made again with
CREATE OR REPLACE must say the same (causebook/normal.py).
"""

from django.db import migrations


def _for_each_search_function(action: str) -> str:
    """SQL that runs ``ALTER FUNCTION <each PL/pgSQL causebook_* function> <action>``."""
    return rf"""
DO $$
DECLARE
  f record;
BEGIN
  FOR f IN
    SELECT p.oid::regprocedure AS signature
    FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_language l ON l.oid = p.prolang
    WHERE n.nspname = current_schema() AND p.proname LIKE 'causebook\_%' AND l.lanname = 'plpgsql'
  LOOP
    EXECUTE format('ALTER FUNCTION %s {action}', f.signature);
  END LOOP;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("causebook", "0012_copy_application_permissions")]

    operations = [
        migrations.RunSQL(
            _for_each_search_function("SET search_path FROM CURRENT"),
            _for_each_search_function("RESET search_path"),
        )
    ]
