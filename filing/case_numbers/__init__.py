"""Case numbers, in one place.

* :mod:`.grammar`: the one grammar people type (``dccj no. 1204 of 2026``) and the form
  the court writes (``DCCJ 1204/2026``). Pure, so the models can use it.
* :mod:`.numbering`: giving out the next number without gaps, and finding a case by
  its number for a user (or for registry staff).

Only the grammar is re-exported here: importing the package must not import the models,
which import it.
"""

from .grammar import CaseNumber, format_case_number, parse_case_number

__all__ = ["CaseNumber", "format_case_number", "parse_case_number"]
