from django.core.management.base import BaseCommand

from accounts import demo as accounts_demo
from filing import demo as filing_demo


class Command(BaseCommand):
    help = "Load the bilingual demo data: courts' cases, parties and a user for every role. Safe to run twice."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        people = accounts_demo.load()
        cases = filing_demo.load(people)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {len(cases)} cases."))
        self.stdout.write(f"Demo logins (password for all: {accounts_demo.DEMO_PASSWORD}):")
        for login in accounts_demo.DEMO_LOGINS:
            self.stdout.write(f"  {login.email:<40} {login.role}")
