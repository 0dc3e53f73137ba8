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

from .base import *  # noqa: F403

# Fast hashing in tests; production keeps Argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
if not AWS_STORAGE_BUCKET_NAME:  # noqa: F405 - with a bucket (a process of the S3 tests) there is no directory
    STORAGES["default"]["OPTIONS"]["location"] = MEDIA_ROOT  # noqa: F405

# Each pytest-xdist worker gets its own cache prefix and Celery queue, so parallel
# runs (and a developer's running worker) never consume each other's messages.
# Redis databases 1-15 are for tests: "main" (no xdist) uses 1, gw0 uses 2, and so on.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
_REDIS_TEST_DB = 1 if _XDIST_WORKER == "main" else 2 + int(_XDIST_WORKER.removeprefix("gw")) % 14
REDIS_URL = os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:6379/{_REDIS_TEST_DB}")
CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = f"icms-test-{_XDIST_WORKER}"
# Outbox work runs in the test's own process when its on-commit dispatch runs (after a
# real commit, or inside django_capture_on_commit_callbacks(execute=True)). Tests of the
# real wiring start a worker with the celery_worker_process fixture, which turns this off
# (in the test process, and with CELERY_TASK_ALWAYS_EAGER=false in the worker's).
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "true").lower() == "true"
DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}  # noqa: F405

# A test-only app with a real model that joins deemed-receipt re-stamping, so the
# mechanism is tested against a real table before the filing models exist.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.stamping_app"]  # noqa: F405
