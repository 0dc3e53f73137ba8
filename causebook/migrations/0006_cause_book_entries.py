"""The cause book's own search table, kept by triggers, and symmetric-delete corrections.

Measured at 2,000,000 cases (docs/causebook.md): searching filing_party and joining
filing_case read two wide rows per match at random (a party row is ~300 bytes, and
its case is elsewhere), and a filter on the case could not be applied until both were
read; 1,001 matches of a partial name cost ~3,000 random page reads. ``CauseBookEntry``
holds, per party of a case in the cause book, just what the search reads: the case's
type, year, status and date of issue beside the name's words and Chinese characters.

* Only numbered, active or closed cases are in it, so a search needs no join at all,
  and a draft's party names never reach the search or its vocabulary.
* Triggers on filing_party and filing_case keep it exact in the same transaction as
  any write, however made (services, the admin, raw SQL).
* The stored arrays of 0005 leave filing_party (their indexes with them).
* Misspellings are corrected by the symmetric-delete method: every vocabulary word
  and its one-letter deletes are keys of ``causebook_nametokenvariant``; a query word's
  own deletes find every word within one edit (including a swap) by primary key. The
  trigram scan it replaces cost 20-35 ms a word.
"""

import django.contrib.postgres.fields
from django.db import migrations, models


FUNCTIONS = r"""
-- The word and each one-letter deletion of it: keys of the symmetric-delete table.
CREATE OR REPLACE FUNCTION causebook_deletes(text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT array_agg(DISTINCT v) FROM (
           SELECT $1 AS v
           UNION ALL
           SELECT overlay($1 PLACING '' FROM i FOR 1) FROM generate_series(1, char_length($1)) AS i
         ) d WHERE v <> '' $$;

CREATE OR REPLACE FUNCTION causebook_collect_token_variants() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  INSERT INTO causebook_nametokenvariant (variant, token)
  SELECT v, NEW.token FROM unnest(causebook_deletes(NEW.token)) AS v
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

-- The cause book holds the parties of numbered, active or closed cases: the one
-- definition of "in the cause book" for the search (search.BASE says it for cases).
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
           causebook_name_tokens(NEW.name_en), regexp_replace(coalesce(NEW.name_zh, ''), '\s+', '', 'g')
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
           causebook_name_tokens(p.name_en), regexp_replace(coalesce(p.name_zh, ''), '\s+', '', 'g')
    FROM filing_party p WHERE p.case_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;

-- The vocabulary is the words of parties in the cause book, never of drafts.
CREATE OR REPLACE FUNCTION causebook_collect_entry_tokens() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  INSERT INTO causebook_nametoken (token)
  SELECT DISTINCT t FROM unnest(NEW.tokens) AS t
  WHERE char_length(t) <= 100
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS causebook_collect_name_tokens ON filing_party;
DROP FUNCTION IF EXISTS causebook_collect_name_tokens();

CREATE TRIGGER causebook_entry_for_party
  AFTER INSERT OR DELETE OR UPDATE OF case_id, name_en, name_zh ON filing_party
  FOR EACH ROW EXECUTE FUNCTION causebook_entry_for_party();
CREATE TRIGGER causebook_entry_for_case
  AFTER DELETE OR UPDATE OF number, status, year, case_type_id, issued_at ON filing_case
  FOR EACH ROW EXECUTE FUNCTION causebook_entry_for_case();
"""

# Also used by ``generate_corpus`` after a bulk load (parties from the given id on).
FILL_ENTRIES = r"""
INSERT INTO causebook_causebookentry (party_id, case_id, case_type_id, year, status, issued_at, tokens, name_zh)
SELECT p.id, c.id, c.case_type_id, c.year, c.status, c.issued_at,
       causebook_name_tokens(p.name_en), regexp_replace(coalesce(p.name_zh, ''), '\s+', '', 'g')
FROM filing_party p JOIN filing_case c ON c.id = p.case_id
WHERE p.id >= %s AND c.number IS NOT NULL AND c.status IN ('active', 'closed')
ORDER BY p.case_id, p.id
ON CONFLICT (party_id) DO NOTHING
"""

ENTRY_INDEX_NAMES = ["causebook_entry_tokens", "causebook_entry_zh_grams"]
ENTRY_INDEXES = """
CREATE INDEX IF NOT EXISTS causebook_entry_tokens ON causebook_causebookentry USING gin (tokens);
CREATE INDEX IF NOT EXISTS causebook_entry_zh_grams ON causebook_causebookentry USING gin (causebook_cjk_grams(name_zh));
"""

# Also used by ``generate_corpus``: the vocabulary, then (by trigger) its deletes.
VOCABULARY = """
INSERT INTO causebook_nametoken (token)
SELECT DISTINCT t FROM causebook_causebookentry, unnest(tokens) AS t
WHERE char_length(t) <= 100
ON CONFLICT DO NOTHING
"""

