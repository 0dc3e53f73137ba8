"""The cause book search at real-world shape (issue 16): one normalisation, kept counts, newest first.

* Normalisation in one place (``causebook/normal.py``): the SQL functions
  ``causebook_name_tokens`` and ``causebook_name_zh`` are rendered from its word lists,
  and every entry is refreshed with them (titles, "Co"/"Ltd", "&", "(HK)", brackets,
  （香港）, 先生…).
* Kept counts (``TermCount``): entries per word, pair of words, two words in order,
  Chinese character and pair, and 28-day bucket of the date of issue. Triggers queue
  each entry added or removed (``TermCountChange``, insert only: no filing waits on a
  shared counter row); ``causebook_term_counts_apply()`` folds the queue in (the beat
  task, every minute). The search reads them instead of the planner's estimate.
* Newest first at any frequency: btree indexes on the exact name and date of issue
  (same words in the same order, newest first, with no sort), and a GIN index whose
  keys are the terms tagged with their 28-day bucket, so that the newest matches of a
  very common term are found bucket by bucket from the newest, reading about as many
  entries as are shown, at any size of the register.
"""

import django.contrib.postgres.fields
from django.db import migrations, models

from causebook.normal import functions_sql

FUNCTIONS = functions_sql() + r"""
-- Each pair of adjacent words, in order: "chi>keung". A phrase holds all of its own.
CREATE OR REPLACE FUNCTION causebook_bigrams(text[]) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT coalesce(array_agg(DISTINCT $1[i] || '>' || $1[i + 1]), '{}')
        FROM generate_series(1, cardinality($1) - 1) AS i $$;

-- The key functions are PL/pgSQL with plain loops: an SQL function with subqueries is
-- planned again on every call (about 1 ms a row: 80 minutes for a 2 M-case load).

-- The distinct words in a fixed order: the same words in any order are equal.
CREATE OR REPLACE FUNCTION causebook_sorted(text[]) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ BEGIN RETURN ARRAY(SELECT DISTINCT t FROM unnest($1) AS t ORDER BY t); END $$;

-- Each pair of adjacent words, in order: "chi>keung". A phrase holds all of its own.
CREATE OR REPLACE FUNCTION causebook_bigrams(text[]) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
  AS $$
DECLARE
  pairs text[] := '{}';
  pair text;
BEGIN
  FOR i IN 1..coalesce(cardinality($1), 0) - 1 LOOP
    pair := $1[i] || '>' || $1[i + 1];
    IF pair <> ALL (pairs) THEN
      pairs := pairs || pair;
    END IF;
  END LOOP;
  RETURN pairs;
END
$$;

-- 28-day buckets of the date of issue (the epoch does not depend on the time zone,
-- so the function may be declared IMMUTABLE); no date is bucket 0.
CREATE OR REPLACE FUNCTION causebook_bucket(timestamptz) RETURNS int
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$ BEGIN
  RETURN CASE WHEN $1 IS NULL THEN 0 ELSE floor(extract(epoch FROM $1) / 2419200)::int END;
END $$;

-- The terms of an entry that are counted and indexed: its distinct words, their
-- unordered pairs ("hong kong", as causebook_token_pairs makes them), the ordered pairs
-- of adjacent words ("hong>kong"), and each Chinese character and pair ("z:香", "z:香港").
CREATE OR REPLACE FUNCTION causebook_terms(text[], text) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$
DECLARE
  words text[] := '{}';
  terms text[];
  w text;
  n int;
  zh text := coalesce($2, '');
BEGIN
  IF $1 IS NOT NULL THEN
    FOREACH w IN ARRAY $1 LOOP
      IF char_length(w) <= 100 AND w <> ALL (words) THEN
        words := words || w;
      END IF;
    END LOOP;
  END IF;
  terms := words;
  n := cardinality(words);
  FOR i IN 1..n LOOP
    FOR j IN 1..n LOOP
      IF words[i] < words[j] THEN
        terms := terms || (words[i] || ' ' || words[j]);
      END IF;
    END LOOP;
  END LOOP;
  IF $1 IS NOT NULL THEN
    terms := terms || causebook_bigrams($1);
  END IF;
  n := char_length(zh);
  FOR i IN 1..n LOOP
    w := 'z:' || substr(zh, i, 1);
    IF w <> ALL (terms) THEN
      terms := terms || w;
    END IF;
    IF i < n THEN
      w := 'z:' || substr(zh, i, 2);
      IF w <> ALL (terms) THEN
        terms := terms || w;
      END IF;
    END IF;
  END LOOP;
  RETURN terms;
END
$$;

-- What is counted: the terms, and the entry's bucket ("@1234").
CREATE OR REPLACE FUNCTION causebook_count_keys(text[], text, timestamptz) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$ BEGIN RETURN causebook_terms($1, $2) || ('@' || causebook_bucket($3)); END $$;

-- Terms tagged with a bucket: "chan@1234".
CREATE OR REPLACE FUNCTION causebook_at(text[], int) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
  AS $$
DECLARE
  tagged text[] := '{}';
  t text;
BEGIN
  FOREACH t IN ARRAY $1 LOOP
    tagged := tagged || (t || '@' || $2);
  END LOOP;
  RETURN tagged;
END
$$;

-- The walk index's keys: every term tagged with the entry's bucket, and the ordered
-- pairs untagged (phrases of several common words, probed across all buckets at once).
CREATE OR REPLACE FUNCTION causebook_walk_keys(text[], text, timestamptz) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$ BEGIN
  RETURN coalesce(causebook_bigrams($1), '{}') || causebook_at(causebook_terms($1, $2), causebook_bucket($3));
END $$;

CREATE OR REPLACE FUNCTION causebook_queue_term_counts() RETURNS trigger
  LANGUAGE plpgsql
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

-- Fold the queued changes into the counts. Two at once never count a change twice:
-- the second's DELETE waits for the first's rows and then skips them.
CREATE OR REPLACE FUNCTION causebook_term_counts_apply() RETURNS bigint
  LANGUAGE sql
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

CREATE OR REPLACE FUNCTION causebook_entry_for_party() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM causebook_causebookentry WHERE party_id = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO causebook_causebookentry
      (party_id, case_id, case_type_id, year, status, issued_at, tokens, name_zh)
    SELECT NEW.id, c.id, c.case_type_id, c.year, c.status, c.issued_at,
           causebook_name_tokens(NEW.name_en), causebook_name_zh(NEW.name_zh)
    FROM filing_case c
    WHERE c.id = NEW.case_id AND c.number IS NOT NULL AND c.status IN ('active', 'closed');
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION causebook_entry_for_case() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  DELETE FROM causebook_causebookentry WHERE case_id = OLD.id;
  IF TG_OP = 'UPDATE' AND NEW.number IS NOT NULL AND NEW.status IN ('active', 'closed') THEN
    INSERT INTO causebook_causebookentry
      (party_id, case_id, case_type_id, year, status, issued_at, tokens, name_zh)
    SELECT p.id, NEW.id, NEW.case_type_id, NEW.year, NEW.status, NEW.issued_at,
           causebook_name_tokens(p.name_en), causebook_name_zh(p.name_zh)
    FROM filing_party p WHERE p.case_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;
"""

