"""An API client drives a case end to end (issue 15, "Done when"): start it, upload its documents,
submit and pay from deposit, [receive the signed ``accepted`` webhook], download the sealed copy
and verify it by SHA-256.

Each step is a method of :class:`Journey`, so the webhook step (4) slots in between the registry's
acceptance and the download without touching the others.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from accounts.models import Membership
from filing.models import Submission
from filing.services import filing_accept
from payments.models import DepositAccount
from payments.services.ledger import balance_of
from tests.api.conftest import ApiClient, dccj_case
from tests.clock import once_received_in_law
from tests.factories import StaffFactory
from tests.filing.pdf_corpus import good_pdf
from tests.webhook_receiver import Receiver, verify, webhook_receiver

pytestmark = pytest.mark.django_db


class Journey:
    def __init__(self, api: ApiClient, capture) -> None:
        self.api = api
        self.capture = capture  # django_capture_on_commit_callbacks: the outbox's work runs (eagerly)
        self.reference = ""
        self.sealed = b""

    def step_1_start_the_case(self) -> int:
        response = self.api.post_json("/api/v1/filings", dccj_case())
        assert response.status_code == 201, response.content
        filing = response.json()
        assert (filing["status"], filing["opens_case"], filing["case_type"]) == ("draft", True, "DCCJ")
        assert filing["problems"] == ["Add at least one document."]
        return filing["filing_id"]

    def step_2_upload_the_documents_and_submit(self, filing_id: int) -> None:
        writ = good_pdf(2)
        response = self.api.post_form(
            f"/api/v1/filings/{filing_id}/documents",
            {"document_type": "writ", "title": "Writ of summons", "file": _named(writ, "writ.pdf")},
        )
        assert response.status_code == 201, response.content
        document = response.json()
        assert document["sha256"] == hashlib.sha256(writ).hexdigest()
        assert (document["pages"], document["filing_lead_document"], document["fee_item"]) == (2, True, "DC-WRIT")
        assert self.api.get(f"/api/v1/filings/{filing_id}").json()["problems"] == []
        with self.capture(execute=True):
            response = self.api.post_json(f"/api/v1/filings/{filing_id}/submit", {})
        assert response.status_code == 201, response.content
        status = response.json()
        assert status["filing_status_code"] == "received"
        assert status["received_at"] and status["deemed_rule"] and status["deemed_rule_explanation_en"]
        assert status["filer_reference"] == "CLIENT-42/MATTER-7"
        self.reference = status["reference"]

    def step_3_pay_from_deposit(self, account: DepositAccount) -> None:
        before = balance_of(account)
        with self.capture(execute=True):
            response = self.api.post_json(f"/api/v1/submissions/{self.reference}/payment", {"method": "deposit"})
        assert response.status_code == 201, response.content
        payment = response.json()
        assert (payment["status"], payment["method"]) == ("paid", "deposit")
        assert payment["receipt_number"]
        charged = Decimal(payment["fees_calculation_amount"])
        assert charged > 0 and balance_of(account) == before - charged

    def registry_accepts(self) -> None:
        submission = Submission.objects.get(reference=self.reference)
        with once_received_in_law(submission), self.capture(execute=True):
            filing_accept(
                submission=submission, clerk=StaffFactory(group="Registry clerk"), accepted_without_opening=True
            )

    def listens_for_webhooks(self, receiver: Receiver, member) -> None:
        """Before it all, the firm's administrator registers the client's endpoint for acceptances."""
        from accounts.webhooks.endpoints import webhook_endpoint_create
        from tests.factories import MembershipFactory

        organisation = Membership.objects.get(user=member).organisation
        admin = MembershipFactory(organisation=organisation, role=Membership.Role.SECONDARY_ADMIN).user
        _endpoint, self.webhook_secret = webhook_endpoint_create(
            actor=admin, url=receiver.url, event_types=["filing.accepted"]
        )
        self.receiver = receiver

    def step_4_receive_the_accepted_webhook(self) -> None:
        """The signed ``accepted`` event reached the client's receiver, with the case number."""
        (received,) = self.receiver.received  # it asked for acceptances only
        assert verify(secret=self.webhook_secret, headers=received.headers, body=received.body, now=received.at)
        event = received.json
        assert event["type"] == "filing.accepted" and received.headers["webhook-id"] == event["id"]
        status = self.api.get(f"/api/v1/submissions/{self.reference}").json()
        assert event["data"]["reference"] == self.reference and event["data"]["status"] == "accepted"
        assert event["data"]["case_number"] == status["case_number"] and status["case_number"].startswith("DCCJ ")

    def step_5_download_the_sealed_copy(self) -> None:
        response = self.api.get(f"/api/v1/submissions/{self.reference}/documents/1/sealed.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        self.sealed = b"".join(response.streaming_content)
        assert self.sealed.startswith(b"%PDF")

    def step_6_verify_the_copy_by_sha256(self) -> None:
        digest = hashlib.sha256(self.sealed).hexdigest()
        status = self.api.get(f"/api/v1/submissions/{self.reference}").json()
        assert status["filing_status_code"] == "accepted"
        assert status["documents"][0]["sealed_sha256"] == digest
        verified = self.api.client.get(f"/api/v1/verify?sha256={digest}").json()
        assert verified["match"] is True and verified["sealed"] is True
        assert verified["case_number"] == status["case_number"]


def _named(data: bytes, name: str):
    import io

    file = io.BytesIO(data)
    file.name = name
    return file


def test_an_api_client_files_a_new_case_pays_and_verifies_its_sealed_copy(
    api, firm_member, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    journey = Journey(api, django_capture_on_commit_callbacks)
    with webhook_receiver() as receiver:
        journey.listens_for_webhooks(receiver, firm_member)
        filing_id = journey.step_1_start_the_case()
        journey.step_2_upload_the_documents_and_submit(filing_id)
        journey.step_3_pay_from_deposit(DepositAccount.objects.get(organisation__memberships__user=firm_member))
        journey.registry_accepts()
        journey.step_4_receive_the_accepted_webhook()
    journey.step_5_download_the_sealed_copy()
    journey.step_6_verify_the_copy_by_sha256()
