# Shared steps of scripts/run.sh, scripts/test.sh and .ci/run. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

UV_VERSION="0.13.9"
PG_HOST="${PGHOST_CHECK:-127.0.0.1}"
PG_PORT="${PGPORT_CHECK:-5432}"
REDIS_HOST="127.0.0.1"
REDIS_PORT="6379"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi
}

is_debian_like() { [ -f /etc/debian_version ] && command -v apt-get >/dev/null; }
can_be_root() { [ "$(id -u)" = 0 ] || { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }; }

APT_UPDATED=""
apt_install() {
  # apt_install PKG... : installs the packages that are missing, on Debian or Ubuntu.
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  is_debian_like && can_be_root || return 1
  say "Installing system packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env LANG=C.UTF-8 LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

SUPPORTED_PYTHONS="3.11 3.12 3.13"   # keep in step with requires-python in pyproject.toml

python_version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }
is_supported_python() { local v; v=$(python_version_of "$1") && [[ " $SUPPORTED_PYTHONS " == *" $v "* ]]; }

find_python() {
  # find_python [VERSION]: prints a working interpreter of a supported version (or of VERSION):
  # $ICMS_PYTHON, then python3, then python3.X on the PATH, then pyenv's installs. A pyenv shim
  # for a version that is not selected fails when run, so each candidate is run, not just found.
  local want="${1:-}" candidate version
  local candidates=("${ICMS_PYTHON:-}" python3)
  for version in $SUPPORTED_PYTHONS; do candidates+=("python$version"); done
  for version in $SUPPORTED_PYTHONS; do
    candidates+=("${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version"*/bin/python3)
  done
  for candidate in "${candidates[@]}"; do
    [ -n "$candidate" ] || continue
    is_supported_python "$candidate" || continue
    if [ -z "$want" ] || [ "$(python_version_of "$candidate")" = "$want" ]; then
      command -v "$candidate" 2>/dev/null || echo "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_uv() {
  local bootstrap
  bootstrap=$(find_python) || die "Python ${SUPPORTED_PYTHONS// /, } is needed; found $(python3 --version 2>&1). Set ICMS_PYTHON to one."
  if [ ! -x .tools/bin/uv ] || [ "$(.tools/bin/uv --version 2>/dev/null | awk '{print $2}')" != "$UV_VERSION" ]; then
    say "Installing uv $UV_VERSION into .tools/"
    "$bootstrap" -m venv .tools
    .tools/bin/pip install -q "uv==$UV_VERSION"
  fi
}

sync_venv() { # sync_venv DIR PYTHON: the locked dependencies into DIR for that interpreter
  UV_PROJECT_ENVIRONMENT="$1" .tools/bin/uv sync --frozen --quiet --python "$2"
}

ensure_python_env() {
  local python
  python=$(find_python) || die "Python ${SUPPORTED_PYTHONS// /, } is needed; found $(python3 --version 2>&1). Set ICMS_PYTHON to one."
  ensure_uv
  say "Installing the locked Python dependencies into .venv/ (Python $(python_version_of "$python"))"
  sync_venv .venv "$python"
}

ensure_node_modules() {
  command -v npm >/dev/null || apt_install nodejs npm || die "Node.js and npm are needed for the browser tests."
  if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing the npm tooling (axe-core, vnu-jar)"
    npm ci --no-audit --no-fund --silent
  fi
}

pg_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null || python3 - "$PG_HOST" "$PG_PORT" <<'PY'
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex((sys.argv[1], int(sys.argv[2]))) == 0 else 1)
PY
}
redis_up() { python3 - "$REDIS_HOST" "$REDIS_PORT" <<'PY'
import socket, sys
try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1)
    s.sendall(b"PING\r\n"); sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
except OSError:
    sys.exit(1)
PY
}

wait_for() { # wait_for CHECK SECONDS
  local i
  for i in $(seq 1 "$2"); do "$1" && return 0; sleep 1; done
  return 1
}

