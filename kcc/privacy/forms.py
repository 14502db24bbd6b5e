from django import forms
from django.utils.translation import gettext_lazy as _

from kcc.core.forms import UtrechtFormMixin


class PrivacyCustomerSearchForm(UtrechtFormMixin, forms.Form):
    """Posted, never in the URL: the search text is personal data (a name, a BSN)."""

    q = forms.CharField(
        label=_("Find the resident"), max_length=200,
        help_text=_("BSN, name, phone number, e-mail address, or postcode with house number."),
    )


class LegalHoldForm(UtrechtFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the legal hold"), max_length=200,
        help_text=_("E.g. the number of the objection or court case. No personal data."),
    )


class TargetedLegalHoldForm(LegalHoldForm):
    """A hold on one contact or callback request of the resident, chosen by number."""

    target = forms.ChoiceField(label=_("Record"), choices=())

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = choices


class ConfirmForm(UtrechtFormMixin, forms.Form):
    """Irreversible actions ask for the customer number to be typed again."""

    confirm = forms.IntegerField(
        label=_("Type the customer number to confirm"), min_value=1,
        help_text=_("This cannot be undone."),
    )

    def __init__(self, *args, expected: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirm(self):
        value = self.cleaned_data["confirm"]
        if value != self.expected:
            raise forms.ValidationError(_("That is not this resident's customer number."))
        return value
