"""``make bench``: the quick benchmarks, one after another, and a summary of their ratios.

    .venv/bin/python bench/run_all.py [--with-corpus] [--with-staff-lists]

Runs each bench in its own process (they set up Django each with their own settings) and
prints its JSON, then one line per target: the figure, the target and whether it was met.

* ``bench/documents.py``: the whole 10 MB upload request against hashing and writing the
  file (target at most 2x), receiving, rendering; its database is made on the first run.
* ``bench/worker_memory.py``: a worker's memory after 200 acknowledgements against after
  20 (target at most 1.10).
* ``bench/pages.py``: home and /healthz timings in-process (the development database).
* ``bench/deemed_receipt.py``: the calendar's deemed-receipt arithmetic.
* ``bench/pdf_bombs.py``: how long refusing each PDF bomb takes (a figure; the suite holds
  each to its refusal code and its memory).

``--with-staff-lists`` adds ``bench/admin_lists.py``: the staff site's lists of the tables
that grow with the register, over its own generated database of millions of rows (made on
the first run, in about 18 minutes, and kept).

``--with-corpus`` adds the cause book's benches, which need a corpus database made with
``generate_corpus`` (docs/causebook.md) in ``DATABASE_URL`` and ``wrk`` for the pages:
``bench/causebook_search.py``, ``bench/causebook_pages.py`` and ``bench/admin_case_search.py``
(the staff site's case list searched by name). ``bench/serve_load.py``
(``make serve-load``) and ``bench/restore_drill.py`` start whole deployments and are run
on their own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent

QUICK = [
    ("documents", ["documents.py"]),
    ("worker_memory", ["worker_memory.py"]),
    ("pages", ["pages.py", "--requests", "200"]),
    ("deemed_receipt", ["deemed_receipt.py"]),
    ("pdf_bombs", ["pdf_bombs.py"]),
]
CORPUS = [
    ("causebook_search", ["causebook_search.py", "--samples", "40"]),
    ("causebook_pages", ["causebook_pages.py", "--seconds", "15"]),
    ("admin_case_search", ["admin_case_search.py"]),
]
#: Its own generated database (bench/admin_lists_data.py): the first run makes it, in about 18 minutes.
STAFF_LISTS = [("admin_lists", ["admin_lists.py"])]


def _json(output: str) -> object:
    """The bench's JSON: the last top-level object it printed."""
    start = output.rfind("\n{")
    text = output[start + 1 :] if start >= 0 else output[output.find("{") :]
    try:
        return json.loads(text)
    except ValueError:
        return None


def _targets(name: str, figures: object) -> list[str]:
    if not isinstance(figures, dict):
        return []
    lines = []
    request = figures.get("request") if name == "documents" else None
    if isinstance(request, dict):
        upload: float = request.get("upload_ratio", float("inf"))
        lines.append(f"upload request / hash+write = {upload} (target <= 2): {'met' if upload <= 2 else 'NOT met'}")
    if name == "worker_memory":
        ratio = next((v for k, v in figures.items() if k.startswith("ratio_")), None)
        if ratio is not None:
            lines.append(
                f"worker RSS after 200 / after 20 = {ratio} (target <= 1.10): {'met' if ratio <= 1.1 else 'NOT met'}"
            )
    if name == "pdf_bombs":
        lines.append(
            f"slowest bomb refused in {figures.get('slowest_wall_ms')} ms; "
            f"each with its own code: {figures.get('all_refused_with_their_own_code')}"
        )
    if name == "causebook_pages":
        shares: dict[str, float] = figures.get("share_of_minimal_view") or {}
        for page, share in shares.items():
            lines.append(f"{page} / minimal view = {share} (target >= 0.25): {'met' if share >= 0.25 else 'NOT met'}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--with-corpus", action="store_true", help="also the cause book benches (corpus and wrk)")
    parser.add_argument("--with-staff-lists", action="store_true", help="also the staff lists over millions of rows")
    arguments = parser.parse_args()
    benches = QUICK + (CORPUS if arguments.with_corpus else []) + (STAFF_LISTS if arguments.with_staff_lists else [])
    summary: list[str] = []
    failed = []
    for name, command in benches:
        started = time.monotonic()
        print(f"== {name}: {' '.join(command)}", flush=True)
        done = subprocess.run([sys.executable, str(ROOT / command[0]), *command[1:]], capture_output=True, text=True)
        print(done.stdout, flush=True)
        if done.returncode != 0:
            failed.append(name)
            print(done.stderr[-3000:], file=sys.stderr, flush=True)
            summary.append(f"{name}: FAILED (exit {done.returncode})")
            continue
        summary.append(f"{name}: {time.monotonic() - started:.0f} s")
        summary += [f"  {line}" for line in _targets(name, _json(done.stdout))]
    print("== summary")
    print("\n".join(summary))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
