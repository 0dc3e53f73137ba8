"""SQL queries on the message box and the case file page, at few and at many rows.

    .venv/bin/python bench/filing_queries.py

Uses the development database (DATABASE_URL, default postgres:///icms) inside a
transaction that is rolled back, so nothing is left behind. Prints JSON: the
number of queries must not grow with the number of rows.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icms.settings.base")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from filing.models import Case, CaseType, Document, DocumentType, MessageItem, Party, Submission  # noqa: E402


class Rollback(Exception):
    pass


def _count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries.captured_queries)


def _grow(user: User, case: Case, document_type: DocumentType, start: int, stop: int) -> None:
    for index in range(start, stop):
        MessageItem.objects.create(recipient=user, kind="notice", subject_en=f"Notice {index}", subject_zh="通知")
        submission = Submission.objects.create(case=case, submitted_by=user, received_at=case.created_at)
        Document.objects.create(
            submission=submission,
            document_type=document_type,
            title=f"Document {index}",
            storage_key=f"bench/{case.pk}/{index}.pdf",
            sha256="0" * 64,
            size=1,
            pages=1,
        )


def main() -> None:
    figures: dict[str, dict[str, int | bool]] = {"message_box": {}, "case_file": {}}
    try:
        with transaction.atomic():
            from allauth.account.models import EmailAddress

            user = User.objects.create_user("bench-filer@example.hk", "bench-password-123")
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            case_type = CaseType.objects.get(prefix="DCCJ")
            case = Case.objects.create(case_type=case_type, number=999999, year=2099, status=Case.Status.ACTIVE)
            Party.objects.create(case=case, side="applicant", name_en="BENCH Filer", user=user)
            Party.objects.create(case=case, side="respondent", name_en="BENCH Respondent")
            document_type = DocumentType.objects.get(case_type=case_type, code="defence")
            client = Client()
            client.force_login(user)
            shown = 0
            for total in (5, 50):
                _grow(user, case, document_type, shown, total)
                shown = total
                figures["message_box"][f"{total}_rows"] = _count(client, "/filing/messages/")
                figures["case_file"][f"{total}_rows"] = _count(client, f"/filing/cases/{case.pk}/")
            raise Rollback
    except Rollback:
        pass
    for page in figures.values():
        page["grows_with_rows"] = page["50_rows"] > page["5_rows"]
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
