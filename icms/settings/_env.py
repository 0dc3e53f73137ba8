"""The one reader of the environment, :data:`env`, and the ``.env`` file of development.

Every settings module reads its values through :data:`env` (see ``icms/settings/base.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


class StrictEnv(environ.FileAwareEnv):  # type: ignore[misc]
    """django-environ's reader, but a malformed value stops start-up with its name."""

    def get_value(
        self, var: str, cast: Any = None, default: Any = environ.Env.NOTSET, parse_default: bool = False
    ) -> Any:
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except ImproperlyConfigured:
            raise
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(f"Environment variable {var} has an invalid value: {exc}") from exc

    @classmethod
    def parse_value(cls, value: Any, cast: Any) -> Any:
        # django-environ reads any unknown word as False; a typo in a security flag
        # must not silently switch it off.
        if cast is bool and isinstance(value, str):
            lowered = value.strip().lower()
            if lowered not in cls.BOOLEAN_TRUE_STRINGS and lowered not in (
                "false",
                "off",
                "no",
                "n",
                "0",
                "",
            ):
                raise ValueError(f"{value!r} is not a boolean (use true or false)")
        return super().parse_value(value, cast)


env = StrictEnv()
# Development reads .env (written by `make run`); the tests and production do not.
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=True) and (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env", overwrite=False)
