"""How long refusing each PDF bomb takes, and how much memory it holds while refusing.

    .venv/bin/python bench/pdf_bombs.py [--repeat 3]

The bombs are ``tests/filing/pdf_bombs.py``'s (a file of a few hundred KB standing for
hundreds of MB, a huge image, too many pages, ...); ``tests/filing/test_pdf_bounds.py``
holds each to its own refusal code and the memory it may hold. Unbounded, several took
minutes or ran out of memory; bounded, each is refused in well under a second. That is a
figure, printed here, not a bound in the suite (speed targets are the benchmarks').
Prints JSON: per bomb its size, the refusal code, the best wall and CPU time of
``--repeat`` runs, and the peak of Python's allocations (tracemalloc) in the last run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icms.settings.test")

import django  # noqa: E402

django.setup()

from filing.pdf_checks import PdfRejected, validate_pdf  # noqa: E402
from tests.filing.pdf_bombs import BOMBS, bomb  # noqa: E402


def refuse(data: bytes) -> str:
    try:
        validate_pdf(data)
    except PdfRejected as rejected:
        return str(rejected.rejection.value)
    return "accepted"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    report: dict[str, dict[str, object]] = {}
    slowest_ms = 0.0
    for name, (_, expected) in BOMBS.items():
        data = bomb(name)
        walls: list[float] = []
        cpus: list[float] = []
        for _ in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            code = refuse(data)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        tracemalloc.start()
        refuse(data)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        slowest_ms = max(slowest_ms, min(walls) * 1000)
        report[name] = {
            "size_kb": round(len(data) / 1024, 1),
            "refused_as": code,
            "expected": str(expected.value),
            "wall_ms": round(min(walls) * 1000, 1),
            "cpu_ms": round(min(cpus) * 1000, 1),
            "python_peak_mb": round(peak / 1024 / 1024, 1),
        }
    print(
        json.dumps(
            {
                "bombs": report,
                "slowest_wall_ms": round(slowest_ms, 1),
                "all_refused_with_their_own_code": all(f["refused_as"] == f["expected"] for f in report.values()),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
