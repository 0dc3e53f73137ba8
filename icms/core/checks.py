"""Start-up checks that the database can serve the portal.

The cause book indexes Chinese names with pg_trgm, which only sees CJK
characters when the database's ctype is UTF-8-aware (``C.UTF-8``,
``en_US.UTF-8``), never ``C`` or ``POSIX``.
"""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import connections
from django.db.utils import OperationalError

REQUIRED_EXTENSIONS = ("pg_trgm", "unaccent")


@register(Tags.database)
def check_postgres_can_index_chinese(
    app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_encoding_to_char(encoding), datctype FROM pg_database "
                    "WHERE datname = current_database()"
                )
                encoding, ctype = cursor.fetchone()
                cursor.execute(
                    "SELECT name FROM pg_available_extensions WHERE name = ANY(%s)",
                    [list(REQUIRED_EXTENSIONS)],
                )
                available = {row[0] for row in cursor.fetchall()}
        except OperationalError as exc:
            errors.append(Error(f"Cannot reach database {alias!r}: {exc}", id="icms.E001"))
            continue
        if encoding != "UTF8" or "utf" not in ctype.lower().replace("-", ""):
            errors.append(
                Error(
                    f"Database {alias!r} has encoding {encoding} and ctype {ctype!r}.",
                    hint="Create it with: createdb -E UTF8 --locale=C.UTF-8 -T template0 <name>",
                    id="icms.E002",
                )
            )
        missing = set(REQUIRED_EXTENSIONS) - available
        if missing:
            errors.append(
                Error(
                    f"PostgreSQL extensions not available: {', '.join(sorted(missing))}.",
                    hint="Install the postgresql-contrib package for your server version.",
                    id="icms.E003",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def check_field_encryption_key_is_its_own(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Encrypted values (HKID numbers, two-factor secrets) should not depend on SECRET_KEY, which gets rotated."""
    from django.conf import settings

    if not settings.FIELD_ENCRYPTION_KEYS:
        return [
            CheckWarning(
                "FIELD_ENCRYPTION_KEYS is not set: HKID numbers and two-factor secrets are encrypted with a key "
                "derived from SECRET_KEY, so rotating SECRET_KEY would make them unreadable.",
                hint="Set FIELD_ENCRYPTION_KEYS (or FIELD_ENCRYPTION_KEYS_FILE) to a Fernet key of its own.",
                id="icms.W020",
            )
        ]
    return []


#: Email backends that deliver nothing: acceptable only while debugging.
_UNDELIVERED_EMAIL_BACKENDS = (
    "icms.core.devmail.OutboxEmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)


@register(Tags.security, deploy=True)
def check_development_features_are_off(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """Development conveniences must be off in production, where each would be a hole.

    Each is off unless turned on explicitly; this catches one turned on by mistake in a
    deployment (``DEBUG`` off). The one list of what is development-only.
    """
    from django.conf import settings

    if settings.DEBUG:
        return []
    errors: list[CheckMessage] = []
    if settings.PAYMENT_SANDBOX_ENABLED:
        errors.append(
            Error(
                "PAYMENT_SANDBOX_ENABLED is on: the sandbox gateway lets any payer record a fee as paid "
                "with no money taken.",
                hint="Set PAYMENT_SANDBOX_ENABLED=false and configure a real payment provider's adapter.",
                id="icms.E030",
            )
        )
    if settings.DEMO_DATA_ALLOWED:
        errors.append(
            Error(
                "DEMO_DATA_ALLOWED is on: load_demo_data would create staff accounts with a published password.",
                hint="Unset DEMO_DATA_ALLOWED in production.",
                id="icms.E031",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        errors.append(
            Error(
                "CELERY_TASK_ALWAYS_EAGER is on: rendering, sealing and emails would run inside web requests.",
                hint="Unset CELERY_TASK_ALWAYS_EAGER and run Celery workers.",
                id="icms.E032",
            )
        )
    if settings.EMAIL_BACKEND in _UNDELIVERED_EMAIL_BACKENDS:
        errors.append(
            Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: no email would reach anyone.",
                hint="Set EMAIL_URL to the mail relay (smtp://... or smtps://...).",
                id="icms.E033",
            )
        )
    if settings.WHITENOISE_USE_FINDERS:
        errors.append(
            CheckWarning(
                "WHITENOISE_USE_FINDERS is on: static files are searched for on every request, uncompressed.",
                hint="Unset WHITENOISE_USE_FINDERS and run collectstatic at release.",
                id="icms.W031",
            )
        )
    if settings.ICMS_ENVIRONMENT == "development":
        errors.append(
            CheckWarning(
                "ICMS_ENVIRONMENT is 'development' with DEBUG off.",
                hint="Set ICMS_ENVIRONMENT to production (or staging, which shows a ribbon).",
                id="icms.W032",
            )
        )
    return errors
