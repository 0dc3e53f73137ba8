"""Every setting of the iCMS portal, read from the environment.

Production differs from development by values only, never by code. Values come
from the process environment (or a ``.env`` file beside ``manage.py`` in
development) through one reader, :data:`env` (``icms/settings/_env.py``), which:

* accepts Docker-style ``NAME_FILE`` secrets (``SECRET_KEY_FILE=/run/secrets/key``);
* fails loudly, at start-up, on a value it cannot parse.

Storage has a module of its own, ``icms/settings/_storage.py``, imported below.
See ``docs/configuration.md`` for the full list of variables.
"""

from __future__ import annotations

from decimal import Decimal

import django_stubs_ext
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Imported "as" themselves: exported to the settings modules that `import *` from here.
from ._env import BASE_DIR as BASE_DIR
from ._env import StrictEnv as StrictEnv
from ._env import env as env

# Django's generic classes take their type parameters at run time too, as django-stubs
# types them: ``admin.ModelAdmin[Case]``, ``forms.ModelChoiceField[Membership]``.
django_stubs_ext.monkeypatch()

# --- Core ---------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="" if not DEBUG else "django-insecure-development-only-key-0123456789abcdef",
)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DJANGO_DEBUG is false.")
# Keys for the values encrypted at rest (icms.core.crypto: HKID numbers); the first
# encrypts. Unset, a key derived from SECRET_KEY is used and check --deploy warns.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
ICMS_ENVIRONMENT = env.str("ICMS_ENVIRONMENT", default="development" if DEBUG else "production")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "icms.core",
    "icms.calendar",
    "accounts",
    "filing",
    "payments",
    "causebook",
    "icms.demo",  # the demo data and its load_demo_data command, above every app
]

# Widgets render through the project's template settings, so templates/ can mend Django's own
# (templates/admin/widgets/split_datetime.html labels its two inputs: issue 20); the common
# widgets are written in Python with the same markup (icms/core/form_renderer.py: issue 16).
FORM_RENDERER = "icms.core.form_renderer.FormRenderer"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Cache-Control and Permissions-Policy on every response, static files' included.
    "icms.core.headers.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A NUL character anywhere in a request is a 400 before any view or query meets it.
    "icms.core.nul.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.AccountSecurityMiddleware",
    "icms.maintenance.MaintenanceMiddleware",
]

ROOT_URLCONF = "icms.urls"
WSGI_APPLICATION = "icms.wsgi.application"
# The web process refuses to start while migrations are pending (icms/core/release.py):
# migrating is a release step of its own, never part of a web start.
RELEASE_REFUSE_PENDING_MIGRATIONS = env.bool("RELEASE_REFUSE_PENDING_MIGRATIONS", default=True)
ASGI_APPLICATION = "icms.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Both engines give their pages the same values (the layout, templates/jinja2/layout.html, is
# written by the second for the pages of both).
TEMPLATE_CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.template.context_processors.i18n",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "csp.context_processors.nonce",
    "icms.core.context_processors.site",
    "icms.core.context_processors.session_timeout",
    "accounts.context_processors.account",
    "icms.calendar.context_processors.maintenance",
    "filing.context_processors.message_box",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": TEMPLATE_CONTEXT_PROCESSORS},
    },
    {
        # The page layout and the cause book's busiest pages (issue 16): templates/jinja2/,
        # asked for by name (render(..., using="jinja2")); see icms/core/jinja.py.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "icms.core.jinja.environment",
            # csrf last: one masked token per page, as the Django template language has it.
            "context_processors": [*TEMPLATE_CONTEXT_PROCESSORS, "icms.core.jinja.csrf"],
            "globals": {"cause_book": "causebook.pages"},
        },
    },
]

# --- Database: PostgreSQL only (pg_trgm, unaccent, a UTF-8 ctype) ------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres:///icms"),
}
# Persistent connections: opening one per request was measured here at 7x slower.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3))
# Every sequential scan starts at the table's beginning: PostgreSQL otherwise lets a large
# scan join one already running, mid-table, so the same statement could read its rows in
# another order from one request to the next (a clerk's page 2 repeating page 1).
# JIT compilation off: the portal's statements are short, and PostgreSQL compiles a plan
# once its estimated cost passes jit_above_cost, which grows with the tables, not with the
# work done. At 2,000,000 cases a cause book count that runs in 2 ms spent 5 ms compiling
# (docs/causebook.md), so the same search grew with the register for nothing.
DATABASES["default"]["OPTIONS"].setdefault("options", "-c synchronize_seqscans=off -c jit=off")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL: the portal needs pg_trgm and unaccent.")

