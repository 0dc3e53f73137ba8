"""Kept counts of each pair of words by case type, year and status (issue 16).

A name of two words with filters ("WONG Sze", District Court, 2018-2024, active) was counted
exactly by reading every one of its matches inside the filters, up to the cap and a tenth
(1,101 entries). At 2,000,000 cases the slowest such names have 700-1,221 matches, so that
read, and with it the search, grew with the register. The issue's rule is that the count is
exact up to a bound and an honest estimate above it, from counts the portal keeps itself.

Each pair of a name's words is now also counted tagged with the entry's case type, year and
status together ("sze wong#t3#2020#active"): for two words the entries holding the pair are
exactly the entries holding the name's words, so summing these counts over the filters'
case types, years and statuses gives the matches inside the filters (in entries: a case that
holds the name twice counts twice, and the counts lag the register by up to a minute, so the
search says "about"). One key per pair and combination, not three as in the index of tagged
pairs (migration 0014): a count must be of the combination, and a count row costs nothing to
look up however few entries it holds.

The queue of changes now carries the entry's case type, year and status, and its trigger
fires when they change (a case closed moves its entries from "#active" to "#closed").
Changes queued before this migration carry none: they are folded in first, and the table of
entries is locked against writes (SHARE) while the counts are filled, so no change is
counted twice or missed.
"""

from django.db import migrations, models

FUNCTIONS = r"""
-- Each pair of an entry's distinct words (as causebook_terms makes them: words of at most
-- 100 characters), tagged with its case type, year and status together.
CREATE OR REPLACE FUNCTION causebook_pair_count_keys(text[], bigint, smallint, text) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  SET search_path FROM CURRENT
  AS $$
DECLARE
  words text[] := '{}';
  tag text;
  keys text[] := '{}';
  w text;
  n int;
BEGIN
  IF $1 IS NULL OR $2 IS NULL THEN
    RETURN keys;
  END IF;
  tag := '#t' || $2::text || '#' || coalesce($3::text, '') || '#' || coalesce($4, '');
  FOREACH w IN ARRAY $1 LOOP
    IF char_length(w) <= 100 AND w <> ALL (words) THEN
      words := words || w;
    END IF;
  END LOOP;
  n := cardinality(words);
  FOR i IN 1..n LOOP
    FOR j IN 1..n LOOP
      IF words[i] < words[j] THEN
        keys := keys || (words[i] || ' ' || words[j] || tag);
      END IF;
    END LOOP;
  END LOOP;
  RETURN keys;
END
$$;

CREATE OR REPLACE FUNCTION causebook_queue_term_counts() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path FROM CURRENT
  AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO causebook_termcountchange (tokens, name_zh, issued_at, case_type_id, year, status, sign)
    VALUES (OLD.tokens, OLD.name_zh, OLD.issued_at, OLD.case_type_id, OLD.year, OLD.status, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO causebook_termcountchange (tokens, name_zh, issued_at, case_type_id, year, status, sign)
    VALUES (NEW.tokens, NEW.name_zh, NEW.issued_at, NEW.case_type_id, NEW.year, NEW.status, 1);
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION causebook_term_counts_apply() RETURNS bigint
  LANGUAGE sql
  SET search_path FROM CURRENT
  AS $$
WITH gone AS (
  DELETE FROM causebook_termcountchange RETURNING tokens, name_zh, issued_at, case_type_id, year, status, sign
),
changed AS (
  SELECT k, sum(sign) AS n
  FROM gone, unnest(causebook_count_keys(tokens, name_zh, issued_at)
                    || causebook_pair_count_keys(tokens, case_type_id, year, status)) AS k
  GROUP BY k
),
applied AS (
  INSERT INTO causebook_termcount (term, entries) SELECT k, n FROM changed WHERE n <> 0
  ON CONFLICT (term) DO UPDATE SET entries = causebook_termcount.entries + excluded.entries
  RETURNING 1
)
SELECT count(*) FROM applied
$$;
"""

TRIGGER = """
DROP TRIGGER IF EXISTS causebook_queue_term_counts ON causebook_causebookentry;
CREATE TRIGGER causebook_queue_term_counts
  AFTER INSERT OR DELETE OR UPDATE OF tokens, name_zh, issued_at, case_type_id, year, status
  ON causebook_causebookentry
  FOR EACH ROW EXECUTE FUNCTION causebook_queue_term_counts();
"""

# Also used by ``generate_corpus`` after a bulk load (with the other counts, COUNT_ALL).
COUNT_PAIRS = """
INSERT INTO causebook_termcount (term, entries)
SELECT k, count(*)
FROM causebook_causebookentry, unnest(causebook_pair_count_keys(tokens, case_type_id, year, status)) AS k
GROUP BY k;
"""

FILL = f"""
LOCK TABLE causebook_causebookentry IN SHARE MODE;
SELECT causebook_term_counts_apply();
{COUNT_PAIRS}
ANALYZE causebook_termcount;
"""

REVERSE_FILL = """
DELETE FROM causebook_termcount WHERE term LIKE '%#t%#%#%';
"""

# As migration 0011 made them (its queue carried no tags).
REVERSE_FUNCTIONS = r"""
DROP TRIGGER IF EXISTS causebook_queue_term_counts ON causebook_causebookentry;
CREATE OR REPLACE FUNCTION causebook_queue_term_counts() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path FROM CURRENT
  AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO causebook_termcountchange (tokens, name_zh, issued_at, sign)
    VALUES (OLD.tokens, OLD.name_zh, OLD.issued_at, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO causebook_termcountchange (tokens, name_zh, issued_at, sign)
    VALUES (NEW.tokens, NEW.name_zh, NEW.issued_at, 1);
  END IF;
  RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION causebook_term_counts_apply() RETURNS bigint
  LANGUAGE sql
  SET search_path FROM CURRENT
  AS $$
WITH gone AS (DELETE FROM causebook_termcountchange RETURNING tokens, name_zh, issued_at, sign),
changed AS (
  SELECT k, sum(sign) AS n FROM gone, unnest(causebook_count_keys(tokens, name_zh, issued_at)) AS k GROUP BY k
),
applied AS (
  INSERT INTO causebook_termcount (term, entries) SELECT k, n FROM changed WHERE n <> 0
  ON CONFLICT (term) DO UPDATE SET entries = causebook_termcount.entries + excluded.entries
  RETURNING 1
)
SELECT count(*) FROM applied
$$;
CREATE TRIGGER causebook_queue_term_counts
  AFTER INSERT OR DELETE OR UPDATE OF tokens, name_zh, issued_at ON causebook_causebookentry
  FOR EACH ROW EXECUTE FUNCTION causebook_queue_term_counts();
DROP FUNCTION IF EXISTS causebook_pair_count_keys(text[], bigint, smallint, text);
"""


class Migration(migrations.Migration):
    dependencies = [("causebook", "0015_calendar_keys")]

    operations = [
        # A pair (two words of at most 100 characters) and its tag ("#t<id>#<year>#<status>").
        migrations.AlterField(
            model_name="termcount",
            name="term",
            field=models.CharField(max_length=240, primary_key=True, serialize=False),
        ),
        migrations.AddField(
            model_name="termcountchange",
            name="case_type_id",
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="termcountchange",
            name="year",
            field=models.SmallIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="termcountchange",
            name="status",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunSQL(FUNCTIONS + TRIGGER, REVERSE_FUNCTIONS),
        migrations.RunSQL(FILL, REVERSE_FILL),
    ]
