"""The case page's access codes and representation in the admin (issue 14): a new code shown once,
a change of who is on record with a reason, each audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Membership
from filing.joining import access_code_digest, access_code_format
from filing.models import CaseAccessCode, MessageItem, Party, Representation
from icms.core.audit import AuditEventType
from icms.core.models import AuditEvent
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory
from tests.filing.test_joining import plain_codes
from tests.filing.test_review_admin import staff_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(firm_filer, document_storage, celery_eager):
    """A writ against two defendants, accepted: each has its access code."""
    from tests.filing.test_joining import accept, new_writ

    submission = new_writ(firm_filer)
    accept(submission, StaffFactory(group="Registry clerk"))
    submission.refresh_from_db()
    return submission.case


def defendant(case, name="CHAN Tai Man") -> Party:
    return Party.objects.get(case=case, name_en=name)


def test_the_case_page_lists_who_is_on_record_and_links_the_two_pages(case):
    client = staff_client(StaffFactory(group="Registry supervisor"))
    page = client.get(reverse("admin:filing_case_change", args=[case.pk])).content.decode()
    party = defendant(case)
    assert reverse("admin:filing_case_access_code", args=[case.pk, party.pk]) in page
    assert reverse("admin:filing_case_representation", args=[case.pk, party.pk]) in page


def test_a_clerk_reissues_a_code_which_is_shown_once_and_audited_without_it(case):
    clerk = StaffFactory(group="Registry clerk")
    client = staff_client(clerk)
    party = defendant(case)
    old = plain_codes(case)["CHAN Tai Man"]
    url = reverse("admin:filing_case_access_code", args=[case.pk, party.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "reissue", "reason": "The served copy was lost."})
    assert response.status_code == 200
    new = plain_codes(case)["CHAN Tai Man"]
    assert new != old and access_code_format(new) in response.content.decode()
    revoked = CaseAccessCode.objects.get(digest=access_code_digest(old))
    assert revoked.revoked_at is not None and revoked.revoked_reason == "The served copy was lost."
    assert access_code_format(new) not in client.get(url).content.decode(), "shown once"
    events = AuditEvent.objects.filter(actor=clerk).values_list("event_type", flat=True)
    assert set(events) >= {AuditEventType.FILING_ACCESS_CODE_REVOKED, AuditEventType.FILING_ACCESS_CODE_ISSUED}
    for event in AuditEvent.objects.filter(actor=clerk):
        assert new not in f"{event.before} {event.after} {event.target_label}"


def test_a_reason_is_needed(case):
    client = staff_client(StaffFactory(group="Registry clerk"))
    party = defendant(case)
    response = client.post(reverse("admin:filing_case_access_code", args=[case.pk, party.pk]), {"action": "revoke"})
    assert response.status_code == 200
    assert CaseAccessCode.objects.filter(party=party, revoked_at__isnull=True).exists()


def test_a_party_of_another_case_is_refused(case, firm_filer):
    client = staff_client(StaffFactory(group="Registry clerk"))
    other = Party.objects.filter(case=firm_filer.case).first()
    assert client.get(reverse("admin:filing_case_access_code", args=[case.pk, other.pk])).status_code == 403


def test_a_supervisor_puts_a_firm_on_record_and_takes_it_off(case):
    supervisor = StaffFactory(group="Registry supervisor")
    client = staff_client(supervisor)
    party = defendant(case)
    firm = OrganisationFactory()
    admin_user = MembershipFactory(organisation=firm, role=Membership.Role.PRIMARY_ADMIN).user
    url = reverse("admin:filing_case_representation", args=[case.pk, party.pk])
    response = client.post(url, {"action": "organisation", "organisation": firm.pk, "reason": "Order of 1 Dec."})
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.representative == firm
    started = Representation.objects.get(party=party, ended_at__isnull=True)
    assert (started.organisation, started.started_by, started.reason) == (firm, supervisor, "Order of 1 Dec.")
    assert MessageItem.objects.filter(recipient=admin_user, kind=MessageItem.Kind.REPRESENTATION).count() == 1
    response = client.post(url, {"action": "end", "reason": "Firm ceased to act."})
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.representative is None and party.user is None
    ended = Representation.objects.get(pk=started.pk)
    assert ended.ended_at is not None and ended.ended_by == supervisor and ended.end_reason == "Firm ceased to act."
    assert MessageItem.objects.filter(recipient=admin_user, kind=MessageItem.Kind.REPRESENTATION).count() == 2
    kinds = set(AuditEvent.objects.filter(actor=supervisor).values_list("event_type", flat=True))
    assert {AuditEventType.FILING_REPRESENTATION_STARTED, AuditEventType.FILING_REPRESENTATION_ENDED} <= kinds


def test_a_clerk_may_not_change_who_is_on_record(case):
    client = staff_client(StaffFactory(group="Registry clerk"))
    party = defendant(case)
    assert client.get(reverse("admin:filing_case_representation", args=[case.pk, party.pk])).status_code == 403
