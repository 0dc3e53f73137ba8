"""Bulk filing of summonses by prosecuting departments (issue 15, part 2; docs/bulk-filing.md).

* :mod:`.columns` — the manifest's columns, in English and Chinese;
* :mod:`.manifest` — reading a CSV or XLSX manifest;
* :mod:`.rows` — checking each row; :mod:`.pdfs` — checking and storing its PDF, one at a time;
* :mod:`.messages` — each row's errors and how to fix them, in the reader's language;
* :mod:`.services` — the batch: checked, filed (one deposit payment), resumed, cancelled;
* :mod:`.running` — the worker that files the rows; :mod:`.template_files` — the templates;
* :mod:`.record` — what becomes part of the record: a filed row, and the manifest once a row is filed;
* :mod:`.releasing`, :mod:`.dropping`, :mod:`.expiry` — rows let go unfiled (a failed row
  dropped, an expired batch): cancelled, their PDFs removed, their fees refunded.
"""
