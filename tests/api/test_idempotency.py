"""Every POST of the API takes an Idempotency-Key: replayed, refused when reused for another request,
409 while the first is running, and forgotten after 24 hours."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.api_idempotency import idempotency_keys_purge, request_fingerprint
from accounts.models import ApiIdempotencyKey
from filing.models import SubmissionDraft
from tests.api.conftest import ApiClient, dccj_case, token_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_post_without_a_key_is_refused_before_anything_is_done(api):
    response = api.post_json("/api/v1/filings", dccj_case(), key=None)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert not SubmissionDraft.objects.exists()


def test_a_key_with_spaces_is_refused(api):
    response = api.post_json("/api/v1/filings", dccj_case(), key="two words")
    assert response.status_code == 400
    assert "visible ASCII" in response.json()["detail"]


def test_the_same_key_and_body_replay_the_first_answer_and_do_nothing_again(api):
    first = api.post_json("/api/v1/filings", dccj_case(), key="k-1")
    again = api.post_json("/api/v1/filings", dccj_case(), key="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert SubmissionDraft.objects.count() == 1


def test_json_spaced_differently_is_the_same_request(api):
    import json

    api.client.post(
        "/api/v1/filings",
        json.dumps(dccj_case()),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-2",
        **api.headers,
    )
    again = api.client.post(
        "/api/v1/filings",
        json.dumps(dccj_case(), indent=4),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-2",
        **api.headers,
    )
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_is_422_and_does_nothing(api):
    api.post_json("/api/v1/filings", dccj_case(), key="k-3")
    response = api.post_json("/api/v1/filings", dccj_case(nature_en="Goods sold and delivered"), key="k-3")
    assert response.status_code == 422
    assert "different request" in response.json()["detail"]
    assert SubmissionDraft.objects.count() == 1


def test_a_refusal_is_kept_and_replayed_too(api):
    bad = dccj_case(nature_en="")
    first = api.post_json("/api/v1/filings", bad, key="k-4")
    again = api.post_json("/api/v1/filings", bad, key="k-4")
    assert first.status_code == again.status_code == 400
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"


def test_the_same_key_while_the_first_request_runs_is_409(api, firm_member, rf):
    request = rf.post("/api/v1/filings", dccj_case(), content_type="application/json")
    ApiIdempotencyKey.objects.create(
        user=firm_member, key="k-5", method="POST", path="/api/v1/filings", request_sha256=request_fingerprint(request)
    )
    response = api.post_json("/api/v1/filings", dccj_case(), key="k-5")
    assert response.status_code == 409
    assert "still being processed" in response.json()["detail"]
    assert not SubmissionDraft.objects.exists()


def test_a_claim_left_by_a_request_that_died_is_taken_over(api, firm_member, rf):
    request = rf.post("/api/v1/filings", dccj_case(), content_type="application/json")
    row = ApiIdempotencyKey.objects.create(
        user=firm_member, key="k-6", method="POST", path="/api/v1/filings", request_sha256=request_fingerprint(request)
    )
    ApiIdempotencyKey.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    response = api.post_json("/api/v1/filings", dccj_case(), key="k-6")
    assert response.status_code == 201
    assert ApiIdempotencyKey.objects.get(pk=row.pk).response_status == 201


def test_keys_are_each_users_own(api):
    other = ApiClient(token_for(MembershipFactory().user))
    api.post_json("/api/v1/filings", dccj_case(), key="shared")
    response = other.post_json("/api/v1/filings", dccj_case(nature_en="Another claim"), key="shared")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert SubmissionDraft.objects.count() == 2


def test_keys_older_than_a_day_are_purged(api, firm_member):
    api.post_json("/api/v1/filings", dccj_case(), key="old")
    api.post_json("/api/v1/filings", dccj_case(), key="recent")
    ApiIdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency_keys_purge() == 1
    assert list(ApiIdempotencyKey.objects.values_list("key", flat=True)) == ["recent"]
