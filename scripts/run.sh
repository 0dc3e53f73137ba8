#!/usr/bin/env bash
# Takes a fresh clone to a working portal at http://127.0.0.1:8000 with demo data:
# venv, locked dependencies, PostgreSQL and Redis (started if down), migrations,
# demo data, then the Celery worker and beat in the background and the web server
# in the foreground. Ctrl-C stops all three.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_python_env
ensure_rendering_packages
ensure_services
ensure_dotenv
ensure_database icms
mkdir -p var/log var/run

PY=.venv/bin/python
say "Applying migrations"
$PY manage.py migrate --noinput
$PY manage.py check --database default

say "Loading demo data"
demo_output=$($PY manage.py load_demo_data)

pids=()
cleanup() {
  trap - EXIT INT TERM
  say "Stopping worker and beat"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

say "Starting the Celery worker (log: var/log/worker.log)"
.venv/bin/celery -A icms worker --loglevel INFO --concurrency 2 --hostname "worker@%h" >var/log/worker.log 2>&1 &
pids+=($!)
say "Starting Celery beat (log: var/log/beat.log)"
.venv/bin/celery -A icms beat --loglevel INFO --schedule var/run/celerybeat-schedule >var/log/beat.log 2>&1 &
pids+=($!)

echo
echo "$demo_output"
echo
say "The portal is at http://127.0.0.1:8000   (health: /healthz, mail outbox: /dev/outbox/, admin: /admin/)"
$PY manage.py runserver 127.0.0.1:8000
