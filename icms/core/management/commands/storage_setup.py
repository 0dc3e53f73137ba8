from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from icms.core.drafts_storage_setup import drafts_storage_setup
from icms.core.storage_setup import Outcome, StorageReport, storage_setup


class Command(BaseCommand):
    help = (
        "Create the document bucket if it is missing, private and versioned where the server "
        "supports it, and check it with a probe object under healthcheck/ (on the filesystem: "
        "check that MEDIA_ROOT is writable); then the drafts' bucket (AWS_DRAFTS_BUCKET_NAME: "
        "private, not versioned, no object lock, a lifecycle rule that expires old drafts' files) "
        "or directory (DRAFTS_ROOT). Safe to run on every deployment. With --check "
        "nothing is created or changed, and the command fails if anything is missing."
    )

    # Only storage is needed: docker-compose runs this before the database is migrated.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check; exit non-zero when the bucket is missing or misconfigured.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The documents' store, then the drafts' (icms/core/drafts_storage_setup.py).
        reports = (
            ("Document storage", storage_setup(check_only=options["check"])),
            ("Drafts' storage", drafts_storage_setup(check_only=options["check"])),
        )
        for title, report in reports:
            self._print(title, report)
        failures = [
            f"{title} is not ready: " + "; ".join(f"{p.check}: {p.detail}" for p in report.problems)
            for title, report in reports
            if not report.ok
        ]
        if failures:
            raise CommandError(" ".join(failures))
        self.stdout.write(self.style.SUCCESS("Document storage is ready."))

    def _print(self, title: str, report: StorageReport) -> None:
        self.stdout.write(f"{title}: {report.backend} {report.target}".rstrip())
        for finding in report.findings:
            line = f"  {finding.check}: {finding.outcome.value}, {finding.detail}"
            if finding.outcome is Outcome.PROBLEM:
                self.stderr.write(line, style_func=self.style.ERROR)
            elif finding.outcome is Outcome.DONE:
                self.stdout.write(line, style_func=self.style.SUCCESS)
            else:
                self.stdout.write(line)