TRIGGERS_AFTER_FILL = """
CREATE TRIGGER causebook_collect_entry_tokens
  AFTER INSERT OR UPDATE OF tokens ON causebook_causebookentry
  FOR EACH ROW EXECUTE FUNCTION causebook_collect_entry_tokens();
CREATE TRIGGER causebook_collect_token_variants
  AFTER INSERT ON causebook_nametoken
  FOR EACH ROW EXECUTE FUNCTION causebook_collect_token_variants();
INSERT INTO causebook_nametokenvariant (variant, token)
  SELECT v, token FROM causebook_nametoken, unnest(causebook_deletes(token)) AS v
  ON CONFLICT DO NOTHING;
ALTER TABLE filing_party DROP COLUMN IF EXISTS causebook_tokens, DROP COLUMN IF EXISTS causebook_grams;
-- Planner statistics now: with none, a 331,000-row variants table looked like a few
-- rows per key and was scanned whole (22 ms) instead of looked up (0.05 ms).
ANALYZE causebook_causebookentry;
ANALYZE causebook_nametokenvariant;
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS causebook_collect_token_variants ON causebook_nametoken;
DROP TRIGGER IF EXISTS causebook_collect_entry_tokens ON causebook_causebookentry;
DROP TRIGGER IF EXISTS causebook_entry_for_case ON filing_case;
DROP TRIGGER IF EXISTS causebook_entry_for_party ON filing_party;
DROP FUNCTION IF EXISTS causebook_collect_entry_tokens();
DROP FUNCTION IF EXISTS causebook_entry_for_case();
DROP FUNCTION IF EXISTS causebook_entry_for_party();
DROP FUNCTION IF EXISTS causebook_collect_token_variants();
DROP FUNCTION IF EXISTS causebook_deletes(text);
CREATE OR REPLACE FUNCTION causebook_collect_name_tokens() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  INSERT INTO causebook_nametoken (token)
  SELECT DISTINCT t FROM unnest(causebook_name_tokens(NEW.name_en)) AS t
  WHERE char_length(t) <= 100
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER causebook_collect_name_tokens
  AFTER INSERT OR UPDATE OF name_en ON filing_party
  FOR EACH ROW EXECUTE FUNCTION causebook_collect_name_tokens();
ALTER TABLE filing_party
  ADD COLUMN IF NOT EXISTS causebook_tokens text[] GENERATED ALWAYS AS (causebook_name_tokens(name_en)) STORED,
  ADD COLUMN IF NOT EXISTS causebook_grams text[] GENERATED ALWAYS AS (causebook_cjk_grams(name_zh)) STORED;
CREATE INDEX IF NOT EXISTS causebook_party_name_tokens ON filing_party USING gin (causebook_tokens);
CREATE INDEX IF NOT EXISTS causebook_party_name_zh_grams ON filing_party USING gin (causebook_grams);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('causebook', '0005_stored_search_arrays'),
    ]

    operations = [
        migrations.CreateModel(
            name='NameTokenVariant',
            fields=[
                ('pk', models.CompositePrimaryKey('variant', 'token', blank=True, editable=False, primary_key=True, serialize=False)),
                ('variant', models.CharField(max_length=100)),
                ('token', models.CharField(max_length=100)),
            ],
            options={
                'default_permissions': (),
            },
        ),
        migrations.CreateModel(
            name='CauseBookEntry',
            fields=[
                ('party_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('case_id', models.BigIntegerField()),
                ('case_type_id', models.BigIntegerField()),
                ('year', models.PositiveSmallIntegerField(null=True)),
                ('status', models.CharField(max_length=20)),
                ('issued_at', models.DateTimeField(null=True)),
                ('tokens', django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None)),
                ('name_zh', models.TextField()),
            ],
            options={
                'default_permissions': (),
                'indexes': [models.Index(fields=['case_id'], name='causebook_entry_case')],
            },
        ),
        migrations.RunSQL(FUNCTIONS, REVERSE),
        migrations.RunSQL(FILL_ENTRIES.replace("%s", "0"), migrations.RunSQL.noop),
        migrations.RunSQL(ENTRY_INDEXES, migrations.RunSQL.noop),
        # The vocabulary again, from the entries only: 0002 collected drafts' words too.
        # Corrections no longer use trigrams (symmetric deletes instead): drop that index.
        migrations.RunSQL(
            "DELETE FROM causebook_nametoken;" + VOCABULARY + ";DROP INDEX IF EXISTS causebook_nametoken_trgm;",
            "CREATE INDEX IF NOT EXISTS causebook_nametoken_trgm ON causebook_nametoken USING gin (token gin_trgm_ops);",
        ),
        migrations.RunSQL(TRIGGERS_AFTER_FILL, migrations.RunSQL.noop),
    ]
