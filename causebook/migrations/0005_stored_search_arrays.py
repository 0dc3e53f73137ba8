"""Store each party's name tokens and CJK grams instead of computing them per row.

At 2,000,000 cases the planner often reaches parties through ``filing_party_case_id``
(a LIMIT makes that look cheap) and then evaluates ``causebook_name_tokens()`` --
unaccent and a regular expression -- on every row it passes; a common surname cost
about 150 ms that way. Stored generated columns make that filter and the ranking
plain array operations, and the GIN indexes move onto the columns (same names, so
``generate_corpus`` still drops and rebuilds them around a bulk load).
"""

from django.db import migrations

COLUMNS = """
ALTER TABLE filing_party
  ADD COLUMN IF NOT EXISTS causebook_tokens text[] GENERATED ALWAYS AS (causebook_name_tokens(name_en)) STORED,
  ADD COLUMN IF NOT EXISTS causebook_grams text[] GENERATED ALWAYS AS (causebook_cjk_grams(name_zh)) STORED;
DROP INDEX IF EXISTS causebook_party_name_tokens;
DROP INDEX IF EXISTS causebook_party_name_zh_grams;
"""

# Also used by `generate_corpus` after a bulk load, before 0002's INDEXES.
PARTY_INDEXES = """
CREATE INDEX IF NOT EXISTS causebook_party_name_tokens ON filing_party USING gin (causebook_tokens);
CREATE INDEX IF NOT EXISTS causebook_party_name_zh_grams ON filing_party USING gin (causebook_grams);
"""

REVERSE = """
DROP INDEX IF EXISTS causebook_party_name_tokens;
DROP INDEX IF EXISTS causebook_party_name_zh_grams;
ALTER TABLE filing_party DROP COLUMN IF EXISTS causebook_tokens, DROP COLUMN IF EXISTS causebook_grams;
CREATE INDEX IF NOT EXISTS causebook_party_name_tokens ON filing_party USING gin (causebook_name_tokens(name_en));
CREATE INDEX IF NOT EXISTS causebook_party_name_zh_grams ON filing_party USING gin (causebook_cjk_grams(name_zh));
"""


class Migration(migrations.Migration):
    dependencies = [("causebook", "0004_hearing_permissions")]

    operations = [migrations.RunSQL(COLUMNS + PARTY_INDEXES, REVERSE)]
