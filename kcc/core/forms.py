from datetime import date

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .constants import LogAction, Purpose
from .models import Department
from .normalize import normalize_email, normalize_phone, normalize_postcode, validate_bsn

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


def add_validation_error(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field when it names fields the form has,
    else as a non-field error (a plain message list has no fields)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


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


class PhoneField(forms.CharField):
    """A phone number in any Dutch notation (06-12345678, +31 6 1234 5678, 0031..., 14 020),
    cleaned to E.164 by kcc.core.normalize. Letters, extensions and invisible characters (such as
    the right-to-left override U+202E) are refused with a field error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else ""


class CustomerForm(UtrechtFormMixin, forms.Form):
    """A new customer. Fields are cleaned to the stored forms (phone E.164, e-mail lower-case,
    postcode 1234AB, BSN nine digits). Probable duplicates (kcc.core.duplicates) make the form
    invalid with a non-field error listing them, until the agent ticks "Create anyway"
    (``confirm_duplicate``); ``self.duplicates`` holds them for templates/core/_duplicates.html.
    Showing them is a read of personal data: the form logs it in the processing log."""

    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    name_prefix = forms.CharField(label=_("Surname prefix"), max_length=20, required=False)
    last_name = forms.CharField(label=_("Surname"), max_length=150)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        input_formats=["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d%m%Y"],
        help_text=_("For example 12-03-1980."),
        widget=forms.DateInput(format="%d-%m-%Y", attrs={"autocomplete": "bday"}),
    )
    street = forms.CharField(label=_("Street"), max_length=150, required=False)
    house_number = forms.IntegerField(label=_("House number"), min_value=1, max_value=99999, required=False)
    house_number_addition = forms.CharField(label=_("Addition"), max_length=10, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False, widget=forms.TextInput(attrs={"autocomplete": "postal-code"}))
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    phone = PhoneField(label=_("Phone number"), required=False)
    email = forms.EmailField(label=_("E-mail address"), max_length=254, required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    bsn = forms.CharField(label=_("BSN"), max_length=11, required=False, help_text=_("Only when needed for the question."))
    confirm_duplicate = forms.BooleanField(
        label=_("Create anyway"),
        required=False,
        help_text=_("Tick only when you checked that this is a different person."),
    )

    def __init__(self, *args, user, exclude_pk: int | None = None, **kwargs):
        self.user = user
        self.exclude_pk = exclude_pk
        self.duplicates = []
        super().__init__(*args, **kwargs)

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and not (date(1900, 1, 1) <= value <= timezone.localdate()):
            raise forms.ValidationError(_("Enter a date of birth between 1900 and today."), code="birth_date")
        return value

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "")
        return normalize_postcode(value) if value.strip() else ""

    def clean_bsn(self):
        value = self.cleaned_data.get("bsn", "")
        return validate_bsn(value) if value.strip() else ""

    def clean_email(self):
        return normalize_email(self.cleaned_data.get("email", ""))

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get("confirm_duplicate"):
            return cleaned
        from .duplicates import probable_duplicates
        from .services import processing_log_record

        self.duplicates = probable_duplicates(
            user=self.user,
            exclude_pk=self.exclude_pk,
            **{f: cleaned.get(f) or "" for f in ("first_name", "name_prefix", "last_name", "postcode", "phone", "email", "bsn")},
            birth_date=cleaned.get("birth_date"),
        )
        if self.duplicates:
            customers = [d.customer for d in self.duplicates]
            processing_log_record(
                user=self.user, customers=customers, action=LogAction.SEARCH, purpose=Purpose.IDENTIFY, context="mogelijke dubbele klant"
            )
            listed = "; ".join(
                _("customer number %(number)s, %(name)s") % {"number": c.pk, "name": c.full_name} for c in customers
            )
            raise forms.ValidationError(
                ngettext(
                    "This may be a customer who already exists: %(list)s. Check it; if this is a different person, tick “Create anyway”.",
                    "These may be customers who already exist: %(list)s. Check them; if this is a different person, tick “Create anyway”.",
                    len(customers),
                )
                % {"list": listed},
                code="duplicate",
            )
        return cleaned

    def customer_fields(self) -> dict:
        """The cleaned values as ``customer_create`` takes them."""
        return {k: v for k, v in self.cleaned_data.items() if k != "confirm_duplicate"}


class DepartmentReachabilityForm(UtrechtFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["opening_hours", "reachability", "phone", "email"]
        widgets = {"opening_hours": forms.Textarea(attrs={"rows": 3}), "reachability": forms.Textarea(attrs={"rows": 4})}
