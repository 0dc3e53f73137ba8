"""The filing app's staff screens: the registry's review queue, court documents, reference lists and bulk batches.

Thin: every decision goes through :mod:`filing.services`, which audits it. Importing
the modules registers their admins.
"""

from . import bulk, cases, court_documents, reference_lists, review

__all__ = ["bulk", "cases", "court_documents", "reference_lists", "review"]
