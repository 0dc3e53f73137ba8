"""The index of tagged pairs: a name's word pairs tagged with its case type, year and status (issue 16).

A search by name with filters ("District Court, 2018-2024, active") read every entry holding
the name's rarest pairs and dropped those outside the filters, so its cost grew with the
name's entries in the whole register (4.8x from 200,000 to 2,000,000 cases) rather than with
its matches. Each pair of words is indexed three times here, tagged "#t<case type id>",
"#<year>" and "#<status>" ("chan tai#t1", "chan tai#2020", "chan tai#active"), so the
index answers "holds the pair, with one of these case types, in one of these years, with
this status" (``causebook/filters.py``). Three short keys per pair, not one per combination:
a key per (pair, type, year, status) would make most keys hold a single entry.

Built CONCURRENTLY (so the migration is not atomic): the triggers that keep the entries
write to this table whenever a party or a case changes, and a plain build would hold those
writes, that is every filing, for the minutes it takes at two million cases.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION causebook_tagged_pairs(text[], bigint, smallint, text) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  SET search_path FROM CURRENT
  AS $$
DECLARE
  type_tag text := '#t' || coalesce($2::text, '');
  year_tag text := '#' || coalesce($3::text, '');
  status_tag text := '#' || coalesce($4, '');
  tagged text[] := '{}';
  pair text;
BEGIN
  FOREACH pair IN ARRAY coalesce(causebook_token_pairs($1), '{}') LOOP
    tagged := tagged || (pair || type_tag) || (pair || year_tag) || (pair || status_tag);
  END LOOP;
  RETURN tagged;
END
$$;
"""

# Also used by ``generate_corpus``, which drops it before a bulk load.
TAGGED_INDEX_NAME = "causebook_entry_tagged_pairs"
TAGGED_INDEX = f"""
CREATE INDEX IF NOT EXISTS {TAGGED_INDEX_NAME} ON causebook_causebookentry
  USING gin (causebook_tagged_pairs(tokens, case_type_id, year, status));
"""


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("causebook", "0013_search_functions_fixed_search_path")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS causebook_tagged_pairs(text[], bigint, smallint, text);"),
        # One statement each: CREATE INDEX CONCURRENTLY cannot run inside a transaction block.
        migrations.RunSQL(
            [
                "SET maintenance_work_mem = '256MB'",
                TAGGED_INDEX.replace("CREATE INDEX IF NOT EXISTS", "CREATE INDEX CONCURRENTLY IF NOT EXISTS"),
                "RESET maintenance_work_mem",
            ],
            [f"DROP INDEX CONCURRENTLY IF EXISTS {TAGGED_INDEX_NAME}"],
        ),
        migrations.RunSQL("ANALYZE causebook_causebookentry;", migrations.RunSQL.noop),
    ]
