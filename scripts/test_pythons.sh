#!/usr/bin/env bash
# Proves the portal on the supported Pythons other than the one in .venv/: for each one found
# on this machine (or the versions given in ICMS_OTHER_PYTHONS, for example "3.12 3.13"), it
# syncs the same lock file into .venv-X.Y/ and runs Django's checks, the migration check and
# the tests of legal time, money and accounts (encryption, MFA) (the browser journeys and fault injection,
# which exercise the same code, stay with the main run to keep CI under its time budget).
# Extra arguments replace the subset (for example: scripts/test_pythons.sh tests/filing). Like
# scripts/test.sh it runs pytest in ICMS_TEST_WORKERS (default 2) pytest-xdist workers.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_uv
main_version=$(python_version_of .venv/bin/python || true)
wanted="${ICMS_OTHER_PYTHONS:-}"
if [ -z "$wanted" ]; then
  # The newest other supported version found: the one furthest from .venv's.
  for version in $SUPPORTED_PYTHONS; do
    [ "$version" != "$main_version" ] && find_python "$version" >/dev/null && wanted="$version"
  done
fi
[ -n "$wanted" ] || { say "No other supported Python (${SUPPORTED_PYTHONS}) on this machine: skipped"; exit 0; }

subset=("$@")
[ ${#subset[@]} -gt 0 ] || subset=(tests/calendar tests/payments tests/accounts -m "not e2e")

export DJANGO_SETTINGS_MODULE=icms.settings.test
for version in $wanted; do
  python=$(find_python "$version") || die "Python $version was asked for (ICMS_OTHER_PYTHONS) but is not installed."
  say "Python $version ($python): the locked dependencies into .venv-$version/"
  sync_venv ".venv-$version" "$python"
  ".venv-$version/bin/python" manage.py check
  ".venv-$version/bin/python" manage.py makemigrations --check --dry-run
  say "Python $version: pytest ${subset[*]}"
  ".venv-$version/bin/pytest" -n "${ICMS_TEST_WORKERS:-2}" --dist worksteal "${subset[@]}"
done
