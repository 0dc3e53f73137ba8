"""Bulk filing of summonses: 500 in one batch, timed, with the peak memory, beside 100 to show it does not grow.

    .venv/bin/python bench/bulk_filing.py [--rows 500] [--small 100]

Makes a throwaway database (``test_<name of DATABASE_URL's database>``, dropped at the end)
and, for each size, in a fresh process: a government department with a deposit account, N
real one-page PDFs (each its own, made with pikepdf) in a ZIP on disk, and a manifest. It then

* checks the batch as the upload page does (:func:`filing.bulk.services.bulk_batch_create`,
  the ZIP read member by member from its file on disk), and
* files it as the worker does (:func:`filing.bulk.services.bulk_batch_file`: one deposit
  payment; then the outbox work ``filing.bulk_file`` run in this process).

Other outbox work (the acknowledgement PDFs) is owed but not run: rendering workers do it.

Prints JSON: per size, the seconds and milliseconds per row of checking and of filing, the
process's peak RSS, and the peak of Python allocations (tracemalloc) while checking; then the
ratio of the large to the small peaks. A ratio near 1 shows that the PDFs are not all held in
memory at once (500 one-page PDFs are about 0.4 MB, so RSS would hide them: the tracemalloc
peak, which counts every byte Python holds, is the figure that would grow).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icms.settings.test")


def _pdfs_zip(rows: int, directory: Path) -> Path:
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    path = directory / f"summonses-{rows}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(1, rows + 1):
            pdf = pikepdf.Pdf.new()
            font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
            text = f"BT /F1 18 Tf 72 700 Td (Information and summons BENCH/{number:05d}) Tj ET".encode()
            pdf.pages.append(
                pikepdf.Page(
                    Dictionary(
                        Type=Name.Page,
                        MediaBox=Array([0, 0, 595, 842]),
                        Resources=Dictionary(Font=Dictionary(F1=font)),
                        Contents=pdf.make_stream(text),
                    )
                )
            )
            out = io.BytesIO()
            pdf.save(out)
            archive.writestr(f"summons-{number:05d}.pdf", out.getvalue())
    return path


def _manifest(rows: int) -> bytes:
    import csv

    from filing.bulk.columns import COLUMNS

    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([column.key for column in COLUMNS])
    for number in range(1, rows + 1):
        values = {
            "department_reference": f"BENCH/{number:05d}",
            "magistracy": "KCS",
            "defendant_name_en": f"CHAN Tai Man {number}",
            "defendant_kind": "person",
            "id_kind": "hkid",
            "id_number": "A123456(3)",
            "address_for_service": "Flat A, 10/F, 1 Nathan Road, Kowloon",
            "offence_en": "Depositing litter in a public place",
            "ordinance": "Cap. 570",
            "section": "s. 4(1)",
            "offence_date": "2026-11-30",
            "offence_place": "Outside 1 Nathan Road",
            "pdf_filename": f"summons-{number:05d}.pdf",
        }
        writer.writerow([values.get(column.key, "") for column in COLUMNS])
    return out.getvalue().encode()


def child(rows: int) -> dict[str, float | int]:
    """One size, in this process: check and file ``rows`` summonses."""
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

    from accounts.models import Membership, Organisation, User
    from filing.bulk.services import BULK_FILE, bulk_batch_create, bulk_batch_file
    from filing.models import BulkBatch
    from icms.core.models import OutboxItem
    from icms.core.outbox import dispatch, outbox_item_run
    from payments.models import LedgerEntry
    from payments.services import deposit_account_open
    from payments.services.ledger import _entry

    media = tempfile.mkdtemp(prefix="bench-bulk-media-")
    # A batch's PDFs wait in the drafts' store; beside the media, so filing links them into place.
    drafts = tempfile.mkdtemp(prefix="bench-bulk-drafts-")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}},
        "drafts": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": drafts}},
    }
    dispatch._send = lambda item_id, spec: True  # owed, not sent: the bench runs the bulk work itself
    work = Path(tempfile.mkdtemp(prefix="bench-bulk-"))
    archive = _pdfs_zip(rows, work)

    organisation = Organisation.objects.create(
        type=Organisation.Type.GOVERNMENT,
        name_en=f"Bench Department {rows}",
        name_zh="測試部門",
        status=Organisation.Status.APPROVED,
    )
    user = User.objects.create_user(f"bench-bulk-{rows}@example.hk", "bench-password-123", kind=User.Kind.ORGANISATION)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.MEMBER)
    from django.db import transaction

    with transaction.atomic():
        account = deposit_account_open(organisation=organisation)
        _entry(
            account=account, amount=Decimal("1000000.00"), kind=LedgerEntry.Kind.TOP_UP, actor=None, reference="BENCH"
        )

    upload = TemporaryUploadedFile("summonses.zip", "application/zip", archive.stat().st_size, None)
    with archive.open("rb") as source:
        while chunk := source.read(1024 * 1024):
            upload.write(chunk)
    upload.seek(0)
    manifest = SimpleUploadedFile("manifest.csv", _manifest(rows), content_type="text/csv")

    tracemalloc.start()
    started = time.perf_counter()
    batch = bulk_batch_create(user=user, manifest=manifest, files=[upload])
    checked = time.perf_counter()
    _current, check_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    bulk_batch_file(batch=batch, user=user)
    filing = time.perf_counter()
    while due := list(OutboxItem.objects.filter(kind=BULK_FILE, state=OutboxItem.State.PENDING)):
        for item in due:
            outbox_item_run(item.pk)
    filed = time.perf_counter()
    batch.refresh_from_db()
    if batch.status != BulkBatch.Status.FILED or batch.rows_filed != rows:
        raise SystemExit(f"batch {batch.pk} ended {batch.status} with {batch.rows_filed} of {rows} filed")
    return {
        "rows": rows,
        "check_s": round(checked - started, 2),
        "check_ms_per_row": round((checked - started) * 1000 / rows, 1),
        "file_s": round(filed - filing, 2),
        "file_ms_per_row": round((filed - filing) * 1000 / rows, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "check_python_peak_mib": round(check_peak / 1024 / 1024, 2),
        "zip_mib": round(archive.stat().st_size / 1024 / 1024, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return

    import django

    django.setup()
    from django.db import connection

    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        env = {**os.environ, "DATABASE_URL": f"postgres:///{name}"}
        results = {}
        for rows in (args.small, args.rows):
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(rows)], env=env, capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                raise SystemExit(done.stderr[-4000:])
            results[str(rows)] = json.loads(done.stdout.strip().splitlines()[-1])
        small, large = results[str(args.small)], results[str(args.rows)]
        results["ratio"] = {
            "rows": round(args.rows / args.small, 1),
            "peak_rss": round(large["peak_rss_mib"] / small["peak_rss_mib"], 2),
            "check_python_peak": round(large["check_python_peak_mib"] / small["check_python_peak_mib"], 2),
        }
        print(json.dumps(results, indent=2))
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