# --- Connection pooling and a read replica (issue 18; docs/deployment.md) ---------------
# Behind PgBouncer in transaction mode: .iterator() opens a server-side cursor that
# outlives its transaction (WITH HOLD), which a pooled connection cannot keep.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DISABLE_SERVER_SIDE_CURSORS", default=False)
# The read replica: public pages read from it, see icms/core/db_router.py.
# Unset: no replica, every query goes to the primary (default).
# A client that wrote reads from the primary for this long ("read your writes").
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=15)
# Further behind than this, the replica is not read (it must stay below the stickiness).
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
REPLICA_LAG_CHECK_SECONDS = env.float("REPLICA_LAG_CHECK_SECONDS", default=5.0)
# An unreachable replica is not tried again for this long (per process).
REPLICA_RETRY_SECONDS = env.float("REPLICA_RETRY_SECONDS", default=30.0)
if REPLICA_MAX_LAG_SECONDS >= REPLICA_STICKY_SECONDS:
    raise ImproperlyConfigured("REPLICA_MAX_LAG_SECONDS must be less than REPLICA_STICKY_SECONDS.")
if env.str("DATABASE_REPLICA_URL", default=""):
    _replica = env.db("DATABASE_REPLICA_URL")
    _as_primary = ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DISABLE_SERVER_SIDE_CURSORS")
    DATABASES["replica"] = {
        **_replica,
        **{key: DATABASES["default"][key] for key in _as_primary},
        # The same connect timeout and session options as the primary; the URL's own win.
        "OPTIONS": {**DATABASES["default"]["OPTIONS"], **_replica.get("OPTIONS", {})},
        # A test run uses the test database through this alias; it never creates one on the replica.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["icms.core.db_router.ReplicaRouter"]
    MIDDLEWARE.append("icms.core.db_router.ReplicaReadsMiddleware")

# --- Redis: cache, sessions and the Celery broker ----------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Short timeouts so that a dead Redis is reported (by /healthz) within a second,
# rather than hanging requests.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)
# The web tier keeps serving while Redis is down (issue 13): the cache is django-redis,
# which then reads as a miss and skips writes (IGNORE_EXCEPTIONS), and its add() fails
# open, so the sign-in and verification limits are off during an outage
# (icms/core/redis_cache.py). Enquire Summons fails closed instead: it answers 503 while its
# limit cannot be counted (causebook/summons_enquiry.py).
CACHES = {
    "default": {
        "BACKEND": "icms.core.redis_cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="icms"),
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            "IGNORE_EXCEPTIONS": True,
        },
    },
}
# Each ignored error is logged; OutageLogFilter (LOGGING below) makes that one warning a while.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Sessions are kept in the database and cached in Redis: an outage of Redis signs nobody out.
# Expired rows are removed by `manage.py clearsessions`.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Celery -------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# A queue of its own for PDF rendering (acknowledgements, seals, receipts, court documents),
# served by its own workers so that rendering never delays emails and payments. Empty: one
# queue for everything, as `make run` has (docs/deployment.md).
CELERY_RENDERING_QUEUE = env.str("CELERY_RENDERING_QUEUE", default="")
CELERY_HEARTBEAT_INTERVAL = env.float("CELERY_HEARTBEAT_INTERVAL", default=30.0)
# A worker whose last heartbeat is older than this is reported as down by /healthz.
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=120)

# --- The outbox of side effects (icms.core.outbox; docs/development.md, "The outbox") ---
# Beat's sweep runs this often: it sends work the dispatch lost, takes work back from a
# worker that died, and reports work that is owed but missing.
OUTBOX_SWEEP_INTERVAL = env.float("OUTBOX_SWEEP_INTERVAL", default=30.0)
# A due row still pending this long after it was sent to Celery is sent again.
OUTBOX_REDISPATCH_AFTER = env.int("OUTBOX_REDISPATCH_AFTER", default=60)
# Transient errors are retried after 5 s, 10 s, 20 s ... at most this long apart.
OUTBOX_BACKOFF_BASE = env.float("OUTBOX_BACKOFF_BASE", default=5.0)
OUTBOX_BACKOFF_MAX = env.float("OUTBOX_BACKOFF_MAX", default=600.0)
# A running row whose worker has not finished this long after its time limit is taken back.
OUTBOX_LEASE_MARGIN = env.int("OUTBOX_LEASE_MARGIN", default=30)
# /healthz degrades when owed work is this much past due.
OUTBOX_OVERDUE_AFTER = env.int("OUTBOX_OVERDUE_AFTER", default=300)
# Finished rows are kept this long for the record of what was done, then purged.
OUTBOX_DONE_RETENTION_DAYS = env.int("OUTBOX_DONE_RETENTION_DAYS", default=30)

