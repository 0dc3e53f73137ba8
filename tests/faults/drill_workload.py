"""The restore drill's activity: filings, payments and their audit rows, made through the real services.

The drill records activity in the test process (on the test database, before copying it
to its private cluster) and in portal processes on that cluster (``manage.py shell``,
see :func:`record_in_process`), so that every row is one the portal's own code wrote:
a filing into an existing case and one that opens a new case (cases, submissions,
documents, stored PDFs, acknowledgements), and a search fee paid from a deposit account
(a payment order, a ledger entry, a receipt), each with its audit rows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from accounts.models import User
from filing.models import Case, Party
from tests.faults.processes import portal_env

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Activity:
    """What one round of activity made: the keys to look for after a restore."""

    submissions: list[str] = field(default_factory=list)  # references
    cases: list[int] = field(default_factory=list)
    ledger_entries: list[int] = field(default_factory=list)


def drill_filer(filer: User, officer: User) -> None:
    """Give ``filer``'s branch (a ``firm_filer``) a deposit account with money in it, topped up by ``officer``."""
    from accounts.selectors import membership_for_user
    from payments.services import deposit_account_open, deposit_top_up

    membership = membership_for_user(filer)
    assert membership is not None, "the drill's filer is a member of a firm"
    account = deposit_account_open(organisation=membership.organisation, branch_code=membership.branch_code)
    deposit_top_up(account=account, amount=Decimal("10000.00"), reference="DRILL-CHQ-1", officer=officer)


def record_activity(*, user_id: int, case_id: int, tag: str, count: int) -> Activity:
    """``count`` rounds of a filing into case ``case_id``, a filing that opens a case, and a fee paid."""
    from filing.services import DocumentUpload, NewCase, NewParty, submission_create
    from payments.models import LedgerEntry
    from payments.services import payment_order_create, payment_order_pay_from_deposit
    from tests.filing.conftest import document_type, pdf_file

    user = User.objects.get(pk=user_id)
    case = Case.objects.get(pk=case_id)
    defence, writ = document_type("DCCJ", "defence"), document_type("DCCJ", "writ")
    activity = Activity()
    for i in range(count):
        into_case = submission_create(
            user=user, case=case, uploads=[DocumentUpload(defence, f"Defence ({tag} {i})", pdf_file(2))]
        )
        opening = submission_create(
            user=user,
            new_case=NewCase(
                case_type=writ.case_type,
                applicants=[NewParty(name_en=f"CHAN Tai Man ({tag} {i})")],
                respondents=[NewParty(name_en="GOLDEN HARBOUR LIMITED", kind=Party.Kind.COMPANY)],
            ),
            uploads=[DocumentUpload(writ, "Writ of summons", pdf_file())],
        )
        order = payment_order_create(
            purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key=f"drill-{tag}-{i}", payer=user
        )
        payment_order_pay_from_deposit(order=order, user=user)
        activity.submissions += [into_case.reference, opening.reference]
        activity.cases.append(opening.case_id)
        activity.ledger_entries.append(LedgerEntry.objects.get(payment_order=order).pk)
    return activity


def record_in_process(database_url: str, *, user_id: int, case_id: int, tag: str, count: int) -> Activity:
    """:func:`record_activity` in a portal process of its own on ``database_url``.

    Its outbox work (acknowledgements, receipts) runs in that process as it commits
    (eager), so nothing is left on the shared broker for another test's worker.
    """
    code = (
        "import json, dataclasses\n"
        "from tests.faults.drill_workload import record_activity\n"
        f"done = record_activity(user_id={user_id}, case_id={case_id}, tag={tag!r}, count={count})\n"
        "print(json.dumps(dataclasses.asdict(done)))\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=portal_env(DATABASE_URL=database_url, CELERY_TASK_ALWAYS_EAGER="true"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return Activity(**json.loads(result.stdout.strip().splitlines()[-1]))
