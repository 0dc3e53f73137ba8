#!/usr/bin/env bash
# Runs the whole test suite: lint, format, migrations, types, translations,
# then pytest on real PostgreSQL and Redis, with the browser journeys in Chromium.
# Extra arguments go to pytest (for example: scripts/test.sh tests/core -x). pytest runs in
# ICMS_TEST_WORKERS processes (pytest-xdist; default 2, the CI machine's cores): each has its own
# test database, Redis database, Celery queue and media directory (icms/settings/test.py).
# `scripts/test.sh -n 0 ...` (or ICMS_TEST_WORKERS=0) runs it in one process, as a debugger needs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_python_env
ensure_node_modules
ensure_services
ensure_database_role
[ -x /usr/bin/chromium ] || die "Chromium is needed for the browser tests: apt-get install chromium (or run .ci/run)."
# The Nu HTML Checker (vnu.jar, from npm) in tests/e2e/test_crawl.py runs on Java.
command -v java >/dev/null || die "Java is needed for the HTML checker in the crawl test: apt-get install default-jre-headless (or run .ci/run)."
# The throttle through a real reverse proxy (tests/faults/test_reverse_proxy.py) runs nginx.
[ -x /usr/sbin/nginx ] || die "nginx is needed for the reverse-proxy tests: apt-get install nginx (or run .ci/run)."
# The restore drill (tests/faults/test_restore_drill.py) and the production S3 repository against moto
# (tests/faults/test_backups_s3.py) back up and restore with pgBackRest.
[ -x /usr/bin/pgbackrest ] || die "pgBackRest is needed for the restore drill and the S3 backup test: apt-get install pgbackrest (or run .ci/run)."

export DJANGO_SETTINGS_MODULE=icms.settings.test
PY=.venv/bin/python

say "ruff check"
.venv/bin/ruff check .
say "ruff format --check"
.venv/bin/ruff format --check .
say "makemigrations --check"
$PY manage.py makemigrations --check --dry-run
say "mypy (strict, the whole tree)"
.venv/bin/mypy
say "pytest (${ICMS_TEST_WORKERS:-2} workers)"
# worksteal: each worker starts on its half of the tests in order (a module's tests stay together
# and share its fixtures), and one that runs out takes from the other's queue.
.venv/bin/pytest -n "${ICMS_TEST_WORKERS:-2}" --dist worksteal "$@"
