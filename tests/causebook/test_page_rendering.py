# ruff: noqa: E501  (the reference rows are the template as it was, one line each)
"""The cause list's rows and a page of results, written in one pass in Python (causebook/cause_list.py,
causebook/results_html.py), are the markup the templates wrote, in both languages; and the
fixed addresses of every page's header and footer are what {% url %} gives."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.urls import reverse
from django.utils.translation import override

from causebook.cause_list import rows_html
from causebook.forms import CauseListForm, SearchForm
from causebook.reference import REFERENCE_VERSION_KEY, search_filter_choices
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


def test_the_cause_list_page_costs_one_query_however_long_the_list(client, a_day, django_assert_num_queries):
    client.get(reverse("causebook:cause_list"))  # the banner's notices and the courts, cached from here on
    with django_assert_num_queries(1):  # the hearings with their parties, in one statement
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


def _filters_from_the_database() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    # What the search form read on every request before (causebook/reference.py keeps it).
    courts: dict[str, str] = {}
    types = []
    for case_type in CaseType.objects.select_related("court").order_by("court__level", "court__code", "prefix"):
        courts.setdefault(case_type.court.code, case_type.court.name)
        types.append((case_type.prefix, f"{case_type.prefix} — {case_type.name}"))
    return list(courts.items()), types


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_kept_filters_are_the_courts_and_case_types_of_the_database(language):
    with override(language):
        assert search_filter_choices() == _filters_from_the_database()
        assert search_filter_choices() == _filters_from_the_database()  # and again, as kept
        form = SearchForm()
        assert [str(label) for _, label in form.fields["type"].choices][1:] == [
            label for _, label in _filters_from_the_database()[1]
        ]
    assert cache.get(REFERENCE_VERSION_KEY) is not None


def test_a_changed_case_type_or_court_is_offered_on_the_next_page(client):
    assert "DCXX" not in client.get(reverse("causebook:search")).content.decode()
    court = Court.objects.get(code="DC")
    CaseType.objects.create(court=court, prefix="DCXX", name_en="New <list>", name_zh="新")
    assert (
        '<option value="DCXX">DCXX — New &lt;list&gt;</option>'
        in client.get(reverse("causebook:search")).content.decode()
    )
    court.name_en = "District Court (renamed)"
    court.save()
    page = client.get(reverse("causebook:cause_list")).content.decode()
    assert '<option value="DC" selected>District Court (renamed)</option>' in page
    CaseType.objects.filter(prefix="DCXX").get().delete()
    assert "DCXX" not in client.get(reverse("causebook:search")).content.decode()


def test_the_empty_search_page_reads_nothing_from_the_database_once_warm(client, django_assert_num_queries):
    client.get(reverse("causebook:search"))
    with django_assert_num_queries(0):  # the filters' courts and case types are kept (causebook/reference.py)
        response = client.get(reverse("causebook:search"))
    assert response.status_code == 200


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_pickers_are_the_markup_of_djangos_widget_templates(language):
    from django.forms.renderers import TemplatesSetting

    courts = list(Court.objects.order_by("level", "code"))
    forms = [
        SearchForm({"q": "陳大文 <b>", "court": "DC", "type": "DCCJ", "year_from": "2020", "status": "active"}),
        SearchForm({"year_to": "not a year"}),
        CauseListForm({"court": "DC", "date": "2026-12-01"}, courts=courts),
    ]
    with override(language):
        for form in forms:
            for field in form:
                widget = field.field.widget
                context = widget.get_context(field.html_name, field.value(), field.build_widget_attrs({}))
                context["widget"]["attrs"].setdefault("id", field.auto_id)
                assert str(field) == TemplatesSetting().render(widget.template_name, context), field.name
