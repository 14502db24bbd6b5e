"""FilterSets of the inbox. The selectors apply them; views only pass ``request.GET`` through."""

import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kcc.core.forms import UtrechtFormMixin
from kcc.core.models import Customer, Department
from kcc.core.normalize import fold_text

from .constants import QUEUE_STATUSES, AgeFilter, AssignedFilter, Channel

_CONTACT_REF_RE = re.compile(r"^\s*(?:#|kcc-)?(\d{1,12})\s*$", re.IGNORECASE)


class FilterForm(UtrechtFormMixin, forms.Form):
    """Filter forms get the NL Design System classes like every other form."""


def department_choices():
    """(id, name) of the active departments, as a plain list: a ModelChoiceField would iterate
    with a server-side cursor (DECLARE ... WITH HOLD on PostgreSQL), several times slower for
    a dozen rows."""
    return list(Department.objects.filter(is_active=True).order_by("name").values_list("pk", "name"))


class InboxFilter(django_filters.FilterSet):
    """The work queue: channel, status, topic department, owner, waiting time and free text.

    Always applied to the open queue (never closed contacts), so PostgreSQL answers every
    combination from the partial index on (started_at, id) WHERE status <> 'closed'.
    """

    q = django_filters.CharFilter(
        label=_("Search"), method="filter_q", max_length=100,
        help_text=_("Subject, question, customer name or contact number."),
    )
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices, empty_label=_("All channels"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=[(s.value, s.label) for s in QUEUE_STATUSES], empty_label=_("All open statuses")
    )
    department = django_filters.ChoiceFilter(
        label=_("Topic department"), field_name="topic_department_id", choices=department_choices,
        empty_label=_("All departments"),
    )
    assigned = django_filters.ChoiceFilter(
        label=_("Owner"), method="filter_assigned", empty_label=None,
        choices=[(c.value, c.label) for c in (AssignedFilter.ANYONE, AssignedFilter.ME, AssignedFilter.UNASSIGNED)],
    )
    age = django_filters.ChoiceFilter(label=_("Waiting time"), choices=AgeFilter.choices, method="filter_age", empty_label=_("Any waiting time"))
    sort = django_filters.ChoiceFilter(
        label=_("Order"), method="filter_nothing", empty_label=None,
        choices=[("oldest", _("Oldest first")), ("newest", _("Newest first"))],
    )

    class Meta:
        form = FilterForm
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        ref = _CONTACT_REF_RE.match(value)
        if ref:
            return queryset.filter(pk=int(ref.group(1)))
        condition = Q()
        for token in value.split()[:5]:
            # A correlated EXISTS, not a join: the queue is small and the customer table large.
            # Without a trigram index on core_customer.name_folded PostgreSQL answers it with one
            # (parallel) scan of the customers' folded names; with one, from that index.
            by_name = Exists(Customer.objects.filter(pk=OuterRef("customer_id"), name_folded__contains=fold_text(token)))
            condition &= Q(subject__icontains=token) | Q(question__icontains=token) | Q(by_name)
        return queryset.filter(condition)

    def filter_assigned(self, queryset, name, value):
        if value == AssignedFilter.ME:
            return queryset.filter(assigned_to=self.request.user)
        if value == AssignedFilter.UNASSIGNED:
            return queryset.filter(assigned_to__isnull=True)
        return queryset

    def filter_age(self, queryset, name, value):
        try:
            minutes = int(value)
        except (TypeError, ValueError):
            return queryset
        return queryset.filter(started_at__lte=timezone.now() - timezone.timedelta(minutes=minutes))

    def filter_nothing(self, queryset, name, value):
        # The order is applied by the selector together with the keyset cursor.
        return queryset

    @property
    def newest_first(self) -> bool:
        return self.form.is_valid() and self.form.cleaned_data.get("sort") == "newest"


class TransferState:
    ALL = "all"
    OPEN = "open"
    NOT_FOR_US = "not_for_us"


class TransferFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("Show"), method="filter_state", empty_label=None,
        choices=[
            (TransferState.ALL, _("All transfers")),
            (TransferState.OPEN, _("Not marked 'not for us'")),
            (TransferState.NOT_FOR_US, _("Marked 'not for us'")),
        ],
    )

    class Meta:
        form = FilterForm
        fields: list[str] = []

    def filter_state(self, queryset, name, value):
        if value == TransferState.OPEN:
            return queryset.filter(not_for_us_at__isnull=True)
        if value == TransferState.NOT_FOR_US:
            return queryset.filter(not_for_us_at__isnull=False)
        return queryset
