"""Staff lists over the tables that grow with the register (icms/core/admin_scale.py).

At 5,000,000 audit events the audit log took 3 s to open and 18-24 s to search
(``bench/admin_lists.py``): each term was matched against every field across a join, which
no index answers, and counted to the end twice. These tests hold the three changes: the
count stops at its bound and says so in both languages; each search field is matched the
way an index answers it (and finds what Django's own search found); and every searched
field of every such list has an index that answers its lookup.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib import admin
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from icms.core import admin_scale
from icms.core.admin_scale import RegisterListAdmin, _field_match, _lookup
from icms.core.audit_events import AuditEventType
from icms.core.models import AuditEvent
from tests.factories import StaffFactory, UserFactory
from tests.filing.test_review_admin import staff_client

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
HKT = ZoneInfo("Asia/Hong_Kong")
LOG = "admin:core_auditevent_changelist"


def logged(
    event_type: AuditEventType, label: str, *, actor=None, target_id: str = "", days_ago: int = 0
) -> AuditEvent:
    return AuditEvent.objects.create(
        event_type=event_type,
        actor=actor,
        target_id=target_id,
        target_label=label,
        occurred_at=NOW - timedelta(days=days_ago),
    )


@pytest.fixture
def supervisor_client():
    return staff_client(StaffFactory(is_superuser=True))


@pytest.fixture
def events(db):
    filer = UserFactory(email="mary.wong@wongandco.com.hk")
    return {
        "received": logged(
            AuditEventType.FILING_SUBMISSION_RECEIVED, "ES-7K3M-Q9TX-4HRP", actor=filer, target_id="48213"
        ),
        "paid": logged(AuditEventType.PAYMENTS_ORDER_PAID, "PO-7KX3M9QD2A", target_id="9120", days_ago=3),
        "numbered": logged(AuditEventType.FILING_SUBMISSION_RECEIVED, "DCCJ 1204/2026", target_id="77", days_ago=40),
    }


def listed(client, **params) -> list[int]:
    response = client.get(reverse(LOG), params)
    assert response.status_code == 200
    return sorted(event.pk for event in response.context["cl"].result_list)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("ES-7K3M-Q9TX-4HRP", ["received"]),  # a whole reference
        ("7k3m-q9tx", ["received"]),  # part of one, in any case
        ("mary.wong@wongandco", ["received"]),  # the actor's email, through the users' index
        ("48213", ["received"]),  # the target's id, exactly
        ("482", []),  # ...and only exactly: part of an id is no id
        ("1204/2026", ["numbered"]),
        ("DCCJ 1204/2026", ["numbered"]),  # two words: both must match
        ("DCCJ 9999/2026", []),
        ("Submission received", ["numbered", "received"]),  # the kind of event, by its name
        ("payments.order_paid", ["paid"]),  # ...or its code
        ("zzzqqq", []),
        ("77", ["numbered"]),  # two characters: the id exactly (and inside no label)
    ],
)
def test_the_audit_log_is_searched_by_reference_email_id_and_kind(supervisor_client, events, q, expected):
    assert listed(supervisor_client, q=q) == sorted(events[name].pk for name in expected)


@time_machine.travel(NOW, tick=False)
def test_a_word_of_one_or_two_characters_is_looked_for_as_a_whole_word(supervisor_client, events):
    """No trigram inside a word to go on, but two-letter surnames are common (NG, HO, AU): a
    short word is a whole word, bounded by spaces or the text's ends, and the clerk is told."""
    logged(AuditEventType.FILING_SUBMISSION_RECEIVED, "NG Ka Ho (filer)")
    logged(AuditEventType.FILING_SUBMISSION_RECEIVED, "WONG Siu Ming")
    ng = logged(AuditEventType.FILING_SUBMISSION_RECEIVED, "Judge NG").pk
    found = supervisor_client.get(reverse(LOG), {"q": "ng"})
    labels = sorted(event.target_label for event in found.context["cl"].result_list)
    assert labels == ["Judge NG", "NG Ka Ho (filer)"] and ng
    assert "A word of one or two characters is looked for as a whole word." in found.content.decode()
    assert listed(supervisor_client, q="7K") == []  # part of a reference is no word
    assert listed(supervisor_client, q="DCCJ 1204/2026 of") == []  # every word must match
    assert "looked for as a whole word" not in supervisor_client.get(reverse(LOG), {"q": "7K3"}).content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_kind_of_event_is_found_by_its_name_in_the_readers_language(supervisor_client, events):
    supervisor_client.cookies["django_language"] = "zh-hant"
    assert listed(supervisor_client, q="付款指令已繳付") == [events["paid"].pk]
    assert listed(supervisor_client, q="已收到提交") == sorted([events["received"].pk, events["numbered"].pk])


