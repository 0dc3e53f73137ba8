"""Page timings in-process: the home page, and /healthz with persistent vs per-request connections.

    .venv/bin/python bench/pages.py [--requests 500]

Prints JSON. Uses the development database (DATABASE_URL, default postgres:///icms),
which `make run` creates. Figures are server time inside Django, without a network hop.
"""

import argparse
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icms.settings.base")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()
logging.getLogger("django.request").setLevel(logging.CRITICAL)  # /healthz may be 503 without a worker

from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402


def measure(path: str, requests: int) -> dict[str, float]:
    client = Client()
    client.get(path)  # warm up
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 3),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 3),
        "requests_per_s": round(1000 * len(timings) / sum(timings), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    home = measure("/", args.requests)
    persistent = measure("/healthz", args.requests)
    for conn in connections.all():
        conn.close()
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    for conn in connections.all():
        conn.settings_dict["CONN_MAX_AGE"] = 0
    per_request = measure("/healthz", args.requests)
    results = {
        "home": home,
        "healthz_persistent_connection": persistent,
        "healthz_connection_per_request": per_request,
        "connection_per_request_slowdown": round(per_request["p50_ms"] / persistent["p50_ms"], 2),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
