from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from icms.demo import accounts as accounts_demo
from icms.demo import cases as filing_demo
from icms.demo import hearings as causebook_demo
from icms.demo import payments as payments_demo
from icms.demo import submissions as filing_demo_submissions
from icms.demo.cases import link_demo_cases


class Command(BaseCommand):
    help = "Load the bilingual demo data: courts' cases, parties and a user for every role. Safe to run twice."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "The demo data has staff accounts with a published password: it loads only with "
                "DJANGO_DEBUG=true or DEMO_DATA_ALLOWED=true, never in production."
            )
        people = accounts_demo.load()
        cases = filing_demo.load(people)
        link_demo_cases(people, cases)
        submissions = filing_demo_submissions.load(people, cases)
        hearings = causebook_demo.load(people)
        payments = payments_demo.load(people)
        self.stdout.write(f"Demo payments: deposit accounts topped up, {payments} orders paid with receipts.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {len(cases)} cases, {submissions} new submissions, "
                f"{len(hearings)} hearings this week."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {accounts_demo.DEMO_PASSWORD}):")
        for login in accounts_demo.DEMO_LOGINS:
            self.stdout.write(f"  {login.email:<40} {login.role}")
