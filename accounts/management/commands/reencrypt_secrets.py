from typing import Any

from django.core.management.base import BaseCommand

from accounts.encryption import secrets_reencrypt


class Command(BaseCommand):
    help = (
        "Encrypt HKID numbers and two-factor secrets again under the first of FIELD_ENCRYPTION_KEYS, "
        "after a new key was put first. Safe to run twice and while the portal serves."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = secrets_reencrypt()
        self.stdout.write(
            f"Re-encrypted {done.hkid_numbers} HKID numbers and {done.authenticators} two-factor authenticators."
        )
