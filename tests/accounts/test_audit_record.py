"""The audit helper keeps what it is given within the column's limits."""

import pytest
from django.db import transaction

from icms.core.audit import audit_record
from icms.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_long_label_given_by_the_caller_is_cut_to_the_column_not_a_500():
    with transaction.atomic():
        audit_record(event_type="test.long_label", target=UserFactory(), target_label="x" * 400)
    assert AuditEvent.objects.get(event_type="test.long_label").target_label == "x" * 255