# --- Webhooks to organisations' endpoints (accounts.webhooks; docs/webhooks.md) ---
# Off in production: only https:// URLs whose host resolves to public addresses. On (the
# test settings), http:// and loopback or private addresses are allowed too, for a local receiver.
WEBHOOKS_ALLOW_INSECURE = env.bool("WEBHOOKS_ALLOW_INSECURE", default=False)
# A delivery is tried this many times (about 21 hours with the schedule in docs/webhooks.md).
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)

# --- Fixity of stored documents (icms.core.fixity; docs/operations.md, "Fixity") ---
# Every stored object whose record holds a SHA-256 is read and hashed again once per
# cycle. Beat runs a small batch every FIXITY_INTERVAL seconds, sized to finish the
# cycle in time; each run stops after FIXITY_RUN_SECONDS or FIXITY_RUN_MEGABYTES and
# reads no faster than FIXITY_MEGABYTES_PER_SECOND, so it never competes with filing.
FIXITY_CYCLE_DAYS = env.int("FIXITY_CYCLE_DAYS", default=30)
FIXITY_INTERVAL = env.int("FIXITY_INTERVAL", default=300)
FIXITY_RUN_SECONDS = env.int("FIXITY_RUN_SECONDS", default=30)
FIXITY_RUN_MEGABYTES = env.int("FIXITY_RUN_MEGABYTES", default=256)
FIXITY_MEGABYTES_PER_SECOND = env.float("FIXITY_MEGABYTES_PER_SECOND", default=32.0)

# --- Storage (icms/settings/_storage.py) --------------------------------------
# Imported here, not at the top, so that the environment is read in the same order as ever.
from ._storage import *  # noqa: E402, F403

# WhiteNoise serves collected static files in production; in development and
# tests it finds them in place.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS

# --- Email --------------------------------------------------------------------
# "outbox://" keeps mail in Redis for the development outbox page (/dev/outbox/);
# use smtp://127.0.0.1:1025 for Mailpit, or the real relay in production.
EMAIL_URL = env.str("EMAIL_URL", default="outbox://" if DEBUG else "smtp://localhost:25")
if EMAIL_URL.startswith("outbox:"):
    if not DEBUG:
        raise ImproperlyConfigured("EMAIL_URL=outbox:// is for development only (DJANGO_DEBUG=true).")
    EMAIL_BACKEND = "icms.core.devmail.OutboxEmailBackend"
else:
    vars().update(env.email_url_config(EMAIL_URL))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="iCMS <no-reply@icms.example.hk>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
DEV_OUTBOX_ENABLED = DEBUG and EMAIL_BACKEND == "icms.core.devmail.OutboxEmailBackend"

