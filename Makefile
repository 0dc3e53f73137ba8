# The two commands that matter (see README.md):
#   make run    set up everything and run the portal with demo data at http://127.0.0.1:8000
#   make test   run the whole test suite
.PHONY: run serve serve-load test test-pythons lint format messages bench
run:
	./scripts/run.sh

# The portal as deployed on one host (DEBUG off, gunicorn, two worker queues, S3): docs/deployment.md
serve:
	./scripts/serve.sh

serve-load:
	.venv/bin/python bench/serve_load.py

test:
	./scripts/test.sh

# The other supported Pythons (3.11, 3.12, 3.13) found on this machine: scripts/test_pythons.sh
test-pythons:
	./scripts/test_pythons.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

# Refresh the translation catalogues after changing strings, then translate the new entries.
messages: export DJANGO_SETTINGS_MODULE = icms.settings.test
messages:
	.venv/bin/python manage.py makemessages -l zh_Hant --no-obsolete --no-location --ignore=.venv* --ignore=node_modules --ignore=.tools
	.venv/bin/python manage.py compilemessages -l zh_Hant

bench:
	.venv/bin/python bench/run_all.py
