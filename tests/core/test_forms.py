import pytest
from django import forms

from kcc.core.forms import UtrechtFormMixin


class ChoiceForm(UtrechtFormMixin, forms.Form):
    colour = forms.ChoiceField(choices=[])
    name = forms.CharField()

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colour"].choices = choices


def test_choices_set_after_the_mixin_are_used_for_validation():
    form = ChoiceForm({"colour": "rood", "name": "x"}, choices=[("rood", "Rood")])
    assert form.is_valid(), form.errors


def test_invalid_fields_are_marked_for_assistive_technology():
    form = ChoiceForm({"colour": "rood", "name": ""}, choices=[("rood", "Rood")])
    assert not form.is_valid()
    html = str(form["name"])
    assert 'aria-invalid="true"' in html
    assert "id_name_error" in html
    assert "utrecht-textbox--invalid" in html
    assert 'aria-invalid' not in str(form["colour"])


@pytest.mark.parametrize("field,css", [("name", "utrecht-textbox"), ("colour", "utrecht-select")])
def test_widgets_get_their_nl_design_system_class(field, css):
    assert css in str(ChoiceForm()[field])
