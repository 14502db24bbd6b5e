"""Forms of the customer pages the inbox owns: the timeline filter, the duplicate list's filter
and the merge screen's per-field choices."""

import copy

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kcc.core import duplicates, timeline
from kcc.core.forms import UtrechtFormMixin

from .services import MERGE_FIELDS, merge_differences


class TimelineFilterForm(forms.Form):
    """Which kinds of entries to show (all when none is ticked). GET: it holds no personal data."""

    soort = forms.MultipleChoiceField(label=_("Show"), required=False, widget=forms.CheckboxSelectMultiple)
    na = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["soort"].choices = [(s.kind, s.label) for s in reversed(timeline.sources())]  # contacts first

    def kinds(self) -> list[str]:
        return self.cleaned_data.get("soort") or [] if self.is_valid() else []

    def cursor(self) -> str | None:
        return (self.cleaned_data.get("na") or None) if self.is_valid() else None


class DuplicateFilterForm(forms.Form):
    """The duplicate list's tab (reason) and keyset cursor (an id, never a shared value)."""

    soort = forms.ChoiceField(required=False, choices=list(duplicates.GROUP_REASONS.items()))
    na = forms.IntegerField(required=False, min_value=1)

    def reason(self) -> str:
        if self.is_bound and self.is_valid() and self.cleaned_data["soort"]:
            return self.cleaned_data["soort"]
        return next(iter(duplicates.GROUP_REASONS))

    def after(self) -> int | None:
        return self.cleaned_data.get("na") if self.is_bound and self.is_valid() else None


def merge_value_display(customer, name: str) -> str:
    """A merge field's value as the lead reads it ("" when empty)."""
    if name == "address":
        return customer.address_line
    value = getattr(customer, name)
    if name == "birth_date":
        return date_format(value, "SHORT_DATE_FORMAT") if value else ""
    return value or ""


class MergeChoiceForm(UtrechtFormMixin, forms.Form):
    """Per differing field, which record's value survives (a radio group each: arrow keys move
    within it, Tab to the next field). ``confirm`` is set only by the confirmation step's
    button, so that no merge happens without the lead having seen the result."""

    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, source, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.source, self.target = source, target
        self.differences = merge_differences(source, target)
        for name in self.differences:
            mine, theirs = merge_value_display(target, name), merge_value_display(source, name)
            empty = _("(empty)")
            self.fields[f"keep_{name}"] = forms.ChoiceField(
                label=MERGE_FIELD_LABELS[name],
                choices=[("target", f"#{target.pk}: {mine or empty}"), ("source", f"#{source.pk}: {theirs or empty}")],
                initial="source" if not mine and theirs else "target",
                widget=forms.RadioSelect,
            )

    def choice_fields(self):
        return [self[f"keep_{name}"] for name in self.differences]

    def take_from_source(self) -> list[str]:
        return [name for name in self.differences if self.cleaned_data.get(f"keep_{name}") == "source"]

    def preview(self):
        """The surviving record as it will be after the merge (not saved)."""
        result = copy.copy(self.target)
        for name in self.take_from_source():
            for attr in MERGE_FIELDS[name]:
                setattr(result, attr, getattr(self.source, attr))
        if not result.bsn and self.source.bsn:
            result.bsn = self.source.bsn
        return result


MERGE_FIELD_LABELS = {
    "first_name": _("First name"),
    "name_prefix": _("Surname prefix"),
    "last_name": _("Surname"),
    "birth_date": _("Date of birth"),
    "address": _("Address"),
}
