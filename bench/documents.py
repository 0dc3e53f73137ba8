"""Document handling timings: receiving a 10 MB PDF, and rendering the acknowledgement.

    .venv/bin/python bench/documents.py [--size-mb 10] [--repeat 5] [--renders 10] [--database icms_bench_documents]

Prints JSON:

* ``request``: the whole request that carries a 10 MB filing, as a filer's browser sends
  it: the new-case form POSTed as multipart/form-data with the PDF, through every
  middleware, the multipart parser (icms.core.uploads hashes as it streams in), the
  checks, storage and the database, to the redirect to the review page; then, apart,
  the Submit POST that files the draft, and their sum (the whole filing). Each beside
  the time to hash the same bytes and write them to a file ("hash and write", the cheaper
  of two runs in a row), measured in turn with it, as a ratio; issue 16's target is at
  most 2, for the whole filing (``target_whole_filing_at_most_2``), and the upload
  request alone is reported too.
  Medians of ``--repeat`` runs after a warm-up, with the load average at the end, and
  the statements each request sent to Postgres (``upload_statements``,
  ``submit_statements``; BEGIN and COMMIT not counted).
  ``--parser django`` takes the portal's multipart parser out of ``FILE_UPLOAD_HANDLERS``
  (Django's own then feeds the same hashing handlers), for a comparison in turn. The
  database is ``--database`` (made and migrated on the first run); storage is the
  filesystem under ``MEDIA_ROOT``.
* ``parse``: the multipart parsing alone on a 10 MB upload, the portal's one-pass parser
  (icms.core.multipart) and Django's ``MultiPartParser``, each feeding the portal's hashing
  handlers (icms.core.uploads: SHA-256, head and tail, and the structural-stream search as
  the chunks pass, written to a temporary file), at each handler chunk size in
  ``--chunk-kib``, beside hashing and writing the same bytes; medians, parsers and chunk
  sizes taken in turn so that the machine's load falls on each alike.
* ``receive``: server time to validate, hash and store a 10 MB PDF upload (as Django
  hands it over: a temporary file) beside the time to just hash it and write it to the
  same storage. The storage is a FileSystemStorage in a temporary directory.
* ``render``: the acknowledgement PDF rendered by ``filing.rendering`` (fonts and
  stylesheets cached per process) beside a bare ``weasyprint.HTML(string=...).write_pdf()``
  of the same HTML, each in a fresh subprocess: the first (cold) render, the median of
  the following renders, and the process's peak RSS before and after rendering.

``receive`` and ``render`` need no database. Runs in about a minute.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icms.settings.base")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
if "--database" in sys.argv:
    os.environ["DATABASE_URL"] = f"postgres:///{sys.argv[sys.argv.index('--database') + 1]}"
else:
    os.environ.setdefault("DATABASE_URL", "postgres:///icms_bench_documents")

import django  # noqa: E402

django.setup()

import pikepdf  # noqa: E402
from django.core.files.base import File  # noqa: E402
from django.core.files.storage import FileSystemStorage  # noqa: E402
from django.core.files.uploadedfile import TemporaryUploadedFile  # noqa: E402

from filing.pdf_checks import validate_pdf  # noqa: E402
from filing.rendering import AcknowledgedDocument, AcknowledgementData, FeeLine  # noqa: E402
from icms.core.storage import document_key, store_document  # noqa: E402


def peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# --- Receiving ------------------------------------------------------------------------


def scanned_pdf(target_bytes: int) -> bytes:
    """About ``target_bytes`` of PDF whose pages carry incompressible image data, like a scan."""
    pdf = pikepdf.Pdf.new()
    side = 500
    for _ in range(max(1, target_bytes // (side * side))):
        image = pikepdf.Stream(pdf, os.urandom(side * side))
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width = image.Height = side
        image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceGray, 8
        pdf.pages.append(
            pikepdf.Page(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Page,
                    MediaBox=[0, 0, 595, 842],
                    Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=pdf.make_indirect(image))),
                    Contents=pdf.make_stream(b"q 500 0 0 500 50 200 cm /Im0 Do Q"),
                )
            )
        )
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def upload_of(data: bytes) -> TemporaryUploadedFile:
    upload = TemporaryUploadedFile("claim.pdf", "application/pdf", len(data), None)
    upload.write(data)
    upload.flush()
    upload.seek(0)
    return upload


def bench_receive(size_mb: int, repeat: int) -> dict[str, object]:
    data = scanned_pdf(size_mb * 1024 * 1024)
    with tempfile.TemporaryDirectory() as location:
        storage = FileSystemStorage(location=location)
        receive, validate, baseline = [], [], []
        for _ in range(repeat):
            upload = upload_of(data)
            started = time.perf_counter()
            info = validate_pdf(upload)
            checked = time.perf_counter()
            store_document(upload, expected_sha256=info.sha256, storage=storage)
            receive.append(time.perf_counter() - started)
            validate.append(checked - started)
            upload.close()

            upload = upload_of(data)
            started = time.perf_counter()
            hasher = hashlib.sha256()
            while chunk := upload.read(1024 * 1024):
                hasher.update(chunk)
            upload.seek(0)
            # A plain File, so the filesystem backend copies rather than renames the upload.
            storage.save(document_key(), File(upload.file))
            baseline.append(time.perf_counter() - started)
            upload.close()
    return {
        "file_bytes": len(data),
        "pages": info.pages,
        "validate_hash_store_ms": ms(statistics.median(receive)),
        "of_which_validate_ms": ms(statistics.median(validate)),
        "hash_and_write_only_ms": ms(statistics.median(baseline)),
        "overhead_ratio": round(statistics.median(receive) / statistics.median(baseline), 2),
    }


# --- The whole request -------------------------------------------------------------------


def _hash_and_write(data: bytes, directory: str) -> float:
    """The floor: hash the bytes and write them to a file, in 1 MiB chunks."""
    started = time.perf_counter()
    hasher = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=directory) as target:
        for offset in range(0, len(data), 1024 * 1024):
            chunk = data[offset : offset + 1024 * 1024]
            hasher.update(chunk)
            target.write(chunk)
        target.flush()
        hasher.hexdigest()
    return time.perf_counter() - started


def _database_ready() -> None:
    """Make and migrate the bench's own database on the first run."""
    from django.conf import settings
    from django.core.management import call_command

    name = settings.DATABASES["default"]["NAME"]
    made = subprocess.run(["createdb", "-E", "UTF8", "--locale=C.UTF-8", "-T", "template0", name], capture_output=True)
    if made.returncode == 0 or b"already exists" in made.stderr:
        call_command("migrate", verbosity=0)
    else:
        raise SystemExit(f"createdb {name}: {made.stderr.decode()}")


