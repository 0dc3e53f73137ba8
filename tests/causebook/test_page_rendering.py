# ruff: noqa: E501  (the reference rows are the template as it was, one line each)
"""The cause list's rows and a page of results, written in one pass in Python (causebook/cause_list.py,
causebook/results_html.py), are the markup the templates wrote, in both languages; and the
fixed addresses of every page's header and footer are what {% url %} gives."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.translation import override

from causebook.cause_list import rows_html
from causebook.results_html import case_summaries_html
from causebook.selectors import cause_list_for_day, hearings_for_day
from causebook.summaries import case_summaries
from filing.models import CaseType, Court
from icms.core.templatetags.icms_urls import fixed_url, url_with_pk
from tests.causebook.conftest import make_case
from tests.factories import HearingFactory

pytestmark = pytest.mark.django_db
HKT = ZoneInfo("Asia/Hong_Kong")

# The rows as templates/causebook/cause_list.html wrote them before: the reference.
TEMPLATE_ROWS = """{% load causebook icms_tables icms_lang i18n %}
{% translate 'Court' as label_court %}{% translate 'Judge' as label_judge %}{% translate 'Time' as label_time %}
{% translate 'Case No.' as label_case_no %}{% translate 'Parties' as label_parties %}{% translate 'Nature' as label_nature %}
{% translate 'Representation' as label_representation %}{% translate 'Defendant' as label_defendant %}
{% translate 'Offence / nature' as label_offence %}
{% for hearing in hearings %}{% cause_list_parties hearing.case court as parties %}
{% if court.level == "DC" %}
<tr{% if hearing.status != "listed" %} class="cause-list__row--{{ hearing.status }}"{% endif %}>
<td>{% cell_label label_court %}{{ hearing.courtroom }}</td>
<td>{% cell_label label_judge %}{{ hearing.judge_en|lang_span }}{% if hearing.judge_zh %}<br><span lang="zh-Hant-HK">{{ hearing.judge_zh }}</span>{% endif %}</td>
<td>{% cell_label label_time %}{{ hearing.starts_at|hk_time }}</td>
<td>{% cell_label label_case_no %}{{ hearing.case.case_number }}{% if hearing.status != "listed" %}<br><strong>{{ hearing.get_status_display }}</strong>{% endif %}</td>
<td>{% cell_label label_parties %}{{ parties.en|lang_span }}<br>{{ parties.zh|lang_span }}</td>
<td>{% cell_label label_nature %}{{ hearing.get_hearing_type_display }}: {{ hearing.nature_en|default:hearing.case.nature_en }}{% if hearing.nature_zh or hearing.case.nature_zh %}<br><span lang="zh-Hant-HK">{{ hearing.nature_zh|default:hearing.case.nature_zh }}</span>{% endif %}</td>
<td>{% cell_label label_representation %}{{ hearing.representation_en|lang_span }}{% if hearing.representation_zh %}<br><span lang="zh-Hant-HK">{{ hearing.representation_zh }}</span>{% endif %}</td>
</tr>
{% else %}
<tr>
<td>{% cell_label label_court %}{{ hearing.courtroom }}</td>
<td>{% cell_label label_time %}{{ hearing.starts_at|hk_time }}</td>
<td>{% cell_label label_case_no %}{{ hearing.case.case_number }}{% if hearing.status != "listed" %}<br><strong>{{ hearing.get_status_display }}</strong>{% endif %}</td>
<td>{% cell_label label_defendant %}{{ parties.en|lang_span }}<br>{{ parties.zh|lang_span }}</td>
<td>{% cell_label label_offence %}{{ hearing.nature_en|default:hearing.case.nature_en }}{% if hearing.nature_zh or hearing.case.nature_zh %}<br><span lang="zh-Hant-HK">{{ hearing.nature_zh|default:hearing.case.nature_zh }}</span>{% endif %}</td>
</tr>
{% endif %}{% endfor %}"""


def _same(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


@pytest.fixture
def a_day(register):
    day = datetime(2026, 11, 26, 9, 30, tzinfo=HKT)
    summons = make_case("KCS", 4021, 2026, ("TRANSPORT DEPARTMENT", "運輸署"), ("LAU Chi Wai", "劉志偉"))
    HearingFactory(case=register["target"], starts_at=day, nature_en="Trial <of> “issues” & costs", nature_zh="審訊")
    HearingFactory(
        case=register["wong_tai_man"],
        starts_at=day.replace(hour=14),
        status="adjourned",
        judge_zh="",
        representation_zh="",
        hearing_type="not_a_listed_type",
    )
    HearingFactory(case=register["closed"], starts_at=day.replace(hour=10), status="vacated", courtroom="Court No. 2")
    HearingFactory(case=summons, starts_at=day, courtroom="Court No. 7", hearing_type="plea", nature_en="Speeding")
    HearingFactory(case=summons, starts_at=day.replace(hour=11), courtroom="Court No. 7", status="heard")
    return day.date()


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("level", [Court.Level.DISTRICT, Court.Level.MAGISTRATES])
def test_the_cause_list_rows_are_the_markup_the_template_wrote(a_day, language, level):
    court = CaseType.objects.get(prefix="DCCJ" if level == Court.Level.DISTRICT else "KCS").court
    with override(language):
        written = rows_html(cause_list_for_day(court=court, day=a_day), magistrates=level == Court.Level.MAGISTRATES)
        reference = Template(TEMPLATE_ROWS).render(
            Context({"hearings": hearings_for_day(court=court, day=a_day), "court": court})
        )
    assert written.count("<tr") >= 2
    assert _same(written) == _same(reference)


def test_the_cause_list_page_costs_three_queries_however_long_the_list(client, a_day, django_assert_num_queries):
    client.get(reverse("causebook:cause_list"))  # the banner's notices, cached from here on
    with django_assert_num_queries(3):  # the courts, the hearings, their parties
        response = client.get(reverse("causebook:cause_list"), {"court": "DC", "date": a_day.isoformat()})
    assert response.status_code == 200
    assert "Trial &lt;of&gt; “issues” &amp; costs" in response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("token", ["", "a-token_1"])
def test_a_page_of_results_is_the_markup_of_the_case_summary_template(register, language, token):
    cases = case_summaries([case.pk for case in register.values()])
    with override(language):
        written = case_summaries_html(cases, token=token)
        reference = Template('{% for case in cases %}{% include "causebook/_case_summary.html" %}{% endfor %}').render(
            Context({"cases": cases, "token": token})
        )
    assert written.count('<li class="result">') == len(register)
    assert _same(written) == _same(reference)


def test_fixed_addresses_are_what_url_gives():
    for name in ("home", "causebook:search", "calendar:registry_hours", "account_login", "verify:verify", "healthz"):
        assert fixed_url(name) == reverse(name)
    assert url_with_pk("causebook:case", 42) == reverse("causebook:case", args=[42])
