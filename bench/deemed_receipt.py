"""deemed_receipt calls per second over a year of random instants.

    .venv/bin/python bench/deemed_receipt.py [--calls 200000] [--year 2026]

Pure computation (no database): the calendar is built once, as the portal does
per request, with the year's general holidays and three closures. Prints JSON.
"""

import argparse
import json
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from icms.calendar.core import Closure, RegistryCalendar, deemed_receipt, next_opening

HKT = ZoneInfo("Asia/Hong_Kong")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    start = datetime(args.year, 1, 1, tzinfo=HKT)
    span = (datetime(args.year + 1, 1, 1, tzinfo=HKT) - start).total_seconds()
    instants = [start + timedelta(seconds=rng.uniform(0, span)) for _ in range(args.calls)]
    calendar = RegistryCalendar(
        closures=[
            Closure(datetime(args.year, 7, 20, 6, tzinfo=HKT), datetime(args.year, 7, 21, 15, 10, tzinfo=HKT)),
            Closure(datetime(args.year, 9, 23, 20, tzinfo=HKT), datetime(args.year, 9, 25, 8, 45, tzinfo=HKT)),
            Closure(datetime(args.year, 6, 2, 7, tzinfo=HKT), datetime(args.year, 6, 2, 11, tzinfo=HKT)),
        ]
    )
    deemed_receipt(start, calendar)  # warm the holiday table for the year
    deemed_receipt(start + timedelta(days=366), calendar)

    started = time.perf_counter()
    deferred = 0
    for at in instants:
        deferred += deemed_receipt(at, calendar).deferred
    elapsed = time.perf_counter() - started

    started = time.perf_counter()
    for at in instants[: args.calls // 4]:
        next_opening(at, calendar)
    opening_elapsed = time.perf_counter() - started

    print(
        json.dumps(
            {
                "benchmark": "deemed_receipt over a year of random instants",
                "year": args.year,
                "calls": args.calls,
                "deemed_receipt_calls_per_second": round(args.calls / elapsed),
                "microseconds_per_call": round(elapsed / args.calls * 1e6, 2),
                "share_deferred": round(deferred / args.calls, 3),
                "next_opening_calls_per_second": round((args.calls // 4) / opening_elapsed),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