def bench_request(size_mb: int, repeat: int, parser: str = "portal") -> dict[str, object]:
    import re

    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.core.signals import request_finished, request_started
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from filing.models import DocumentType
    from tests.faults.browser import KEY_INPUT, multipart
    from tests.filing.new_case_post import ADDRESS, new_case_data

    _database_ready()
    if parser == "django":  # for comparison: Django's MultiPartParser feeding the same hashing handlers
        settings.FILE_UPLOAD_HANDLERS = [
            name for name in settings.FILE_UPLOAD_HANDLERS if name != "icms.core.multipart.StreamingMultipartHandler"
        ]
    email = "bench-documents@example.hk"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, first_name="Tai Man", last_name="CHAN")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    writ = DocumentType.objects.get(case_type__prefix="DCCJ", code="writ").pk
    data = scanned_pdf(size_mb * 1024 * 1024)
    client = Client()
    client.force_login(user)
    url = "/filing/new/DCCJ/"
    floor_dir = str(settings.MEDIA_ROOT)
    Path(floor_dir).mkdir(parents=True, exist_ok=True)
    upload, submit, floor = [], [], []
    # Server time: from Django's request_started to request_finished, so the test client's
    # own work (encoding the 10 MB body into its fake socket) is not counted.
    span: dict[str, float] = {}

    def began(**kwargs: object) -> None:
        span["start"] = time.perf_counter()

    def ended(**kwargs: object) -> None:
        span["end"] = time.perf_counter()

    request_started.connect(began, dispatch_uid="bench-documents-start")
    request_finished.connect(ended, dispatch_uid="bench-documents-end")
    # Statements sent to Postgres per request (BEGIN and COMMIT not counted): each is a round
    # trip, and under load a wait for a core. Counted, not captured, so the timing is not changed.
    statements = {"sent": 0}

    def counted(execute: Callable[..., object], sql: str, params: object, many: bool, context: object) -> object:
        statements["sent"] += 1
        return execute(sql, params, many, context)

    upload_statements, submit_statements = [], []
    for number in range(repeat + 1):
        page = client.get(url).content.decode()
        key = KEY_INPUT.search(page)
        assert key, "no submission key on the new-case form"
        fields = {
            "csrfmiddlewaretoken": "",
            "submission_key": key.group(1),
            **new_case_data(applicants=[{"name_en": f"CLAIMANT {number}", "address_for_service": ADDRESS}]),
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "10",
            "documents-0-document_type": str(writ),
            "documents-0-title": f"Writ of summons {number}",
        }
        body, content_type = multipart(fields, {"documents-0-file": (f"writ-{number}.pdf", data)})
        statements["sent"] = 0
        # Each timed part starts with nothing left for the disk to write back, so that no part
        # pays for the writes of the one before it (the upload writes 10 MB).
        os.sync()
        with connection.execute_wrapper(counted):
            answer = client.generic("POST", url, body, content_type=content_type)
        took = span["end"] - span["start"]
        upload_statements.append(statements["sent"])
        review = answer.get("Location", "")
        assert answer.status_code == 302 and re.match(r"^/filing/drafts/\d+/review/$", review), (
            answer.status_code,
            answer.content[:2000],
        )
        client.get(review)
        statements["sent"] = 0
        os.sync()
        with connection.execute_wrapper(counted):
            filed = client.post(review, {"submission_key": key.group(1)})
        submitted = span["end"] - span["start"]
        submit_statements.append(statements["sent"])
        assert filed.status_code == 302 and "/filing/submissions/" in filed["Location"], filed.status_code
        os.sync()
        # The floor is the cheaper of two runs in a row. On one machine the first run after a
        # Submit took 27-33 ms, nearly all of it system time in the kernel's write path (the page
        # cache being reclaimed, with the corpora's databases cached), and a second run 9-13 ms:
        # taken alone, the slow first run made the ratio 1.4 instead of about 3.3.
        floor_took = min(_hash_and_write(data, floor_dir) for _ in range(2))
        if number:  # the first is a warm-up
            upload.append(took)
            submit.append(submitted)
            floor.append(floor_took)
    median_floor = statistics.median(floor)
    median_upload, median_submit = statistics.median(upload), statistics.median(submit)
    # The sum of the medians: the whole filing as the filer waits for it, form POST then Submit.
    whole = median_upload + median_submit
    upload_ratio = median_upload / median_floor
    whole_ratio = whole / median_floor
    return {
        "file_bytes": len(data),
        "repeats": repeat,
        "parser": parser,
        "hash_and_write_ms": ms(median_floor),
        "upload_request_ms": ms(median_upload),
        "upload_ratio": round(upload_ratio, 2),
        "submit_request_ms": ms(median_submit),
        "submit_ratio": round(median_submit / median_floor, 2),
        "upload_statements": max(upload_statements),
        "submit_statements": max(submit_statements),
        "whole_filing_ms": ms(whole),
        "whole_filing_ratio": round(whole_ratio, 2),
        # Issue 16: at most 2x hashing and writing. The target is the whole filing; until
        # that is reached, say plainly which part meets it.
        "target_whole_filing_at_most_2": whole_ratio <= 2,
        "target_upload_request_at_most_2": upload_ratio <= 2,
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


# --- The multipart parser alone -----------------------------------------------------------


def bench_parse(size_mb: int, repeat: int, chunk_kib: list[int]) -> dict[str, object]:
    from django.core.handlers.wsgi import WSGIRequest
    from django.test.client import FakePayload

    from icms.core import multipart as portal_multipart
    from icms.core import uploads
    from tests.faults.browser import multipart

    data = os.urandom(size_mb * 1024 * 1024)
    body, content_type = multipart({"title": "Writ"}, {"file": ("writ.pdf", data)})
    hashing = (uploads.HashingMemoryFileUploadHandler, uploads.HashingTemporaryFileUploadHandler)
    parsers = {
        # The portal's: its own one-pass parser feeding the hashing handlers (FILE_UPLOAD_HANDLERS).
        "portal": (portal_multipart.StreamingMultipartHandler, *hashing),
        # Django's MultiPartParser feeding the same hashing handlers.
        "django": hashing,
    }

    def parse(handlers: tuple[type, ...], chunk: int) -> float:
        environ = {
            "REQUEST_METHOD": "POST",
            "wsgi.input": FakePayload(body),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": content_type,
            "PATH_INFO": "/",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
        }
        request = WSGIRequest(environ)
        request.upload_handlers = [handler(request) for handler in handlers]
        for handler in request.upload_handlers:
            handler.chunk_size = chunk
        started = time.perf_counter()
        upload = request.FILES.get("file")
        took = time.perf_counter() - started
        assert isinstance(upload, TemporaryUploadedFile) and uploads.streamed_digest(upload) is not None
        upload.close()
        return took

    times: dict[str, dict[int, list[float]]] = {name: {kib: [] for kib in chunk_kib} for name in parsers}
    floor = []
    with tempfile.TemporaryDirectory() as directory:
        for number in range(repeat + 1):
            for name, handlers in parsers.items():
                for kib in chunk_kib:
                    took = parse(handlers, kib * 1024)
                    if number:  # the first round is a warm-up
                        times[name][kib].append(took)
            if number:  # the cheaper of two in a row, as in bench_request
                floor.append(min(_hash_and_write(data, directory) for _ in range(2)))
    median_floor = statistics.median(floor)
    return {
        "file_bytes": len(data),
        "repeats": repeat,
        "hash_and_write_ms": ms(median_floor),
        **{
            f"{name}_parse_ms_by_chunk_kib": {str(kib): ms(statistics.median(values)) for kib, values in by.items()}
            for name, by in times.items()
        },
        **{
            f"{name}_parse_ratio_by_chunk_kib": {
                str(kib): round(statistics.median(values) / median_floor, 2) for kib, values in by.items()
            }
            for name, by in times.items()
        },
        "handler_chunk_kib": uploads.CHUNK_BYTES // 1024,
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


# --- Rendering --------------------------------------------------------------------------


def sample_acknowledgement() -> AcknowledgementData:
    return AcknowledgementData(
        reference="SUB-2026-000123",
        received_at=datetime(2026, 11, 24, 9, 31, 2, tzinfo=UTC),
        deemed_received_at=datetime(2026, 11, 25, 1, 0, tzinfo=UTC),
        deemed_rule_en="Received after 17:30 on a working day: deemed received at 09:00 on the next working day.",
        deemed_rule_zh="於工作日下午5時30分後收到：當作於下一個工作日上午9時收到。",
        documents=[
            AcknowledgedDocument(title="Statement of claim", sha256="3f2a9c1d" * 8, pages=12),
            AcknowledgedDocument(title="List of documents 文件清單", sha256="0123abcd" * 8, pages=3),
        ],
        court_name_en="District Court",
        court_name_zh="區域法院",
        case_number="DCPI 123/2026",
        filer_name="陳大文 CHAN Tai Man",
        fee=FeeLine(description_en="Statement of claim", description_zh="申索陳述書", amount=Decimal("1045")),
        issued_at=datetime(2026, 11, 24, 9, 31, 5, tzinfo=UTC),
    )


def child_render(mode: str, renders: int) -> dict[str, object]:
    """Runs in a fresh interpreter: render ``renders + 1`` times and report."""
    from django.template.loader import get_template, render_to_string

    data = sample_acknowledgement()
    before = peak_rss_mib()
    if mode == "cached":
        from filing.rendering import render_acknowledgement

        def render() -> bytes:
            return render_acknowledgement(data)
    else:
        import weasyprint

        css = "".join(
            get_template(name).template.source  # type: ignore[attr-defined]
            for name in ("filing/pdf/base.css", "filing/pdf/acknowledgement.css")
        )
        html: str = render_to_string("filing/pdf/acknowledgement.html", data.template_context())
        html = html.replace("</head>", f"<style>{css}</style></head>", 1)

        def render() -> bytes:
            pdf: bytes = weasyprint.HTML(string=html).write_pdf()  # without a target, the PDF's bytes
            return pdf

    started = time.perf_counter()
    pdf = render()
    cold = time.perf_counter() - started
    timings = []
    for _ in range(renders):
        started = time.perf_counter()
        render()
        timings.append(time.perf_counter() - started)
    return {
        "first_render_ms": ms(cold),
        "median_render_ms": ms(statistics.median(timings)),
        "pdf_bytes": len(pdf),
        "peak_rss_before_render_mib": before,
        "peak_rss_mib": peak_rss_mib(),
    }


def bench_render(renders: int) -> dict[str, object]:
    results: dict[str, object] = {}
    for mode in ("cached", "bare"):
        output = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--renders", str(renders)],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        results[f"{mode}_fonts" if mode == "cached" else "bare_weasyprint"] = json.loads(output.stdout)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--renders", type=int, default=10)
    parser.add_argument("--child", choices=["cached", "bare"])
    parser.add_argument("--database", default="icms_bench_documents", help="made and migrated on the first run")
    parser.add_argument("--only", choices=["request", "parse", "receive", "render"], help="run one part")
    parser.add_argument("--chunk-kib", default="64,256,1024", help="parse: handler chunk sizes to compare")
    parser.add_argument(
        "--parser", choices=["portal", "django"], default="portal", help="request: whose multipart parser to use"
    )
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_render(args.child, args.renders)))
        return
    started = time.perf_counter()
    parts: dict[str, Callable[[], dict[str, object]]] = {
        "request": lambda: bench_request(args.size_mb, args.repeat, args.parser),
        "parse": lambda: bench_parse(args.size_mb, args.repeat, [int(kib) for kib in args.chunk_kib.split(",")]),
        "receive": lambda: bench_receive(args.size_mb, args.repeat),
        "render": lambda: bench_render(args.renders),
    }
    results: dict[str, object] = {name: run() for name, run in parts.items() if args.only in (None, name)}
    results["bench_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
