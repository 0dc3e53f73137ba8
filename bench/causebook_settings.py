"""Settings for bench/causebook_pages.py: production settings, plus two ceiling views' URLs."""

import os

os.environ.setdefault("DJANGO_READ_DOT_ENV_FILE", "false")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
# Autorefresh (on with finders) scans the static files on every request: off, as in production.
os.environ.setdefault("WHITENOISE_USE_FINDERS", "false")

from icms.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.causebook_urls"
LOGGING["root"]["level"] = "WARNING"  # type: ignore[index]  # noqa: F405
