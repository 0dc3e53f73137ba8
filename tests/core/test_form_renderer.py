"""The form renderer writes Django's common widgets in Python (icms/core/form_renderer.py):
each is held here to what Django's own template renders, in both languages."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from icms.core import form_renderer
from icms.core.form_renderer import FormRenderer


class EveryWidget(forms.Form):
    text = forms.CharField(
        label="Name",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "data-x": 'a "quoted" <b>&'}),
    )
    search = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search", "autofocus": True}))
    number = forms.IntegerField(min_value=1900, max_value=2100, required=False)
    decimal = forms.DecimalField(required=False)
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"hidden": False}))
    url = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    time = forms.TimeField(required=False)
    agree = forms.BooleanField(required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    choice = forms.ChoiceField(
        choices=[("", gettext_lazy("Any status")), ("active", gettext_lazy("Active")), ("<b>", "Bold & <co>")],
        required=False,
    )
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("Courts & <tribunals>", [("DC", "District Court"), ("MC", "區域法院")]), ("x", "X")],
        required=False,
    )
    numbered = forms.TypedChoiceField(choices=[(1, 1), (2000, 2000), (3, "three")], coerce=int, required=False)
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", mark_safe("<em>B</em>"))], required=False)
    yes_no = forms.NullBooleanField(required=False)
    safe_attr = forms.CharField(required=False, widget=forms.TextInput(attrs={"title": mark_safe("<i>kept</i>")}))


BOUND = {
    "text": '<script>alert("x")</script> & CHAN',
    "search": "陳大文",
    "number": "2024",
    "decimal": "1234.5",
    "email": "a@example.hk",
    "password": "s&cret",
    "hidden": "h<1>",
    "day": "2026-12-01",
    "time": "09:30",
    "agree": "on",
    "notes": "line one\n<line two> & “three”",
    "choice": "<b>",
    "grouped": "MC",
    "numbered": "2000",
    "many": ["a", "b"],
    "yes_no": "true",
}


def _renders(form: forms.Form) -> list[tuple[str, str, str]]:
    """Each widget's template name, and its markup from the template and from the renderer."""
    out = []
    for field in form:
        widget = field.field.widget
        context = widget.get_context(field.html_name, field.value(), field.build_widget_attrs({}))
        name = widget.template_name
        out.append((name, TemplatesSetting().render(name, context), FormRenderer().render(name, context)))
    return out


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("data", [None, BOUND, {"text": "", "number": "x", "day": "not a date", "many": ["zzz"]}])
def test_each_widget_is_the_markup_of_djangos_template(language, data):
    with override(language):
        for name, reference, written in _renders(EveryWidget(data)):
            assert written == reference, name


def test_the_portal_renders_forms_with_it():
    assert settings.FORM_RENDERER == "icms.core.form_renderer.FormRenderer"
    assert isinstance(EveryWidget().renderer, FormRenderer)
    html = str(EveryWidget(BOUND)["text"])
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; CHAN"' in html


def test_a_label_the_template_would_localise_takes_the_template(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    form = EveryWidget({"numbered": "2000"})
    html = str(form["numbered"])
    assert ">2,000</option>" in html  # localised as {{ widget.label }} does, not "2000"
    assert html == TemplatesSetting().render(
        "django/forms/widgets/select.html",
        form.fields["numbered"].widget.get_context("numbered", "2000", {"id": "id_numbered"}),
    )


def test_an_overridden_widget_template_wins(tmp_path, settings):
    override_dir = tmp_path / "django" / "forms" / "widgets"
    override_dir.mkdir(parents=True)
    (override_dir / "text.html").write_text('<input class="mended" name="{{ widget.name }}">')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    assert str(EveryWidget()["text"]) == '<input class="mended" name="text">'
    assert not form_renderer._is_djangos_own("django/forms/widgets/text.html")


def test_a_date_value_is_written_as_the_widget_formats_it():
    form = EveryWidget(initial={"day": datetime.date(2026, 12, 1)})
    assert 'value="2026-12-01"' in str(form["day"])
