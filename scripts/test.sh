#!/usr/bin/env bash
# Runs the whole test suite: lint, format, migrations, types, translations,
# then pytest on real PostgreSQL and Redis, with the browser journeys in Chromium.
# Extra arguments go to pytest (for example: scripts/test.sh tests/core -x).
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
# The restore drill (tests/faults/test_restore_drill.py) backs up and restores with pgBackRest.
[ -x /usr/bin/pgbackrest ] || die "pgBackRest is needed for the restore drill: apt-get install pgbackrest (or run .ci/run)."

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
say "pytest"
.venv/bin/pytest "$@"
