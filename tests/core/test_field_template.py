"""templates/includes/field.html marks only the exception: required fields say "(verplicht)";
optional ones carry no blanket "(niet verplicht)" (NL Design System form guidance)."""

from django import forms
from django.template.loader import render_to_string
from django.utils import translation


class SampleForm(forms.Form):
    name = forms.CharField(label="Naam")
    note = forms.CharField(label="Notitie", required=False)
    agree = forms.BooleanField(label="Akkoord", required=False)


def render(field):
    with translation.override("nl"):
        return render_to_string("includes/field.html", {"field": field})


def test_required_field_is_marked_in_its_label():
    html = render(SampleForm()["name"])
    assert '<label class="utrecht-form-label" for="id_name">Naam <span class="kcc-required">(verplicht)</span></label>' in html


def test_optional_fields_carry_no_mark():
    form = SampleForm()
    for name in ("note", "agree"):
        html = render(form[name])
        assert "verplicht" not in html
