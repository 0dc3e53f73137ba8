"""GET /api/v1/fees/quote and /api/v1/fees/items: the published contract of issue 6."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_quote_lists_each_line_and_the_totals_as_two_decimal_strings(client):
    response = client.get(
        "/api/v1/fees/quote", {"court": "DC", "item": ["DC-SEARCH", "DC-WRIT"], "at": "2026-03-02T10:00:00+08:00"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["lines"][0] == {
        "item": "DC-SEARCH",
        "description_en": "Search of the cause book or a case file (per file)",
        "description_zh": "查閱訴訟登記冊或案件檔案（每個檔案）",
        "standard": "18.00",
        "e_fee": "14.00",
        "saving": "4.00",
        "verified": True,
    }
    assert body["lines"][1]["verified"] is False
    assert (body["standard_total"], body["e_fee_total"], body["saving_total"]) == ("648.00", "518.00", "130.00")
    assert body["concession"] == {"rate": "0.20", "from": "2022-05-06", "until": "2027-05-05"}


def test_outside_the_concession_the_concession_is_null_and_the_e_fee_is_the_fee(client):
    body = client.get("/api/v1/fees/quote?court=MC&item=MC-SEARCH&at=2022-12-29T12:00:00%2B08:00").json()
    assert body["concession"] is None
    assert body["e_fee_total"] == "18.00"


def test_at_defaults_to_now(client):
    response = client.get("/api/v1/fees/quote?court=DC&item=DC-SEARCH")
    assert response.status_code == 200 and [line["item"] for line in response.json()["lines"]] == ["DC-SEARCH"]


@pytest.mark.parametrize(
    "query",
    [
        "court=DC&item=NOPE",
        "court=DC&item=MC-SEARCH",
        "court=HC&item=DC-SEARCH",
        "court=DC",
        "item=DC-SEARCH",
        "court=DC&item=DC-SEARCH&at=yesterday",
        "court=DC&item=DC-SEARCH&at=2026-03-02T10:00:00",
    ],
)
def test_bad_requests_are_400_with_a_message(client, query):
    response = client.get(f"/api/v1/fees/quote?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_the_items_in_force_are_listed_with_their_fields(client):
    response = client.get("/api/v1/fees/items", {"court": "MC", "at": "2026-01-05T10:00:00+08:00"})
    assert response.status_code == 200
    items = {row["code"]: row for row in response.json()}
    assert {"MC-SEARCH", "MC-INSPECT", "MC-SUMMONS", "MC-P1-3A"} <= set(items)
    assert {"MC-COPY-PAGE", "MC-CERTIFY", "MC-CERT-TRIAL", "MC-CERT-CONVICTION"} <= set(items)  # copies
    assert items["MC-SEARCH"] == {
        "code": "MC-SEARCH",
        "description_en": "Search of a case file (per file)",
        "description_zh": "查閱案件檔案（每個檔案）",
        "standard": "18.00",
        "e_fee_eligible": True,
        "verified": True,
        "statutory_ref": "Cap. 227B, Schedule (search fee)",
    }


def test_the_items_endpoint_refuses_an_unknown_court(client):
    assert client.get("/api/v1/fees/items?court=XX").status_code == 400


def test_the_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/fees/quote" in paths and "/api/v1/fees/items" in paths
