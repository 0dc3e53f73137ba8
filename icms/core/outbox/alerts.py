"""Telling staff that work failed: an email to each member of the kind's staff group.

The outbox owes a ``core.staff_alert`` when work of a kind with an ``alert_group``
fails; this is that work. It owes one email per member, in their language.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from ..email import absolute_url, email_enqueue_in_languages
from ..messages import render_text
from ..models import OutboxItem


def staff_alert_send(alert: OutboxItem) -> int:
    """The ``core.staff_alert`` work: the alert's target is the failed item."""
    item = OutboxItem.objects.get(pk=int(alert.target_id))
    return staff_alert(group=str(alert.payload["group"]), item=item)


def staff_alert_failed(alert: OutboxItem) -> None:
    """The failed item is still listed under "Work needing attention"; nobody else to tell."""


def staff_alert(*, group: str, item: OutboxItem) -> int:
    """Email every active member of ``group`` about the failed ``item``, each in their language.

    The email links to the item in "Work needing attention". Returns how many were told.
    """
    members = get_user_model().objects.filter(groups__name=group, is_active=True, is_staff=True).exclude(email="")
    link = absolute_url(reverse("admin:core_outboxitem_change", args=[item.pk]))
    told = 0
    context = {"item": item, "link": link}

    def render(language: str) -> tuple[str, str]:
        return (
            render_text("core/email/work_failed_subject.txt", context, language=language),
            render_text("core/email/work_failed.txt", context, language=language),
        )

    for member in members.order_by("pk"):
        language = getattr(member, "preferred_language", "") or settings.LANGUAGE_CODE
        email_enqueue_in_languages(to=member.email, language=language, render=render)
        told += 1
    return told