@time_machine.travel(NOW, tick=False)
def test_the_log_is_filtered_by_date_without_reading_every_row_for_a_hierarchy(supervisor_client, events):
    response = supervisor_client.get(reverse(LOG))
    assert response.context["cl"].date_hierarchy is None
    page = response.content.decode()
    past_week = re.search(r'<a href="(\?[^"]*occurred_at__gte[^"]*)"[^>]*>Past 7 days</a>', page)
    assert past_week, "no 'Past 7 days' choice on the audit log"
    chosen = supervisor_client.get(reverse(LOG) + html.unescape(past_week.group(1)))
    assert sorted(event.pk for event in chosen.context["cl"].result_list) == sorted(
        [events["received"].pk, events["paid"].pk]
    )


@time_machine.travel(NOW, tick=False)
def test_the_count_stops_at_its_bound_and_says_more_than_in_both_languages(supervisor_client, events, monkeypatch):
    monkeypatch.setattr(admin_scale.BoundedCountPaginator, "bound", 2)
    with connection.execute_wrapper(_statements := _Recorder()):
        page = supervisor_client.get(reverse(LOG)).content.decode()
    assert "More than 2 audit events: search or filter to narrow the list" in page
    # One count, stopped at the bound; never the whole table's count beside it.
    counts = [sql for sql in _statements.sql if "COUNT(" in sql.upper()]
    assert len(counts) == 1 and "LIMIT 3" in counts[0]

    searched = supervisor_client.get(reverse(LOG), {"q": "received"}).content.decode()
    assert "2 results" in searched and "More than" not in searched
    for n in range(2):
        logged(AuditEventType.FILING_SUBMISSION_RECEIVED, f"ES-AAAA-BBBB-CCC{n}")
    assert "More than 2 results" in supervisor_client.get(reverse(LOG), {"q": "ES-"}).content.decode()

    supervisor_client.cookies["django_language"] = "zh-hant"
    chinese = supervisor_client.get(reverse(LOG)).content.decode()
    assert "More than" not in chinese and "超過 2" in chinese


def test_within_the_bound_the_count_is_exact(supervisor_client, events):
    page = supervisor_client.get(reverse(LOG)).content.decode()
    # The three above, and what signing the supervisor in recorded.
    assert f"{AuditEvent.objects.count()} audit events" in page and "More than" not in page


class _Recorder:
    def __init__(self) -> None:
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)


def _register_lists() -> list[tuple[type[models.Model], RegisterListAdmin[models.Model]]]:
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, RegisterListAdmin)
    ]


def _plan(sql: str, params: object = None) -> str:
    """The plan of ``sql`` as JSON, with every way of reading a whole table priced out but one.

    Only a bitmap scan is left to read by an index, and it needs a condition on the index;
    where no index answers the condition, the planner must still fall back on a seq scan.
    """
    switches = ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan")
    with connection.cursor() as cursor:
        for switch in switches:
            cursor.execute(f"SET LOCAL {switch} = off")
        try:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            return json.dumps(cursor.fetchone()[0])
        finally:
            for switch in switches:
                cursor.execute(f"RESET {switch}")


def _reads_every_row(plan: str) -> bool:
    """Whether a scan in ``plan`` reads a whole table: a seq scan, or an index walked with no condition."""

    def nodes(node: dict[str, object]):
        yield node
        for child in node.get("Plans", []):  # type: ignore[union-attr]
            yield from nodes(child)

    return any(
        node["Node Type"] == "Seq Scan" or (node["Node Type"].endswith("Index Scan") and "Index Cond" not in node)
        for node in nodes(json.loads(plan)[0]["Plan"])
    )


def _queryset_plan(queryset: models.QuerySet[models.Model]) -> str:
    sql, params = queryset.order_by().query.sql_with_params()
    return _plan(sql, params)


