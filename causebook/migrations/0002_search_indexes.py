"""The cause book's search indexes on filing's tables. Causebook owns them (decided once).

Design, measured on 2,000,000 names (docs/causebook.md):

* English names: an expression GIN index over the array of normalised words
  (lower case, unaccented, split on anything not a letter or digit, "ltd" read as
  "limited"), queried with ``@>``: order-insensitive, exact per word, and fast because
  GIN intersects the posting lists from the rarest word. Trigram similarity on whole
  romanised names took 380-515 ms (the syllables are few), so it is not used on names.
* Misspellings: words are corrected against the vocabulary of distinct name words
  (``causebook_nametoken``, a few thousand rows, kept by a trigger), with trigram
  similarity and Levenshtein distance there, then searched exactly.
* Chinese names: an expression GIN index over CJK characters and character bigrams
  (``causebook_cjk_grams``), queried with ``@>`` and confirmed with ``strpos``. A
  two-character query such as "大文" can never use a trigram index.
* Case numbers: the unique index (case_type, year, number) answers a full number;
  (case_type, number) answers one given without its year.
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

-- unaccent() is only STABLE (it reads its dictionary by search_path); naming the
-- dictionary makes the wrapper safe to declare IMMUTABLE and to use in an index.
CREATE OR REPLACE FUNCTION causebook_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

CREATE OR REPLACE FUNCTION causebook_name_tokens(text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT array_replace(
           array_remove(regexp_split_to_array(lower(causebook_unaccent(coalesce($1, ''))), '[^[:alnum:]]+'), ''),
           'ltd', 'limited') $$;

-- Every character and every pair of adjacent characters, spaces removed.
CREATE OR REPLACE FUNCTION causebook_cjk_grams(text) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$
DECLARE
  s text := regexp_replace(coalesce($1, ''), '\s+', '', 'g');
  n int := char_length(s);
  grams text[] := '{}';
BEGIN
  FOR i IN 1..n LOOP
    grams := grams || substr(s, i, 1);
    IF i < n THEN
      grams := grams || substr(s, i, 2);
    END IF;
  END LOOP;
  RETURN grams;
END
$$;

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
"""

REVERSE_FUNCTIONS = """
DROP TRIGGER IF EXISTS causebook_collect_name_tokens ON filing_party;
DROP FUNCTION IF EXISTS causebook_collect_name_tokens();
DROP FUNCTION IF EXISTS causebook_cjk_grams(text);
DROP FUNCTION IF EXISTS causebook_name_tokens(text);
DROP FUNCTION IF EXISTS causebook_unaccent(text);
"""

INDEXES = """
CREATE INDEX IF NOT EXISTS causebook_party_name_tokens ON filing_party USING gin (causebook_name_tokens(name_en));
CREATE INDEX IF NOT EXISTS causebook_party_name_zh_grams ON filing_party USING gin (causebook_cjk_grams(name_zh));
CREATE INDEX IF NOT EXISTS causebook_case_type_number ON filing_case (case_type_id, number);
CREATE INDEX IF NOT EXISTS causebook_nametoken_trgm ON causebook_nametoken USING gin (token gin_trgm_ops);
CREATE INDEX IF NOT EXISTS causebook_nametoken_prefix ON causebook_nametoken (token text_pattern_ops);
INSERT INTO causebook_nametoken (token)
  SELECT DISTINCT t FROM filing_party, unnest(causebook_name_tokens(name_en)) AS t
  WHERE char_length(t) <= 100
  ON CONFLICT DO NOTHING;
"""

# Also used by `generate_corpus`, which drops the indexes before a bulk load and makes them again after.
INDEX_NAMES = [
    "causebook_party_name_tokens",
    "causebook_party_name_zh_grams",
    "causebook_case_type_number",
]

REVERSE_INDEXES = "\n".join(
    f"DROP INDEX IF EXISTS {name};"
    for name in [*INDEX_NAMES, "causebook_nametoken_trgm", "causebook_nametoken_prefix"]
)


class Migration(migrations.Migration):
    dependencies = [
        ("causebook", "0001_initial"),
        ("core", "0002_postgres_extensions"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, REVERSE_FUNCTIONS),
        migrations.RunSQL(INDEXES, REVERSE_INDEXES),
    ]
