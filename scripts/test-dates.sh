#!/usr/bin/env bash
# Runs the pytest suite with the process clock moved to other dates (libfaketime), to
# prove that no test depends on today's date. PostgreSQL's own clock is not moved: a
# test that compares the two takes both from one source (tests/clock.py).
#   scripts/test-dates.sh                      # 2027-06-01 and 2031-01-01
#   scripts/test-dates.sh 2028-02-29 -x        # one date; further arguments go to pytest
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v faketime >/dev/null || apt_install faketime || die "libfaketime is needed: apt-get install faketime"
ensure_python_env
ensure_node_modules
ensure_services
ensure_database_role
export DJANGO_SETTINGS_MODULE=icms.settings.test

dates=()
while [ $# -gt 0 ] && [[ $1 =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]]; do dates+=("$1"); shift; done
[ ${#dates[@]} -gt 0 ] || dates=(2027-06-01 2031-01-01)
for day in "${dates[@]}"; do
  say "pytest with the clock at $day 10:00 UTC"
  # "@" starts the clock there and lets it run, so timeouts and polling still work.
  faketime -f "@$day 10:00:00" .venv/bin/pytest --create-db "$@"
done
