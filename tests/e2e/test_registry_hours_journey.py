"""The public registry hours page, in both languages, during a typhoon closure."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from icms.calendar.models import Closure
from tests.e2e.layout import DESKTOP, PHONE, open_menu_if_folded

pytestmark = pytest.mark.django_db(transaction=True)

# Each journey runs on a desktop and on a 390 x 844 phone (issue 17 item 7): axe checks every page at both.
WIDTHS = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])


@WIDTHS
def test_a_member_of_the_public_checks_the_registry_during_a_typhoon(journey, size):
    Closure.objects.create(
        reason="typhoon",
        starts_at=timezone.now() - timedelta(hours=2),
        notice_en="Tropical cyclone signal No. 8 is in force.",
        notice_zh="八號熱帶氣旋警告信號現正生效。",
    )
    page = journey.page
    page.set_viewport_size(size)
    journey.visit("/")
    open_menu_if_folded(page)
    page.get_by_role("link", name="Registry hours", exact=True).click()
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registry hours and service status")
    expect(page.get_by_text("Closure in force: Tropical cyclone signal No. 8 or above.")).to_be_visible()
    expect(page.get_by_text("the time it is deemed received will be pending")).to_be_visible()

    page.get_by_role("button", name="繁體中文").click()
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("登記處辦公時間及服務狀況")
    expect(
        page.get_by_role("main").get_by_role("paragraph").filter(has_text="八號熱帶氣旋警告信號現正生效。")
    ).to_be_visible()
    expect(page.locator(".site-notice")).to_contain_text("八號熱帶氣旋警告信號現正生效。")  # the banner on every page
