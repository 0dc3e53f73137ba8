from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from icms.core.storage_setup import Outcome, storage_setup


class Command(BaseCommand):
    help = (
        "Create the document bucket if it is missing, private and versioned where the server "
        "supports it, and check it with a probe object under healthcheck/ (on the filesystem: "
        "check that MEDIA_ROOT is writable). Safe to run on every deployment. With --check "
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
        report = storage_setup(check_only=options["check"])
        self.stdout.write(f"Document storage: {report.backend} {report.target}".rstrip())
        for finding in report.findings:
            line = f"  {finding.check}: {finding.outcome.value}, {finding.detail}"
            if finding.outcome is Outcome.PROBLEM:
                self.stderr.write(line, style_func=self.style.ERROR)
            elif finding.outcome is Outcome.DONE:
                self.stdout.write(line, style_func=self.style.SUCCESS)
            else:
                self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                "Document storage is not ready: " + "; ".join(f"{p.check}: {p.detail}" for p in report.problems)
            )
        self.stdout.write(self.style.SUCCESS("Document storage is ready."))