# Also used by ``generate_corpus`` after a bulk load (parties from the given id on).
FILL_ENTRIES = """
INSERT INTO causebook_causebookentry (party_id, case_id, case_type_id, year, status, issued_at, tokens, name_zh)
SELECT p.id, c.id, c.case_type_id, c.year, c.status, c.issued_at,
       causebook_name_tokens(p.name_en), causebook_name_zh(p.name_zh)
FROM filing_party p JOIN filing_case c ON c.id = p.case_id
WHERE p.id >= %s AND c.number IS NOT NULL AND c.status IN ('active', 'closed')
ORDER BY c.issued_at, p.case_id, p.id
ON CONFLICT (party_id) DO NOTHING
"""

REFRESH_ENTRIES = """
UPDATE causebook_causebookentry e
SET tokens = causebook_name_tokens(p.name_en), name_zh = causebook_name_zh(p.name_zh)
FROM filing_party p WHERE p.id = e.party_id;
DELETE FROM causebook_nametokenvariant;
DELETE FROM causebook_nametoken;
INSERT INTO causebook_nametoken (token)
SELECT DISTINCT t FROM causebook_causebookentry, unnest(tokens) AS t WHERE char_length(t) <= 100
ON CONFLICT DO NOTHING;
"""

# Also used by ``generate_corpus``, which drops them before a bulk load.
INDEX_NAMES = ["causebook_entry_exact", "causebook_entry_same_words", "causebook_entry_exact_zh", "causebook_entry_walk"]
INDEXES = """
CREATE INDEX IF NOT EXISTS causebook_entry_exact ON causebook_causebookentry (tokens, issued_at DESC NULLS LAST, case_id DESC);
CREATE INDEX IF NOT EXISTS causebook_entry_same_words ON causebook_causebookentry
  (causebook_sorted(tokens), issued_at DESC NULLS LAST, case_id DESC);
CREATE INDEX IF NOT EXISTS causebook_entry_exact_zh ON causebook_causebookentry (name_zh, issued_at DESC NULLS LAST, case_id DESC)
  WHERE name_zh <> '';
CREATE INDEX IF NOT EXISTS causebook_entry_walk ON causebook_causebookentry
  USING gin (causebook_walk_keys(tokens, name_zh, issued_at));
"""

