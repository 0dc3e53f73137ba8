#!/usr/bin/env bash
# `make serve`: the portal as it would be deployed on one host (docs/deployment.md).
#
#   * DEBUG off, with production's code paths: whitenoise serves collected static files,
#     documents go to S3 (a local S3 API server, moto's), emails are written to files;
#   * the release step first: migrate, collectstatic, the bucket (storage_setup), demo data;
#   * gunicorn with several workers; two Celery workers, one for PDF rendering (queue
#     "rendering") and one for everything else (queue "celery"); beat.
#
# Plain HTTP on 127.0.0.1 (a deployment puts the TLS proxy of deploy/nginx/ in front), and
# the sandbox payment gateway turned on explicitly, since no real provider is configured:
# `check --deploy` would refuse both, which is why this is "staging", not production.
# The local S3 server keeps documents in memory, so each run starts from a fresh database.
#
# Environment: SERVE_PORT (8000), SERVE_DATABASE (icms_serve), SERVE_S3_PORT (9100),
# SERVE_WEB_WORKERS (4), SERVE_DEMO_DATA (1). Ctrl-C (or SIGTERM) stops every process.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT="${SERVE_PORT:-8000}"
DATABASE="${SERVE_DATABASE:-icms_serve}"
S3_PORT="${SERVE_S3_PORT:-9100}"
WEB_WORKERS="${SERVE_WEB_WORKERS:-4}"
LOGS=var/log/serve
mkdir -p "$LOGS" var/run var/serve/mail

ensure_python_env
ensure_rendering_packages
ensure_services
ensure_dotenv
ensure_database_role
if [ "$(psql_admin -c "select 1 from pg_database where datname = '$DATABASE'")" = "1" ]; then
  say "Recreating database $DATABASE (the local S3 server keeps no documents between runs)"
  psql_admin -c "DROP DATABASE \"$DATABASE\" WITH (FORCE)"
fi
ensure_database "$DATABASE"

# Production settings with this host's values; .env is read for its SECRET_KEY only.
secret_key=$(sed -n 's/^SECRET_KEY=//p' .env | head -1)
export DJANGO_SETTINGS_MODULE=icms.settings.base
export DJANGO_READ_DOT_ENV_FILE=false
export DJANGO_DEBUG=false
export SECRET_KEY="$secret_key"
export DATABASE_URL="postgres:///$DATABASE"
# A Redis database of its own: a `make run` worker must never take this portal's tasks.
export REDIS_URL="${SERVE_REDIS_URL:-redis://127.0.0.1:6379/9}"
export ALLOWED_HOSTS="127.0.0.1,localhost"
export SITE_URL="http://127.0.0.1:$PORT"
export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0
export EMAIL_URL="filemail:///var/serve/mail"
export ICMS_ENVIRONMENT=staging
export PAYMENT_SANDBOX_ENABLED=true
export DEMO_DATA_ALLOWED=true
export CELERY_RENDERING_QUEUE=rendering
export AWS_STORAGE_BUCKET_NAME=icms-documents AWS_DRAFTS_BUCKET_NAME=icms-drafts
export AWS_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT"
export AWS_S3_REGION_NAME=us-east-1
export AWS_ACCESS_KEY_ID=serve AWS_SECRET_ACCESS_KEY=serve
export STATIC_ROOT=var/static
export STATICFILES_BACKEND=whitenoise.storage.CompressedManifestStaticFilesStorage

pids=()
cleanup() {
  trap - EXIT INT TERM
  say "Stopping the portal"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

start() { # start NAME COMMAND... : in the background, logging to var/log/serve/NAME.log
  local name="$1"
  shift
  "$@" >"$LOGS/$name.log" 2>&1 &
  pids+=($!)
}

PY=.venv/bin/python
rm -f "var/run/serve-$PORT.env"
say "Starting the local S3 server on port $S3_PORT (log: $LOGS/s3.log)"
start s3 "$PY" -m moto.server -H 127.0.0.1 -p "$S3_PORT"
s3_up() { "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $S3_PORT), 1)" 2>/dev/null; }
wait_for s3_up 30 || die "The S3 server did not start: see $LOGS/s3.log"

say "Release step: migrations, static files, the bucket, demo data"
$PY manage.py migrate --noinput >"$LOGS/release.log"
$PY manage.py collectstatic --noinput >>"$LOGS/release.log"
$PY manage.py storage_setup
if [ "${SERVE_DEMO_DATA:-1}" = 1 ]; then
  demo_output=$($PY manage.py load_demo_data)
fi

say "Starting gunicorn ($WEB_WORKERS workers), two Celery workers and beat (logs: $LOGS/)"
start web .venv/bin/gunicorn icms.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WEB_WORKERS" \
  --threads 4 --timeout 120 --access-logfile -
start worker .venv/bin/celery -A icms worker --queues celery --hostname "default@%h" --concurrency 2 --loglevel INFO
start worker-rendering .venv/bin/celery -A icms worker --queues rendering --hostname "rendering@%h" \
  --concurrency 2 --loglevel INFO
start beat .venv/bin/celery -A icms beat --loglevel INFO --schedule var/run/serve-celerybeat-schedule
web_up() { "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=2)" 2>/dev/null; }
wait_for web_up 60 || die "The web server did not answer: see $LOGS/web.log"
# The environment of this portal, for the load test and for manage.py commands against it.
( umask 077; export -p | grep -E ' (DJANGO_|SECRET_KEY|DATABASE_URL|REDIS_URL|ALLOWED_HOSTS|SITE_URL|SECURE_|EMAIL_URL|ICMS_|PAYMENT_SANDBOX|DEMO_DATA|CELERY_|AWS_|STATIC)' >"var/run/serve-$PORT.env" )

echo
[ -n "${demo_output:-}" ] && echo "$demo_output" && echo
say "The portal is at http://127.0.0.1:$PORT  (DEBUG off; health: /healthz; emails: var/serve/mail/)"
say "The load test starts a portal of its own: make serve-load"
wait -n "${pids[@]}" || true
die "A process of the portal stopped: see $LOGS/"
