from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from icms.core.fixity import fixity_check_all, fixity_figures, fixity_run


class Command(BaseCommand):
    help = (
        "Check stored documents against the SHA-256 their records hold, now, and print a summary. "
        "Without options: the next paced batch, as beat runs it. Missing or altered objects are "
        "reported under 'Work needing attention' (once each) and never repaired."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all",
            action="store_true",
            help="Check every stored object now, unpaced; the schedule's cursors are left where they are.",
        )
        parser.add_argument(
            "--limit",
            type=int,
            help="Check the next N objects from the schedule's cursors, unpaced.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all"] and options["limit"] is not None:
            raise CommandError("Use --all or --limit, not both.")
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        result = fixity_check_all() if options["all"] else fixity_run(limit=options["limit"])
        self.stdout.write(result.summary())
        for finding in result.findings:
            note = "reported" if finding.new else "already reported"
            self.stderr.write(f"  {finding.verdict.value}: {finding.label} ({note})", style_func=self.style.ERROR)
        for source in result.cycles_completed:
            self.stdout.write(f"  cycle completed: {source}")
        for source in result.skipped_sources:
            self.stdout.write(f"  skipped (another run holds it): {source}")
        figures = fixity_figures()
        self.stdout.write(f"Unresolved findings: {figures.unresolved}")
        if result.stopped == "store down":
            raise CommandError("The document store did not answer; the check stopped.")