# Also used by ``generate_corpus``: every count from the entries at once.
COUNT_ALL = """
DELETE FROM causebook_termcountchange;
DELETE FROM causebook_termcount;
INSERT INTO causebook_termcount (term, entries)
SELECT k, count(*) FROM causebook_causebookentry, unnest(causebook_count_keys(tokens, name_zh, issued_at)) AS k
GROUP BY k;
"""

QUEUE_TRIGGER = """
CREATE TRIGGER causebook_queue_term_counts
  AFTER INSERT OR DELETE OR UPDATE OF tokens, name_zh, issued_at ON causebook_causebookentry
  FOR EACH ROW EXECUTE FUNCTION causebook_queue_term_counts();
ANALYZE causebook_causebookentry;
ANALYZE causebook_termcount;
"""

REVERSE = """
DROP TRIGGER IF EXISTS causebook_queue_term_counts ON causebook_causebookentry;
DROP INDEX IF EXISTS causebook_entry_walk;
DROP INDEX IF EXISTS causebook_entry_exact;
DROP INDEX IF EXISTS causebook_entry_exact_zh;
DROP INDEX IF EXISTS causebook_entry_same_words;
DROP FUNCTION IF EXISTS causebook_term_counts_apply();
DROP FUNCTION IF EXISTS causebook_queue_term_counts();
DROP FUNCTION IF EXISTS causebook_walk_keys(text[], text, timestamptz);
DROP FUNCTION IF EXISTS causebook_at(text[], int);
DROP FUNCTION IF EXISTS causebook_count_keys(text[], text, timestamptz);
DROP FUNCTION IF EXISTS causebook_terms(text[], text);
DROP FUNCTION IF EXISTS causebook_bucket(timestamptz);
DROP FUNCTION IF EXISTS causebook_bigrams(text[]);
DROP FUNCTION IF EXISTS causebook_sorted(text[]);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('causebook', '0010_copy_applications'),
    ]

    operations = [
        migrations.CreateModel(
            name='TermCount',
            fields=[
                ('term', models.CharField(max_length=210, primary_key=True, serialize=False)),
                ('entries', models.BigIntegerField()),
            ],
            options={
                'default_permissions': (),
            },
        ),
        migrations.CreateModel(
            name='TermCountChange',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('tokens', django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None)),
                ('name_zh', models.TextField()),
                ('issued_at', models.DateTimeField(null=True)),
                ('sign', models.SmallIntegerField()),
            ],
            options={
                'default_permissions': (),
            },
        ),
        migrations.AddField(
            model_name='searchpurchase',
            name='count_is_estimate',
            field=models.BooleanField(default=False, editable=False, verbose_name='the count of matches is an estimate'),
        ),
        # The functions stay on reversal: 0006's triggers call causebook_name_zh.
        migrations.RunSQL(FUNCTIONS, migrations.RunSQL.noop),
        migrations.RunSQL(REFRESH_ENTRIES, migrations.RunSQL.noop),
        migrations.RunSQL(INDEXES + COUNT_ALL + QUEUE_TRIGGER, REVERSE),
    ]