# --- Time and languages ---------------------------------------------------------
TIME_ZONE = "Asia/Hong_Kong"
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("zh-hant", "繁體中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as Hong Kong writes them in each language: "26 Nov 2026" and "2026年11月26日"
# (icms/formats/<locale>/formats.py; templates use named formats, never fixed ones).
FORMAT_MODULE_PATH = ["icms.formats"]
LANGUAGE_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Accounts (django-allauth) ---------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Registration also asks for the name in English (required) and in Chinese (optional), and keeps
# an invitation through sign-up and email verification (accounts/registration.py).
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDetailsForm"
# Confirming the email address in the browser that registered signs the person in: they are not
# asked again for the email address and password they have just typed (WCAG 3.3.7).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[iCMS] "
# allauth's emails go through the outbox (sent by a worker, retried), like every other.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
LOGIN_REDIRECT_URL = "accounts:dashboard"
# Change of email: one address at a time, and the old address is told (issue 4).
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
# A password (or code) given at sign-in counts as a recent one for this long: setting up
# two-factor authentication or changing the email address right after signing in does not
# ask for the password again (accounts.adapter.AccountAdapter.is_reauthentication_required).
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Throttling, counted in the Django cache (Redis): resets and sign-ups per address.
# Failed sign-ins are throttled by accounts/login_throttle.py instead of allauth's
# "login_failed" (whose per-account limit refused even the right password, so anyone
# could lock anyone out): backoff per account and address, a limit per address (issue 18).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/180s/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Two-factor authentication: an authenticator app (TOTP) with recovery codes, offered to
# everyone and required of staff (accounts.middleware.AccountSecurityMiddleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="iCMS")
# A code is accepted for one 30 s step either side of the server's clock (RFC 6238 s. 5.2):
# a code typed as the phone rolls it over, or a phone a few seconds out, still signs in.
MFA_TOTP_TOLERANCE = 1
# TOTP secrets and recovery-code seeds are encrypted at rest under FIELD_ENCRYPTION_KEYS,
# like HKID numbers (issue 18; accounts/mfa_adapter.py, `manage.py reencrypt_secrets`).
MFA_ADAPTER = "accounts.mfa_adapter.MFAAdapter"
# Idle timeouts of a session, by account kind.
FILER_SESSION_IDLE_SECONDS = env.int("FILER_SESSION_IDLE_SECONDS", default=30 * 60)
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=15 * 60)
# Signed-in pages warn this long before the session ends and offer to extend it (WCAG 2.2.1;
# icms/core/session_timeout.py, static/js/session-timeout.js).
SESSION_TIMEOUT_WARNING_SECONDS = env.int("SESSION_TIMEOUT_WARNING_SECONDS", default=2 * 60)
# Where the help page and the accessibility statement send people who need help or another format.
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="icms-support@icms.example.hk")
ACCOUNTS_INVITATION_DAYS = env.int("ACCOUNTS_INVITATION_DAYS", default=7)
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Security -----------------------------------------------------------------
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
# The session is written when it changes; the idle clock itself at most once a minute
# (accounts.middleware, icms.core.session_timeout): not an UPDATE and COMMIT per request.
SESSION_SAVE_EVERY_REQUEST = False
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# --- Client address behind proxies (issue 18) ---
# How many reverse proxies of ours stand in front of gunicorn (docker-compose: nginx, 1).
# The client's address is then the N-th from the right of X-Forwarded-For; 0 means the
# connection's address (icms.core.http.client_ip). allauth gets the same number, and asks
# client_ip anyway (accounts.adapter.AccountAdapter.get_client_ip), so the two agree.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Not a header such as X-Real-IP: only X-Forwarded-For, counted from the right, resists a
# client that sends the header itself.
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
# Failed sign-ins slow down per account and address, never lock the owner out
# (accounts/login_throttle.py, docs/security.md): free tries per address at an account,
# the cap of its doubling wait, failures per address per 15 minutes across accounts, and
# failures on an account per hour past which each address gets one free try there.
LOGIN_FREE_ATTEMPTS = env.int("LOGIN_FREE_ATTEMPTS", default=3)
LOGIN_BACKOFF_CAP_SECONDS = env.int("LOGIN_BACKOFF_CAP_SECONDS", default=15 * 60)
LOGIN_ADDRESS_LIMIT = env.int("LOGIN_ADDRESS_LIMIT", default=30)
LOGIN_ACCOUNT_ALERT = env.int("LOGIN_ACCOUNT_ALERT", default=20)
# --- end client address ---

# Browser features the portal never uses, off for it and anything it embeds
# (icms/core/headers.py). Only features Chromium knows, so no console warnings.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
    },
}

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redis_outage": {"()": "icms.core.redis_cache.OutageLogFilter", "interval": 30.0}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every step at INFO; its warnings still show.
    "loggers": {
        # Redis errors the cache ignored: one warning per 30 s and process, not one per call.
        "django_redis.cache": {"filters": ["redis_outage"]},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
    },
}

