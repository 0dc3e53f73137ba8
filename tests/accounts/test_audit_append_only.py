"""The audit log is append-only in the database itself, not only in the model and the admin.

The trigger's ``RAISE EXCEPTION`` (SQLSTATE P0001) reaches Django as a ``DatabaseError``
(psycopg 3 classes it as ``ProgrammingError``), matched here by its message.
"""

import pytest
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.db.utils import DatabaseError

from icms.core.audit import audit_record
from icms.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    with transaction.atomic():
        return audit_record(
            event_type="test.append_only", actor=UserFactory(), target_label="DCCJ 1204/2026", after={"x": 1}
        )


def _unchanged(event: AuditEvent) -> None:
    row = AuditEvent.objects.get(pk=event.pk)
    assert (row.event_type, row.target_label, row.after) == ("test.append_only", "DCCJ 1204/2026", {"x": 1})


def test_a_raw_sql_update_of_an_audit_row_is_refused(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditevent SET target_label = 'altered' WHERE id = %s", [event.pk])
    _unchanged(event)


def test_a_raw_sql_delete_of_an_audit_row_is_refused(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditevent WHERE id = %s", [event.pk])
    _unchanged(event)


def test_queryset_update_and_delete_which_skip_the_model_are_refused_too(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(event_type="test.rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk)._raw_delete(using="default")  # type: ignore[attr-defined]
    _unchanged(event)


def test_new_audit_rows_can_still_be_written(event):
    with transaction.atomic():
        audit_record(event_type="test.second", target_label="another")
    assert AuditEvent.objects.filter(event_type__startswith="test.").count() == 2


def test_deleting_a_user_who_acted_is_refused_so_their_audit_rows_keep_their_actor(event):
    # The actor foreign key is PROTECT: removing the user would otherwise have to update
    # (SET_NULL) or delete (CASCADE) audit rows, which the trigger refuses.
    with pytest.raises(ProtectedError), transaction.atomic():
        event.actor.delete()
    assert AuditEvent.objects.get(pk=event.pk).actor_id == event.actor_id


def _as_production(cursor) -> None:
    # The test settings allow TRUNCATE for Django's flush (icms.audit_truncate=allow, a
    # connection option); production connects without it. SET LOCAL ends with the block.
    cursor.execute("SET LOCAL icms.audit_truncate = ''")
    _no_pending_checks(cursor)


def _no_pending_checks(cursor) -> None:
    # The test's own transaction inserted rows whose deferred foreign-key checks would make
    # PostgreSQL refuse the TRUNCATE for another reason ("pending trigger events").
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_truncating_the_audit_log_is_refused(event):
    with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as cursor:
        _as_production(cursor)
        cursor.execute("TRUNCATE accounts_auditevent")
    _unchanged(event)


def test_a_truncate_that_cascades_to_the_audit_log_is_refused_too(event):
    # TRUNCATE ... CASCADE empties every table with a foreign key to the users: the audit log is one.
    with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as cursor:
        _as_production(cursor)
        cursor.execute("TRUNCATE accounts_user CASCADE")
    _unchanged(event)


def test_only_a_session_that_allows_it_may_truncate_as_the_test_suites_flush_does(event):
    class RolledBack(Exception):
        pass

    with connection.cursor() as cursor:
        cursor.execute("SHOW icms.audit_truncate")
        assert cursor.fetchone() == ("allow",)
    with pytest.raises(RolledBack), transaction.atomic():
        with connection.cursor() as cursor:
            _no_pending_checks(cursor)
            cursor.execute("TRUNCATE accounts_auditevent")
        assert not AuditEvent.objects.exists()
        raise RolledBack
    _unchanged(event)
