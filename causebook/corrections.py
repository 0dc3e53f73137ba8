"""Misspelt words, corrected against the vocabulary of the cause book's name words.

By the symmetric-delete method (migration ``0006``): every vocabulary word and its
one-letter deletions are keys of ``causebook_nametokenvariant``, so a query word's own
deletions find, by primary key, every word within one edit. Short common words
(:data:`causebook.normal.COMMON_WORDS`) are never corrected: "the" is not "tse".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings

from .normal import COMMON_WORDS
from .query import SearchQuery
from .terms import cursor, name_tokens

# The vocabulary words each query word may have been meant as: those within one edit
# of it, a letter wrong, missing, doubled or two letters swapped (they share a
# one-letter delete), and, for the last word only, the words it begins (a name still
# being typed). Every branch is a lookup by index; nothing scans the vocabulary.
WITHIN_ONE_EDIT = "SELECT %s::int, token FROM causebook_nametokenvariant WHERE variant = ANY(%s)"
BEGUN = "SELECT %s::int, token FROM causebook_nametoken WHERE token ~>=~ %s AND token ~<~ %s ORDER BY token LIMIT %s"


def _deletes(word: str) -> list[str]:
    """``word`` and each one-letter deletion of it; mirrors ``causebook_deletes()`` in SQL."""
    return sorted({word, *(word[:i] + word[i + 1 :] for i in range(len(word)))} - {""})


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: Levenshtein, with a swap of two letters as one edit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _candidates_sql(words: Sequence[str], per_word: int) -> tuple[str, list[Any]]:
    branches: list[str] = []
    params: list[Any] = []
    for position, word in enumerate(words):
        if word in COMMON_WORDS:
            continue
        branches.append(WITHIN_ONE_EDIT)
        params += [position, _deletes(word)]
        if position == len(words) - 1 and len(word) >= 3:
            branches.append(f"({BEGUN})")
            params += [position, word, word + "~", per_word]
    return " UNION ALL ".join(branches), params


def corrections_for(query: SearchQuery) -> list[list[str]]:
    """For each word of an English query, the words to look for instead, best first.

    Best first: fewest edits (a swap is one; completing the last word is none), then
    the same first letter, then the closest length, then alphabetical. When some words
    are not in the vocabulary at all, only those are corrected (the others stay as
    typed); when every word is known but they never occur together, each may be
    corrected. A common short word stays as typed. A word with no candidate leaves an
    empty list: nothing can match.
    """
    per_word = int(settings.CAUSEBOOK_MAX_CORRECTIONS)
    words = name_tokens(query.q)
    if not words:
        return []
    found: dict[int, set[str]] = {}
    sql, params = _candidates_sql(words, per_word)
    if sql:
        with cursor() as c:
            c.execute(sql, params)
            for position, token in c.fetchall():
                found.setdefault(int(position), set()).add(str(token))
    rows = []
    for position, word in enumerate(words):
        still_typing = position == len(words) - 1

        def nearness(token: str, word: str = word, still_typing: bool = still_typing) -> tuple[int, bool, int, str]:
            # A word the last one begins counts as no edit: the name is still being typed.
            edits = 0 if still_typing and token.startswith(word) else edit_distance(word, token)
            return edits, token[:1] != word[:1], abs(len(token) - len(word)), token

        alternatives = [word] if word in COMMON_WORDS else sorted(found.get(position, set()), key=nearness)[:per_word]
        rows.append((word, alternatives))
    unknown = [not alternatives or alternatives[0] != word for word, alternatives in rows]
    if any(unknown):
        return [
            alternatives if is_unknown else [word]
            for (word, alternatives), is_unknown in zip(rows, unknown, strict=True)
        ]
    return [alternatives for _, alternatives in rows]