def test_the_lists_that_grow_with_the_register_are_the_expected_ones():
    names = {model._meta.label for model, _ in _register_lists()}
    assert names >= {
        "core.AuditEvent",
        "filing.Submission",
        "filing.MessageItem",
        "filing.CourtDocument",
        "filing.BulkItem",
        "payments.PaymentOrder",
        "payments.GatewayEvent",
        "causebook.Hearing",
    }


@pytest.mark.parametrize("word", ["ES-7K3M", "mary.wong@", "1204/2026", "4821", "NG"])
def test_every_search_field_of_every_register_list_is_answered_by_an_index(word):
    """Each statement a search sends, field by field, is planned with an index: a field added to
    such a list without its index would read every row, and this names it."""
    unindexed = []
    for model, model_admin in _register_lists():
        for field_name in model_admin.search_fields:
            first = model._meta.get_field(_lookup(str(field_name))[0].split("__")[0])
            with CaptureQueriesContext(connection) as sent:
                match, _ = _field_match(model, str(field_name), word)
                if match is None and first.choices:  # none of its choices is the word: try one that is
                    match, _ = _field_match(model, str(field_name), str(first.flatchoices[0][0]))
            plans = [_plan(query["sql"]) for query in sent.captured_queries]
            if match is not None:
                plans.append(_queryset_plan(model._base_manager.filter(match)))
            if first.many_to_one:  # the rows of this table by the foreign key
                plans.append(_queryset_plan(model._base_manager.filter(**{f"{first.name}__in": [1, 2]})))
            unindexed += [f"{model._meta.label}.{field_name}" for plan in plans if _reads_every_row(plan)]
    assert unindexed == []


# --- The date hierarchy by index probes (the hearings, which the registry walks day by day) ---

HEARINGS = "admin:causebook_hearing_changelist"


@pytest.fixture
def hearings(db):
    """Hearings over three years, two months of 2026 and three days of March, in Hong Kong time:
    the first at 00:30 on 16 March in Hong Kong, which is the 15th in UTC."""
    from causebook.models import Hearing
    from tests.factories import CaseFactory, HearingFactory

    case = CaseFactory()
    starts = [
        datetime(2025, 12, 31, 23, 30, tzinfo=HKT),
        datetime(2026, 3, 16, 0, 30, tzinfo=HKT),
        datetime(2026, 3, 16, 10, 0, tzinfo=HKT),
        datetime(2026, 3, 17, 9, 30, tzinfo=HKT),
        datetime(2026, 3, 31, 23, 59, tzinfo=HKT),
        datetime(2026, 7, 2, 9, 30, tzinfo=HKT),
        datetime(2027, 1, 4, 9, 30, tzinfo=HKT),
    ]
    for start in starts:
        HearingFactory(case=case, starts_at=start)
    return Hearing.objects.all()


@pytest.mark.parametrize(
    ("kind", "within"),
    [
        ("year", {}),
        ("month", {"starts_at__year": 2026}),
        ("day", {"starts_at__year": 2026, "starts_at__month": 3}),
        ("day", {"starts_at__year": 2025}),
        ("month", {"starts_at__year": 2031}),
    ],
)
def test_the_periods_found_by_probes_are_djangos_own(hearings, kind, within):
    """In the reader's time zone, at the ends of days, months and years, within the hierarchy's filters."""
    from icms.core.admin_scale import IndexedDatesQuerySet

    chosen = hearings.filter(**within)
    probed = IndexedDatesQuerySet(chosen.model, query=chosen.query).datetimes("starts_at", kind)
    assert probed == list(chosen.datetimes("starts_at", kind))


def test_the_hearing_lists_date_hierarchy_reads_no_row_it_does_not_show(supervisor_client, hearings):
    recorder = _Recorder()
    with connection.execute_wrapper(recorder):
        years = supervisor_client.get(reverse(HEARINGS)).content.decode()
        days = supervisor_client.get(reverse(HEARINGS), {"starts_at__year": 2026, "starts_at__month": 3})
    assert not [sql for sql in recorder.sql if "DISTINCT" in sql.upper()]
    assert all(f"starts_at__year={year}" in years for year in (2025, 2026, 2027))
    page = days.content.decode()
    assert all(f"starts_at__day={day}" in page for day in (16, 17, 31))
    assert "starts_at__day=15" not in page
