from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Department

_WIDGET_CLASSES = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.SelectMultiple: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.RadioSelect: "utrecht-radio-button utrecht-radio-button--html-input",
    forms.CheckboxSelectMultiple: "utrecht-checkbox utrecht-checkbox--html-input",
}


class UtrechtFormMixin:
    """Give every widget its NL Design System class, and mark invalid fields for assistive
    technology (aria-invalid plus aria-describedby pointing at the error text).

    Invalid fields are marked after validation (full_clean), never in __init__: reading
    ``self.errors`` there would validate before subclasses finish setting up their choices.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = next((c for t, c in _WIDGET_CLASSES.items() if isinstance(widget, t)), "utrecht-textbox utrecht-textbox--html-input")
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self._errors or {}:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            if "textbox" in widget.attrs.get("class", "") and "utrecht-textbox--invalid" not in widget.attrs["class"]:
                widget.attrs["class"] += " utrecht-textbox--invalid"
            widget.attrs["aria-invalid"] = "true"
            described = widget.attrs.get("aria-describedby", "")
            error_id = f"{self.auto_id % self.add_prefix(name)}_error" if self.auto_id else ""
            if error_id and error_id not in described:
                widget.attrs["aria-describedby"] = f"{described} {error_id}".strip()


class LoginForm(UtrechtFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("Unknown username or wrong password."),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class CustomerSearchForm(UtrechtFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search customer"),
        max_length=200,
        required=False,
        help_text=_("Name, phone number (any notation), e-mail address, or postcode with house number."),
    )


class CustomerForm(UtrechtFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    name_prefix = forms.CharField(label=_("Surname prefix"), max_length=20, required=False)
    last_name = forms.CharField(label=_("Surname"), max_length=150)
    street = forms.CharField(label=_("Street"), max_length=150, required=False)
    house_number = forms.IntegerField(label=_("House number"), min_value=1, max_value=99999, required=False)
    house_number_addition = forms.CharField(label=_("Addition"), max_length=10, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    bsn = forms.CharField(label=_("BSN"), max_length=11, required=False, help_text=_("Only when needed for the question."))


class DepartmentReachabilityForm(UtrechtFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["opening_hours", "reachability", "phone", "email"]
        widgets = {"opening_hours": forms.Textarea(attrs={"rows": 3}), "reachability": forms.Textarea(attrs={"rows": 4})}
