"""Concurrency: 200 concurrent filings across two web processes, then their acceptance.

Nothing is lost, and no case number is duplicated. Two real gunicorn servers share the
test database; 25 parties in person sign in over HTTP (session cookies, CSRF) and file
new DCCJ and DCPI cases with a writ, all at once, each filing going to one server or the
other. Every filing lands on its acknowledgement with its document stored whole and its
acknowledgement owed in the outbox. Then registry clerks accept all 200 at once: 200
distinct case numbers, gapless for each prefix and year, and 200 sealings owed.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.utils import timezone

from filing.models import Case, Document, Submission
from filing.services import filing_accept
from icms.core.models import OutboxItem
from icms.core.storage import default_storage, hash_stored_document
from tests.clock import once_received_in_law
from tests.factories import StaffFactory, UserFactory
from tests.faults.browser import ACKNOWLEDGEMENT, Browser
from tests.faults.processes import tail
from tests.filing.conftest import document_type
from tests.filing.pdf_corpus import good_pdf

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

FILINGS = 200
FILERS = 25  # odd, so that each filer's filings alternate between the two servers
PREFIXES = ("DCCJ", "DCPI")
ACCEPTING_THREADS = 16
# Three different writs, so that a stored file could not match another filing's by chance alone.
WRITS = {pages: good_pdf(pages) for pages in (1, 2, 3)}


def _writ(number: int) -> int:
    return 1 + number % 3


def test_two_hundred_concurrent_filings_over_two_web_processes_lose_nothing_and_share_no_case_number(
    web_process, outbox_held
):
    # Two gunicorn servers (2 workers x 4 threads each) on this test's database and Redis;
    # outbox work goes to a broker that no worker reads, so it stays owed.
    servers = [web_process(workers=2, threads=4) for _ in range(2)]
    bases = [server.url for server in servers]
    writ_types = {prefix: document_type(prefix, "writ").pk for prefix in PREFIXES}
    filers = [UserFactory() for _ in range(FILERS)]
    clerks = [StaffFactory(group="Registry clerk") for _ in range(4)]
    browsers = [Browser(filer.email) for filer in filers]
    for index, browser in enumerate(browsers):
        browser.sign_in(bases[index % 2])
    connection.close()  # the threads below use their own connections; so does this one, afterwards

    # --- 200 filings at once, each filer filing in turn on one server, then the other ----
    start = threading.Barrier(FILERS)
    outcomes: dict[int, tuple[int, str]] = {}  # filing number -> (status, reference or error)
    latencies: list[float] = []

    def file_all(index: int) -> None:
        browser = browsers[index]
        start.wait(timeout=60)
        for number in range(index, FILINGS, FILERS):
            prefix = PREFIXES[number % 2]
            began = time.monotonic()
            try:
                answer = browser.file_new_case(
                    bases[number % 2],
                    prefix=prefix,
                    writ_type=writ_types[prefix],
                    number=number,
                    pdf=WRITS[_writ(number)],
                )
                landed = ACKNOWLEDGEMENT.match(answer.location) if answer.status == 302 else None
                if landed is None:
                    outcomes[number] = (answer.status, answer.text[:500])
                    continue
                page = browser.request(bases[number % 2] + answer.location)
                outcomes[number] = (page.status, landed.group(1))
            except Exception as error:  # counted and reported below, not lost in a thread
                outcomes[number] = (0, repr(error))
            finally:
                latencies.append(time.monotonic() - began)

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=FILERS) as pool:
        list(pool.map(file_all, range(FILERS)))
    filing_seconds = time.monotonic() - began

    errors = {number: outcome for number, outcome in outcomes.items() if outcome[0] != 200}
    statuses = Counter(status for status, _ in outcomes.values())
    references = {outcome[1] for outcome in outcomes.values() if outcome[0] == 200}
    submissions = list(Submission.objects.select_related("case__case_type").order_by("pk"))
    documents = list(Document.objects.select_related("submission").order_by("pk"))
    storage = default_storage()
    intact = sum(
        1
        for document in documents
        if storage.exists(document.storage_key)
        and hash_stored_document(document.storage_key) == document.sha256
        and document.sha256 == hashlib.sha256(WRITS[_writ(int(document.title.split()[-1]))]).hexdigest()
    )
    acknowledgements = OutboxItem.objects.filter(kind="filing.acknowledge")
    latencies.sort()
    print(
        f"FIGURE concurrency (filing): {FILINGS} new-case filings by {FILERS} filers over 2 web processes "
        f"(gunicorn 2x4 each) in {filing_seconds:.1f} s ({FILINGS / filing_seconds:.1f}/s; form, post and "
        f"acknowledgement page: median {latencies[len(latencies) // 2]:.2f} s, max {latencies[-1]:.2f} s); "
        f"answers {dict(statuses)}, {len(errors)} errors; {len(submissions)} submissions, "
        f"{intact}/{len(documents)} documents stored intact, {acknowledgements.count()} acknowledgements owed"
    )
    assert not errors, f"{len(errors)} filings failed, e.g. {list(errors.items())[:3]}\n{tail(servers[0].log)}"
    assert len(submissions) == FILINGS
    assert {s.reference for s in submissions} == references
    assert len(documents) == FILINGS and {d.submission_id for d in documents} == {s.pk for s in submissions}
    assert intact == FILINGS
    assert Counter(s.case.case_type.prefix for s in submissions) == {"DCCJ": FILINGS // 2, "DCPI": FILINGS // 2}
    assert all(s.status == Submission.Status.RECEIVED and s.deemed_received_at for s in submissions)
    assert sorted(int(pk) for pk in acknowledgements.values_list("target_id", flat=True)) == [
        s.pk for s in submissions
    ]

    # --- 200 acceptances at once ------------------------------------------------------------
    connection.close()
    accepted: dict[int, str] = {}
    refused: dict[int, str] = {}

    def accept(index: int) -> None:
        try:
            submission = Submission.objects.get(pk=submissions[index].pk)
            filing_accept(submission=submission, clerk=clerks[index % len(clerks)], accepted_without_opening=True)
            accepted[index] = Case.objects.select_related("case_type").get(pk=submission.case_id).case_number
        except Exception as error:
            refused[index] = repr(error)
        finally:
            connections.close_all()

    latest = max(submissions, key=lambda s: s.deemed_received_at)
    began = time.monotonic()
    with once_received_in_law(latest), ThreadPoolExecutor(max_workers=ACCEPTING_THREADS) as pool:
        list(pool.map(accept, range(FILINGS)))
    accepting_seconds = time.monotonic() - began

    numbers: dict[tuple[str, int], list[int]] = defaultdict(list)
    for prefix, number, year in Case.objects.values_list("case_type__prefix", "number", "year"):
        numbers[prefix, year].append(number)
    gapless = all(sorted(found) == list(range(1, len(found) + 1)) for found in numbers.values())
    seals = OutboxItem.objects.filter(kind="filing.seal")
    ranges = ", ".join(f"{prefix} {year}: 1..{max(found)}" for (prefix, year), found in sorted(numbers.items()))
    print(
        f"FIGURE concurrency (acceptance): {FILINGS} acceptances by {len(clerks)} clerks in {ACCEPTING_THREADS} "
        f"threads in {accepting_seconds:.1f} s ({FILINGS / accepting_seconds:.1f}/s); {len(accepted)} accepted, "
        f"{len(refused)} errors; {len(set(accepted.values()))} distinct case numbers ({ranges}), "
        f"{'gapless' if gapless else 'WITH GAPS'}; {seals.count()} sealings owed"
    )
    assert not refused, list(refused.items())[:3]
    assert len(set(accepted.values())) == FILINGS
    assert gapless, dict(numbers)
    assert sum(len(found) for found in numbers.values()) == FILINGS
    years = {timezone.localtime(s.deemed_received_at).year for s in submissions}
    assert {year for _, year in numbers} == years
    assert Submission.objects.filter(status=Submission.Status.ACCEPTED).count() == FILINGS
    assert sorted(int(pk) for pk in seals.values_list("target_id", flat=True)) == [s.pk for s in submissions]
    assert sorted(outbox_held.targets("filing.seal")) == [s.pk for s in submissions]


@pytest.fixture(autouse=True)
def _remove_stored_documents(transactional_db):
    """The documents the servers stored outlive the test's rows (the tables are emptied after it)."""
    yield
    storage = default_storage()
    for key in Document.objects.values_list("storage_key", flat=True):
        storage.delete(key)
