"""Test settings: the same settings as production, with values for a test run.

The suite runs on real PostgreSQL and real Redis. Only values differ.
"""

import os

os.environ.setdefault("DJANGO_READ_DOT_ENV_FILE", "false")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghijkl")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("EMAIL_URL", "smtp://localhost:25")
os.environ.setdefault("CACHE_KEY_PREFIX", "icms-test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# The suite pays through the sandbox gateway and loads the demo data, both development-only.
os.environ.setdefault("PAYMENT_SANDBOX_ENABLED", "true")
os.environ.setdefault("DEMO_DATA_ALLOWED", "true")
# Webhook tests post to a receiver on 127.0.0.1 over plain HTTP.
os.environ.setdefault("WEBHOOKS_ALLOW_INSECURE", "true")

from .base import *  # noqa: F403

# Fast hashing in tests; production keeps Argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True
# Each pytest-xdist worker (scripts/test.sh runs two) gets its own Redis database, Celery
# queue and media directory, so parallel workers (and a developer's running worker) never
# consume, flush or overwrite each other's. A process the tests start (a Celery worker,
# gunicorn) inherits PYTEST_XDIST_WORKER, so it finds the same ones.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
_WORKER_INDEX = 0 if _XDIST_WORKER == "main" else int(_XDIST_WORKER.removeprefix("gw"))
MEDIA_ROOT = BASE_DIR / "var" / ("test-media" if _XDIST_WORKER == "main" else f"test-media-{_XDIST_WORKER}")  # noqa: F405
if not AWS_STORAGE_BUCKET_NAME:  # noqa: F405 - with a bucket (a process of the S3 tests) there is no directory
    STORAGES["default"]["OPTIONS"]["location"] = MEDIA_ROOT  # noqa: F405
# Drafts' files beside the documents (a directory of their own, as in development).
DRAFTS_ROOT = MEDIA_ROOT.parent / MEDIA_ROOT.name.replace("test-media", "test-drafts")
if not AWS_DRAFTS_BUCKET_NAME:  # noqa: F405
    STORAGES["drafts"]["OPTIONS"]["location"] = DRAFTS_ROOT  # noqa: F405


def _redis_test_url() -> str:
    """This process's Redis database. Databases 1-15 are for tests: without TEST_REDIS_URL,
    "main" (no xdist) uses 1, gw0 2, gw1 3 and so on; with TEST_REDIS_URL=redis://.../N, main and
    gw0 use N, gw1 N+1 and so on (wrapping round within 1-15). A worker puts its answer back in
    the environment, marked as its own, so a process it starts takes the URL it is given as it is."""
    given = os.environ.get("TEST_REDIS_URL")
    if _XDIST_WORKER == "main" or os.environ.get("ICMS_TEST_REDIS_URL_OF") == _XDIST_WORKER:
        return given or "redis://127.0.0.1:6379/1"
    if not given:
        url = f"redis://127.0.0.1:6379/{2 + _WORKER_INDEX % 14}"
    else:
        base, _, db = given.rpartition("/")
        number = (int(db) if db.isdigit() else 0) + _WORKER_INDEX
        url = f"{base}/{number if number <= 15 else 1 + (number - 1) % 15}"
    os.environ["TEST_REDIS_URL"], os.environ["ICMS_TEST_REDIS_URL_OF"] = url, _XDIST_WORKER
    return url


REDIS_URL = _redis_test_url()
CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = f"icms-test-{_XDIST_WORKER}"
# Outbox work runs in the test's own process when its on-commit dispatch runs (after a
# real commit, or inside django_capture_on_commit_callbacks(execute=True)). Tests of the
# real wiring start a worker with the celery_worker_process fixture, which turns this off
# (in the test process, and with CELERY_TASK_ALWAYS_EAGER=false in the worker's).
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "true").lower() == "true"
DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}  # noqa: F405
# Django's flush, after every transactional test, empties the tables with TRUNCATE; the audit
# log's trigger (core 0015) refuses that unless the session allows it. Only a test database does.
DATABASES["default"]["OPTIONS"]["options"] += " -c icms.audit_truncate=allow"  # noqa: F405

# A test-only app with a real model that joins deemed-receipt re-stamping, so the
# mechanism is tested against a real table before the filing models exist.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.stamping_app"]  # noqa: F405