start_postgres_from_packages() {
  apt_install postgresql postgresql-contrib || return 1
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  [ -n "$version" ] || return 1
  say "Starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
    || as_root pg_ctlcluster "$version" main start || return 1
  wait_for pg_up 30
}

start_redis_from_packages() {
  apt_install redis-server || return 1
  say "Starting Redis"
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null
  wait_for redis_up 15
}

docker_usable() { command -v docker >/dev/null && docker info >/dev/null 2>&1; }

ensure_services() {
  local need=()
  pg_up || need+=(postgres)
  redis_up || need+=(redis)
  [ ${#need[@]} -eq 0 ] && return 0
  say "Not answering: ${need[*]}"
  if is_debian_like && can_be_root; then
    for svc in "${need[@]}"; do
      case $svc in
        postgres) start_postgres_from_packages || die "Could not start PostgreSQL from the system packages." ;;
        redis) start_redis_from_packages || die "Could not start Redis from the system packages." ;;
      esac
    done
  elif docker_usable; then
    say "Starting them with docker compose"
    docker compose up -d db redis
    wait_for pg_up 60 || die "PostgreSQL did not come up in docker compose."
    wait_for redis_up 30 || die "Redis did not come up in docker compose."
  else
    die "PostgreSQL 15+ (with the contrib extensions pg_trgm and unaccent) and Redis 7 must be running on
127.0.0.1:5432 and 127.0.0.1:6379. Install them with your system's packages
(Debian/Ubuntu: sudo apt-get install postgresql postgresql-contrib redis-server),
or start them with: docker compose up -d db redis"
  fi
}

psql_admin() {
  # Runs psql as a role that can create databases: ourselves if we may, else the postgres OS user.
  if psql -h "$PG_HOST" -p "$PG_PORT" -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    psql -h "$PG_HOST" -p "$PG_PORT" -d postgres -v ON_ERROR_STOP=1 -Atq "$@"
  else
    as_root runuser -u postgres -- psql -d postgres -v ON_ERROR_STOP=1 -Atq "$@"
  fi
}

ensure_database_role() {
  # On a fresh Debian PostgreSQL only "postgres" exists; give the current OS user a role.
  if ! psql -h "$PG_HOST" -p "$PG_PORT" -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    local me
    me=$(id -un)
    say "Creating a PostgreSQL role for $me"
    as_root runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qc "CREATE ROLE \"$me\" LOGIN SUPERUSER" 2>/dev/null || true
  fi
}

ensure_database() { # ensure_database NAME : UTF-8 ctype, so pg_trgm can index Chinese.
  local name="$1"
  ensure_database_role
  if [ "$(psql_admin -c "select 1 from pg_database where datname = '$name'")" != "1" ]; then
    say "Creating database $name (UTF8, C.UTF-8)"
    psql_admin -c "CREATE DATABASE \"$name\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
  fi
}

RENDERING_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk)
ensure_rendering_packages() {
  # WeasyPrint's Pango and HarfBuzz, and a CJK font: without the font every Chinese character
  # in an acknowledgement, receipt or seal renders as an empty box.
  if ! apt_install "${RENDERING_PACKAGES[@]}"; then
    local missing=()
    for pkg in "${RENDERING_PACKAGES[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    if [ ${#missing[@]} -gt 0 ]; then
      printf '\033[33mWARNING: PDFs need %s; install them (as root): apt-get install %s\033[0m\n' \
        "${missing[*]}" "${missing[*]}" >&2
    fi
  fi
}

ensure_dotenv() {
  if [ ! -f .env ]; then
    say "Writing .env with development values and a fresh SECRET_KEY"
    local key
    key=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
    sed "s/^SECRET_KEY=.*/SECRET_KEY=$key/" dev.env.example > .env
  fi
  # A .env written before a development-only switch existed gets it now: the switches
  # are off unless turned on, and `make run` needs them on (the sandbox gateway).
  local line
  while IFS= read -r line; do
    case "$line" in "#"* | "") continue ;; esac
    if ! grep -q "^${line%%=*}=" .env; then
      say "Adding ${line%%=*} to .env (from dev.env.example)"
      echo "$line" >> .env
    fi
  done < dev.env.example
}
