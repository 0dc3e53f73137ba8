"""Renewing calendar addresses revokes every address given before: a security action, audited.

One audit row in the renewal's own transaction: who renewed, the old and the new
generation, and which feeds' addresses stopped working (the user's own, each case's and,
for an administrator, the organisation's). If either is undone, so is the other.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from causebook.models import CalendarKeys
from causebook.services import calendar_addresses_renew
from icms.core.models import AuditEvent

pytestmark = pytest.mark.django_db
RENEWED = "causebook.calendar_addresses_renewed"


def test_renewing_is_audited_with_who_the_feeds_and_the_old_and_new_generation(hw):
    admin = hw.plaintiff_firm_admin
    organisation = admin.memberships.get().organisation
    client = Client()
    client.force_login(admin)
    assert client.post(reverse("causebook:calendar_addresses_renew"), REMOTE_ADDR="203.0.113.40").status_code == 302
    calendar_addresses_renew(user=admin)

    first, second = AuditEvent.objects.filter(event_type=RENEWED).order_by("pk")
    assert (first.actor_id, first.target_id, first.ip_address) == (admin.pk, str(admin.pk), "203.0.113.40")
    assert first.before == {"generation": 0}
    assert first.after == {
        "generation": 1,
        "feeds": ["user", "cases", "organisation"],
        "organisation_id": organisation.pk,
    }
    assert (second.before, second.after["generation"]) == ({"generation": 1}, 2)
    assert CalendarKeys.objects.get(user=admin).generation == 2


def test_a_user_who_administers_no_organisation_renews_their_own_and_their_cases_feeds(hw):
    calendar_addresses_renew(user=hw.in_person)
    event = AuditEvent.objects.get(event_type=RENEWED)
    assert event.actor_id == hw.in_person.pk
    assert (event.before, event.after) == ({"generation": 0}, {"generation": 1, "feeds": ["user", "cases"]})


def test_no_audit_row_no_renewal(hw):
    # The audit row cannot be written (an address that cannot be stored), after the generation was
    # raised in the database: the renewal is undone with it.
    user = hw.in_person
    calendar_addresses_renew(user=user)
    with pytest.raises(ValueError, match="IPv4 or IPv6"):
        calendar_addresses_renew(user=user, ip_address="not an address")
    assert CalendarKeys.objects.get(user=user).generation == 1
    assert AuditEvent.objects.filter(event_type=RENEWED).count() == 1


def test_no_renewal_no_audit_row(hw):
    user = hw.in_person
    with pytest.raises(RuntimeError), transaction.atomic():
        calendar_addresses_renew(user=user)
        raise RuntimeError("the request failed after the renewal")
    assert not CalendarKeys.objects.filter(user=user, generation__gt=0).exists()
    assert not AuditEvent.objects.filter(event_type=RENEWED).exists()
