"""The filing app's staff screens: the registry's review queue, court documents and reference lists.

Thin: every decision goes through :mod:`filing.services`, which audits it. Importing
the modules registers their admins.
"""

from . import cases, court_documents, reference_lists, review

__all__ = ["cases", "court_documents", "reference_lists", "review"]
