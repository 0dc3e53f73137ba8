"""Index each name's pairs of words, so that a name of several common words is cheap.

"Chan Tai Man" matched 108 parties at 2,000,000 cases, but the GIN index over single
words intersected the posting lists of "chan" (about 400,000 parties), "tai" and "man":
6.2 ms of the index scan alone, whatever the result. Every unordered pair of a name's
distinct words ("chan tai", "chan man", "man tai") is far rarer; their index answered
the same search in 0.19 ms. A name contains all of two or more query words exactly
when it contains all of their pairs, so the search uses the pairs for queries of two
words or more and the words themselves for one word. The index is over an expression:
no column to store.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION causebook_token_pairs(text[]) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT coalesce(array_agg(x.a || ' ' || y.b), '{}')
        FROM (SELECT DISTINCT unnest($1)) AS x(a) JOIN (SELECT DISTINCT unnest($1)) AS y(b) ON x.a < y.b $$;
"""

# Also used by `generate_corpus` after a bulk load.
PAIRS_INDEX_NAME = "causebook_entry_token_pairs"
PAIRS_INDEX = f"""
CREATE INDEX IF NOT EXISTS {PAIRS_INDEX_NAME} ON causebook_causebookentry USING gin (causebook_token_pairs(tokens));
"""

REVERSE = f"""
DROP INDEX IF EXISTS {PAIRS_INDEX_NAME};
DROP FUNCTION IF EXISTS causebook_token_pairs(text[]);
"""


class Migration(migrations.Migration):
    dependencies = [("causebook", "0007_search_purchase_result_set")]

    operations = [migrations.RunSQL(FUNCTION + PAIRS_INDEX + "ANALYZE causebook_causebookentry;", REVERSE)]
