"""Model fields of the portal's own."""

from __future__ import annotations

from typing import Any

from django.db import models

from .crypto import decrypt, encrypt


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored encrypted (:mod:`icms.core.crypto`) and read back as plain text.

    Validators and forms see the plain text. The column holds a randomised Fernet token,
    so the field cannot be filtered on, ordered by or made unique.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return decrypt(value) if value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
