"""The OpenAPI schema is complete: it validates against the OpenAPI specification, lists every route
of the API, and each operation has an id, a description, its request and its error answers."""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from django.test import Client

from icms.api import api
from tests.e2e.crawl_plan import url_patterns

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def raw() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema()))


def _operations(raw: dict):
    for path, methods in raw["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_published_schema_validates_against_openapi(raw):
    published = Client().get("/api/v1/openapi.json").json()
    assert published == raw
    schemathesis.openapi.from_dict(raw).validate()  # the OpenAPI 3.1 meta-schema
    assert raw["openapi"].startswith("3.")


def test_every_route_of_the_api_is_in_the_schema(raw):
    routes = {route for route, _name in url_patterns() if route.startswith("api/v1/") and route != "api/v1/"}
    routes.discard("api/v1/openapi.json")
    # Django's converters as OpenAPI spells them: <path:case_number> -> {case_number}.
    documented = {re.sub(r"\{(\w+)\}", r"{\1}", path.removeprefix("/")) for path in raw["paths"]}
    spelled = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route) for route in routes}
    assert spelled <= documented, spelled - documented
    assert len(raw["paths"]) >= 19


def test_each_operation_has_an_id_a_description_and_its_errors(raw):
    ids = []
    for path, method, operation in _operations(raw):
        where = f"{method.upper()} {path}"
        ids.append(operation["operationId"])
        assert operation.get("summary") and operation.get("description"), where
        codes = set(operation["responses"])
        assert "400" in codes, where  # a NUL character, anywhere
        if operation.get("parameters") or operation.get("requestBody"):
            assert "422" in codes, where  # a request of the wrong shape
        if operation.get("security"):
            assert {"401", "403"} <= codes, where
        if method == "post":
            assert {"409", "422"} <= codes, where
            headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
            assert headers == ["Idempotency-Key"], where
        for code, answer in operation["responses"].items():
            assert answer.get("description"), (where, code)
    assert len(ids) == len(set(ids)), "operation ids are unique"


def test_the_write_operations_use_ecf_names(raw):
    ids = {operation["operationId"] for _path, _method, operation in _operations(raw)}
    assert {"ReviewFiling", "PaymentMessage"} <= ids
    filing = raw["components"]["schemas"]["FilingIn"]["properties"]
    assert {"case_type", "case_tracking_id", "case", "filer_reference", "filed_for"} <= set(filing)
