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
    """Encrypted values (HKID numbers) should not depend on SECRET_KEY, which gets rotated."""
    from django.conf import settings

    if not settings.FIELD_ENCRYPTION_KEYS:
        return [
            CheckWarning(
                "FIELD_ENCRYPTION_KEYS is not set: HKID numbers are encrypted with a key derived from SECRET_KEY, "
                "so rotating SECRET_KEY would make them unreadable.",
                hint="Set FIELD_ENCRYPTION_KEYS (or FIELD_ENCRYPTION_KEYS_FILE) to a Fernet key of its own.",
                id="icms.W020",
            )
        ]
    return []
