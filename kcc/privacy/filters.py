"""The processing-log query: per resident (customer id), per employee, period, action, purpose.
Only ids and codes go into the URL, never a name or BSN."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kcc.core.constants import LogAction, Purpose
from kcc.core.forms import UtrechtFormMixin


class FilterForm(UtrechtFormMixin, forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date lies before the start date."))
        return cleaned


def staff_choices():
    User = get_user_model()
    return [(u.pk, f"{u.get_full_name() or u.username} ({u.username})") for u in User.objects.order_by("username").only("pk", "username", "first_name", "last_name")]


class ProcessingLogFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(
        label=_("Customer number"), field_name="customer_ref", min_value=1,
        help_text=_("The resident's customer number (shown on the privacy page of the resident)."),
    )
    user = django_filters.ChoiceFilter(label=_("Employee"), field_name="user_id", choices=staff_choices, empty_label=_("All employees"))
    date_from = django_filters.DateFilter(label=_("From"), method="filter_from", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label=_("Up to and including"), method="filter_to", widget=forms.DateInput(attrs={"type": "date"}))
    action = django_filters.ChoiceFilter(label=_("Action"), choices=LogAction.choices, empty_label=_("All actions"))
    purpose = django_filters.ChoiceFilter(label=_("Purpose"), choices=Purpose.choices, empty_label=_("All purposes"))

    class Meta:
        form = FilterForm
        fields: list[str] = []

    def filter_from(self, queryset, name, value):
        return queryset.filter(at__gte=timezone.make_aware(datetime.combine(value, time.min)))

    def filter_to(self, queryset, name, value):
        return queryset.filter(at__lt=timezone.make_aware(datetime.combine(value + timedelta(days=1), time.min)))
