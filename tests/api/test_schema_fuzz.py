"""A property-based fuzz of the whole API schema (issue 15): no answer is a server error, and every
answer's status is one the schema declares for its operation.

Schemathesis reads /api/v1/openapi.json from the WSGI application in this process and generates
requests for every operation from its schema (bounded and derandomised, so a run is reproducible),
with a token that has every scope. They run inside the test's database transaction.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error, status_code_conformance

from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db


def _schema() -> schemathesis.BaseSchema:
    """The schema the API publishes, read without a request (collection has no database); calls go
    to the WSGI application."""
    from icms.api import api

    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
    loaded.app = WSGIHandler()
    return loaded


schema = _schema()


@pytest.fixture
def in_this_transaction():
    """Requests reach the WSGI handler directly: keep Django from closing the test's connection
    between them, as its test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(firm_member, firm_filer) -> dict[str, str]:
    """Every scope, for a user with a deposit account; a case of theirs exists to find (``firm_filer``)."""
    return {"Authorization": f"Bearer {token_for(firm_member)}"}


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error(case, bearer, in_this_transaction, document_storage):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error, status_code_conformance])
