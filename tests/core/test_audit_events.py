"""Every kind of audit event is a member of one enum, whose values are the codes stored in the rows."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from icms.core.audit import AuditEventType, audit_record
from icms.core.models import AuditEvent
from tests.factories import StaffFactory, totp_for

ROOT = Path(__file__).resolve().parents[2]
APPS = ["icms", "accounts", "filing", "payments", "causebook"]


def test_each_value_is_a_dotted_code_that_fits_the_column():
    max_length = AuditEvent._meta.get_field("event_type").max_length
    for member in AuditEventType:
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", member.value), member
        assert len(member.value) <= max_length, member
        assert member.name == member.value.replace(".", "_").upper(), member


def test_the_codes_rows_were_written_with_before_the_enum_are_all_still_members():
    # Stored rows keep their code for ever: a value is never renamed or removed.
    for code in [
        "account.login_failed",
        "calendar.closure_created",
        "calendar.deemed_receipt_restamped",
        "filing.submission_received",
        "payments.ledger_top_up",
        "payments.refund_first_approval",
        "causebook.inspection_copy_made",
    ]:
        assert AuditEventType(code).value == code


def _event_type_arguments(path: Path) -> list[tuple[int, ast.expr]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        (node.lineno, keyword.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit_record"
        for keyword in node.keywords
        if keyword.arg == "event_type"
    ]


def test_no_call_of_audit_record_passes_a_string_literal():
    literal = (ast.Constant, ast.JoinedStr, ast.BinOp)
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for line, value in _event_type_arguments(path)
        if isinstance(value, literal)
    ]
    assert found == [], "pass a member of icms.core.audit_events.AuditEventType"


@pytest.mark.django_db
def test_a_row_stores_the_code_and_reads_back_with_its_label():
    with transaction.atomic():
        event = audit_record(event_type=AuditEventType.CALENDAR_CLOSURE_CREATED, target_label="Typhoon signal 8")
    row = AuditEvent.objects.get(pk=event.pk)
    assert row.event_type == "calendar.closure_created"
    assert row.get_event_type_display() == "Closure created"


@pytest.mark.django_db
def test_the_admin_audit_log_shows_and_filters_by_label():
    supervisor = StaffFactory(group="Registry supervisor")
    with transaction.atomic():
        audit_record(event_type=AuditEventType.CALENDAR_CLOSURE_CREATED, target_label="Typhoon signal 8")
    totp_for(supervisor)
    client = Client()
    client.force_login(supervisor)
    page = client.get(reverse("admin:core_auditevent_changelist")).content.decode()
    assert "Closure created" in page
    assert "?event_type__exact=calendar.closure_created" in page
