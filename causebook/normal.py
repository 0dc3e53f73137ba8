"""How a party's name is normalised for the cause book search: the one definition.

The same rules apply to what is stored (the triggers that fill ``CauseBookEntry`` call
the SQL functions ``causebook_name_tokens`` and ``causebook_name_zh``) and to what is
searched (:mod:`causebook.search` asks the same functions for the query's words), so a
name and a search for it can never be normalised differently. The word lists live here
as Python constants and the SQL functions are rendered from them
(:func:`functions_sql`, run by migration ``0011_search_at_scale``); a change to a list
needs a new migration that runs :func:`functions_sql` again and refreshes the entries
(``REFRESH_ENTRIES``). ``tests/causebook/test_search_normalisation.py`` proves the
database applies exactly these rules.

English names: NFKC (full-width letters and brackets become ASCII), unaccented, lower
case; a bracketed place qualifier "(Hong Kong)", "(HK)", "(H.K.)", "(香港)" is dropped;
"&" reads "and", "Co"/"Co." "company", "Ltd" "limited", "HK" "hong kong"; then split on
anything that is not a letter or digit, and titles (Mr, Mrs, Ms, Miss, Dr) dropped.

Chinese names: NFKC, the bracketed place qualifier dropped, only the CJK characters
kept (brackets, spaces and Latin letters go), and a title at the end (先生, 女士, 小姐,
太太) dropped: "陳大文先生" is "陳大文"; "金龍貿易（香港）有限公司" and "金龍貿易(香港)有限公司"
are both "金龍貿易有限公司".
"""

from __future__ import annotations

import re

# CJK Unified Ideographs, extension A, compatibility ideographs, extension B and on.
CJK_RANGES = (("\u3400", "\u4dbf"), ("\u4e00", "\u9fff"), ("\uf900", "\ufaff"), ("\U00020000", "\U0003134f"))
CJK = re.compile("[" + "".join(f"{low}-{high}" for low, high in CJK_RANGES) + "]")

# A bracketed part naming the place, dropped wherever it is: (Hong Kong) (HK) (H.K.) (香港).
BRACKETED_PLACES = (r"hong\s*kong", r"h\.?\s*k\.?", "香港")
# Written forms read as one word (whole words only), in this order.
WORD_FORMS = (("&", " and "), (r"\mco\M", "company"), (r"\mltd\M", "limited"), (r"\mhk\M", "hong kong"))
TITLES_EN = ("mr", "mrs", "ms", "miss", "dr")
TITLES_ZH = ("先生", "女士", "小姐", "太太")

#: Short common words that are never "corrected" into a name ("the" is not "tse").
COMMON_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "co",
        "company",
        "for",
        "from",
        "in",
        "is",
        "limited",
        "ltd",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    }
)


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_class(ranges: tuple[tuple[str, str], ...]) -> str:
    def escape(ch: str) -> str:
        return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"

    return "".join(f"{escape(low)}-{escape(high)}" for low, high in ranges)


def _places_pattern() -> str:
    return r"\(\s*(" + "|".join(BRACKETED_PLACES) + r")\s*\)"


def name_tokens_sql() -> str:
    """``causebook_name_tokens(text) text[]``: an English name's normal words, in order."""
    expression = "lower(causebook_unaccent(normalize(coalesce($1, ''), NFKC)))"
    expression = f"regexp_replace({expression}, {_sql_literal(_places_pattern())}, ' ', 'g')"
    for pattern, replacement in WORD_FORMS:
        expression = f"regexp_replace({expression}, {_sql_literal(pattern)}, {_sql_literal(replacement)}, 'g')"
    titles = ", ".join(_sql_literal(title) for title in TITLES_EN)
    # SET search_path: a restore from pg_dump (empty search_path) still finds what it calls
    # (migration 0013). PL/pgSQL, not SQL: its plan is kept between calls (an SQL function with a subquery
    # was planned again for every party: 1 ms each, 80 minutes for a 2 M-case load).
    return f"""
CREATE OR REPLACE FUNCTION causebook_name_tokens(text) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  SET search_path FROM CURRENT
  AS $$
DECLARE
  w text;
  words text[] := '{{}}';
BEGIN
  FOREACH w IN ARRAY regexp_split_to_array({expression}, '[^[:alnum:]]+') LOOP
    IF w <> '' AND w <> ALL (ARRAY[{titles}]) THEN
      words := words || w;
    END IF;
  END LOOP;
  RETURN words;
END
$$;
"""


def name_zh_sql() -> str:
    """``causebook_name_zh(text) text``: a Chinese name's normal characters."""
    titles = "|".join(TITLES_ZH)
    places = _sql_literal(_places_pattern())
    not_cjk = _sql_literal(f"[^{_sql_class(CJK_RANGES)}]+")
    return f"""
CREATE OR REPLACE FUNCTION causebook_name_zh(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT regexp_replace(
           regexp_replace(regexp_replace(normalize(coalesce($1, ''), NFKC), {places}, '', 'gi'), {not_cjk}, '', 'g'),
           '(.)({titles})$', '\\1') $$;
"""


def functions_sql() -> str:
    """Both normalising functions, as the migrations install them."""
    return name_tokens_sql() + name_zh_sql()
