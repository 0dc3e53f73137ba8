"""Dates as Hong Kong writes them in each language, in Hong Kong time, by named format only."""

import re
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from django import forms
from django.core.checks import run_checks
from django.template import engines
from django.utils import translation

from icms.core.dates import PORTAL_FORMATS, check_portal_formats, format_named

# No test here reads the database, but the suite's session fixtures need one set up.
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# Thursday 26 November 2026, 19:06:54 in Hong Kong; still the 26th in UTC.
MOMENT = datetime(2026, 11, 26, 11, 6, 54, tzinfo=UTC)
# 00:30 on Thursday 26 November in Hong Kong is still Wednesday 25 November in UTC.
JUST_AFTER_MIDNIGHT = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)


def _render(source: str, **context: object) -> str:
    return engines["django"].from_string("{% load icms_dates %}" + source).render(context)


@pytest.mark.parametrize(
    ("source", "english", "chinese"),
    [
        ('{{ d|date:"DATE_FORMAT" }}', "26 Nov 2026", "2026年11月26日"),
        ("{{ d|date }}", "26 Nov 2026", "2026年11月26日"),
        ('{{ m|date:"DATE_FORMAT" }}', "26 Nov 2026", "2026年11月26日"),
        ('{{ m|date:"DATETIME_FORMAT" }}', "26 Nov 2026, 19:06", "2026年11月26日 19:06"),
        ('{{ m|date:"SHORT_DATE_FORMAT" }}', "26/11/2026", "2026年11月26日"),
        ('{{ m|date:"MONTH_DAY_FORMAT" }}', "26 Nov", "11月26日"),
        ('{{ t|time:"TIME_FORMAT" }}', "08:45", "08:45"),
        ("{{ d|long_date }}", "Thursday 26 November 2026", "2026年11月26日（星期四）"),
        ("{{ m|long_datetime }}", "Thursday 26 November 2026, 19:06", "2026年11月26日（星期四）19:06"),
        ("{{ m|datetime_seconds }}", "26 Nov 2026, 19:06:54", "2026年11月26日 19:06:54"),
        (
            "{{ m|long_datetime_seconds }}",
            "Thursday 26 November 2026, 19:06:54",
            "2026年11月26日（星期四）19:06:54",
        ),
        ("{{ d|weekday_month_day }}", "Thu 26 Nov", "11月26日（星期四）"),
    ],
)
def test_each_named_format_in_english_and_in_chinese(source, english, chinese):
    context = {"d": date(2026, 11, 26), "m": MOMENT, "t": time(8, 45)}
    with translation.override("en"):
        assert _render(source, **context) == english
    with translation.override("zh-hant"):
        assert _render(source, **context) == chinese


def test_times_are_shown_in_hong_kong_and_machine_readable_values_stay_iso_8601():
    source = '<time datetime="{{ m|date:\'c\' }}">{{ m|long_datetime }}</time> {{ m|date:"Y-m-d" }}'
    with translation.override("zh-hant"):
        assert _render(source, m=JUST_AFTER_MIDNIGHT) == (
            '<time datetime="2026-11-26T00:30:00+08:00">2026年11月26日（星期四）00:30</time> 2026-11-26'
        )
    with translation.override("en"):
        assert format_named(JUST_AFTER_MIDNIGHT, "LONG_DATE_FORMAT") == "Thursday 26 November 2026"


def test_no_value_shows_nothing():
    assert _render("[{{ missing|long_datetime }}][{{ none|long_date }}]", none=None) == "[][]"
    assert format_named("", "LONG_DATE_FORMAT") == ""


def test_a_language_without_the_portal_formats_falls_back_to_djangos_not_to_the_name():
    with translation.override("fr"):
        assert format_named(date(2026, 11, 26), "LONG_DATE_FORMAT") == "26 novembre 2026"


def test_every_portal_language_defines_every_portal_format(settings):
    assert check_portal_formats() == []
    assert [e for e in run_checks() if e.id and e.id.startswith("icms.E01")] == []
    settings.LANGUAGES = [*settings.LANGUAGES, ("fr", "Français")]
    assert [e.id for e in check_portal_formats()] == ["icms.E010"]
    assert set(PORTAL_FORMATS) >= {"LONG_DATE_FORMAT", "LONG_DATETIME_FORMAT"}


def test_a_date_input_shows_iso_in_chinese_as_input_type_date_requires():
    class DayForm(forms.Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    with translation.override("zh-hant"):
        assert 'value="2026-11-26"' in str(DayForm(initial={"day": date(2026, 11, 26)})["day"])
        form = DayForm({"day": "2026/11/26"})
        assert form.is_valid() and form.cleaned_data["day"] == date(2026, 11, 26)
    with translation.override("en"):
        form = DayForm({"day": "05/11/2026"})
        assert form.is_valid() and form.cleaned_data["day"] == date(2026, 11, 5)  # day before month


# Machine-readable values (<time datetime>, URL parameters) keep ISO formats; anything
# shown to a reader goes through a named format.
MACHINE = re.compile(r"""(datetime=["']|[?&]\w+=)\{\{[^}]*$""")
FILTER = re.compile(r"""\|(date|time):(["'])(.*?)\2""")


def test_no_template_shows_a_date_in_a_fixed_format():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        text = path.read_text()
        for match in FILTER.finditer(text):
            fmt = match.group(3)
            if fmt.endswith("_FORMAT"):
                continue
            before = text[max(0, match.start() - 80) : match.start()]
            if fmt in {"c", "Y-m-d"} and MACHINE.search(before):
                continue
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []
