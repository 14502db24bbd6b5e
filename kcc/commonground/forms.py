"""Forms of the BRP and case panels. Everything is POSTed: search terms never go into a URL."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kcc.core.forms import UtrechtFormMixin
from kcc.core.normalize import normalize_postcode, validate_bsn

from .constants import BRP_SEARCH_ADDRESS, BRP_SEARCH_BSN, BRP_SEARCH_NAME

SURNAME_RE = re.compile(r"^[a-zA-Z0-9À-ž \.\-\']{1,200}$|^[a-zA-Z0-9À-ž \.\-\']{3,199}\*$")


class BrpSearchForm(UtrechtFormMixin, forms.Form):
    """One of three searches the BRP allows us: BSN; surname + date of birth; postcode +
    house number. The kind follows from what is filled in."""

    bsn = forms.CharField(label=_("BSN"), required=False, max_length=11, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    surname = forms.CharField(label=_("Surname (without prefix)"), required=False, max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, input_formats=["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("dd-mm-jjjj"), widget=forms.DateInput(format="%d-%m-%Y", attrs={"autocomplete": "off"}),
    )
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=7, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    house_number = forms.IntegerField(label=_("House number"), required=False, min_value=1, max_value=99999)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_brp_%s")  # unique on the desk page
        super().__init__(*args, **kwargs)

    def clean_bsn(self):
        value = self.cleaned_data["bsn"].strip()
        return validate_bsn(value) if value else ""

    def clean_postcode(self):
        value = self.cleaned_data["postcode"].strip()
        return normalize_postcode(value) if value else ""

    def clean_surname(self):
        value = self.cleaned_data["surname"].strip()
        if value and not SURNAME_RE.match(value):
            raise ValidationError(_("Use letters, spaces, hyphens or apostrophes; a trailing * after at least 3 letters."))
        return value

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("bsn"):
            data["search"] = (BRP_SEARCH_BSN, {"burgerservicenummer": [data["bsn"]]})
        elif data.get("surname") and data.get("birth_date"):
            data["search"] = (BRP_SEARCH_NAME, {"geslachtsnaam": data["surname"], "geboortedatum": data["birth_date"].isoformat()})
        elif data.get("postcode") and data.get("house_number"):
            data["search"] = (BRP_SEARCH_ADDRESS, {"postcode": data["postcode"], "huisnummer": data["house_number"]})
        else:
            raise ValidationError(_("Fill in a BSN, or a surname with a date of birth, or a postcode with a house number."))
        return data


class BsnForm(forms.Form):
    bsn = forms.CharField(max_length=11)

    def clean_bsn(self):
        return validate_bsn(self.cleaned_data["bsn"])


class CaseForm(forms.Form):
    """A case URL posted back from the case list; the view only fetches it under the
    configured Zaken API (clients._Client.owns)."""

    case = forms.URLField(max_length=1000, assume_scheme="https")