# --- Documents (filing) ---------------------------------------------------------
# icms-reference §6: the Judiciary publishes no formats or limits, so these are [P]
# product rules: PDF only, at most 30 MB a file and 100 MB a submission, and a page
# count is recorded. They are checked before anything is stored (filing/pdf_checks.py).
# The web server's request-body limit must be at least FILING_MAX_SUBMISSION_BYTES.
FILING_MAX_FILE_BYTES = env.int("FILING_MAX_FILE_BYTES", default=30 * 1024 * 1024)
FILING_MAX_SUBMISSION_BYTES = env.int("FILING_MAX_SUBMISSION_BYTES", default=100 * 1024 * 1024)
FILING_MAX_PAGES = env.int("FILING_MAX_PAGES", default=2000)
# What a file may unpack to, so that a small upload cannot stand for a huge one (a
# "decompression bomb") and anything accepted can be sealed (docs/filing.md, "Bounds"):
# any one stream (a page's content, an image, a font), the whole file, and each image.
FILING_MAX_STREAM_DECODED_BYTES = env.int("FILING_MAX_STREAM_DECODED_BYTES", default=64 * 1024 * 1024)
FILING_MAX_DECODED_BYTES = env.int("FILING_MAX_DECODED_BYTES", default=512 * 1024 * 1024)
FILING_MAX_IMAGE_PIXELS = env.int("FILING_MAX_IMAGE_PIXELS", default=100_000_000)
# A draft filing (filing/services/drafts.py) and its uploaded files are kept this many days
# after it was last saved, then deleted by the beat task filing.tasks.drafts_purge_expired.
FILING_DRAFT_DAYS = env.int("FILING_DRAFT_DAYS", default=30)

# --- Portal -------------------------------------------------------------------
# An operator can publish a notice above every page without a deploy of code;
# scheduled maintenance windows join it once the registry calendar exists.
SITE_NOTICE_EN = env.str("SITE_NOTICE_EN", default="")
SITE_NOTICE_ZH = env.str("SITE_NOTICE_ZH", default="")
# `load_demo_data` creates accounts, staff included, with a published password: it runs
# only while debugging, or where this is turned on explicitly (the tests, `make serve`).
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=DEBUG)

# --- Payments (payments/, docs/payments.md) --------------------------------------------
# The sandbox gateway (payments.sandbox) stands in for a real payment service provider:
# a separate hosted page under /sandbox-gateway/ with its own signing secret. It takes no
# money, so it is off unless turned on explicitly (dev.env.example does, for `make run`),
# and `check --deploy` reports it as an error with DEBUG off (icms.E030).
INSTALLED_APPS += ["payments.sandbox"]
PAYMENT_SANDBOX_ENABLED = env.bool("PAYMENT_SANDBOX_ENABLED", default=False)
PAYMENT_SANDBOX_SECRET = env.str("PAYMENT_SANDBOX_SECRET", default="sandbox-" + SECRET_KEY)
# Where gateways post their callbacks: the portal's own public base URL (in tests, live_server).
PAYMENT_CALLBACK_BASE_URL = env.str("PAYMENT_CALLBACK_BASE_URL", default=SITE_URL)
# A signed callback older (or newer) than this is refused as a replay.
PAYMENT_CALLBACK_TOLERANCE_SECONDS = env.int("PAYMENT_CALLBACK_TOLERANCE_SECONDS", default=300)
# A gateway payment with no answer after this long is marked failed (reason "timeout");
# a late success from the gateway still completes it.
PAYMENT_PENDING_TIMEOUT_MINUTES = env.int("PAYMENT_PENDING_TIMEOUT_MINUTES", default=30)
# Refunds above this amount (HKD) need a second accounts officer's approval.
PAYMENT_REFUND_SECOND_APPROVAL_ABOVE = Decimal(env.str("PAYMENT_REFUND_SECOND_APPROVAL_ABOVE", default="1000.00"))
# How long the sandbox holds a "delay" callback before sending it.
PAYMENT_SANDBOX_DELAY_SECONDS = env.int("PAYMENT_SANDBOX_DELAY_SECONDS", default=120)

# --- Cause book (causebook) -------------------------------------------------------
# [P] A search considers at most this many matching parties ("more than 1,000 cases:
# add filters"), so that a search for "Chan" costs the same at 2,000,000 cases as at 2,000.
CAUSEBOOK_MAX_MATCHES = env.int("CAUSEBOOK_MAX_MATCHES", default=1000)
CAUSEBOOK_PAGE_SIZE = env.int("CAUSEBOOK_PAGE_SIZE", default=20)
# How many vocabulary words a misspelt word may stand for.
CAUSEBOOK_MAX_CORRECTIONS = env.int("CAUSEBOOK_MAX_CORRECTIONS", default=6)
# A paid search gives this long to view its result set (the search fee, icms-reference §3).
CAUSEBOOK_SEARCH_ACCESS_HOURS = env.int("CAUSEBOOK_SEARCH_ACCESS_HOURS", default=24)
# A paid inspection gives this long to download inspection copies of its document.
CAUSEBOOK_INSPECTION_ACCESS_HOURS = env.int("CAUSEBOOK_INSPECTION_ACCESS_HOURS", default=24)
