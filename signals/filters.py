"""Filters of the board and the list. The selector applies them; views only pass request.GET."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kcc.core.access import department_ids
from kcc.core.constants import Role
from kcc.core.forms import UtrechtFormMixin
from kcc.core.models import Department

from .constants import OPEN_STATUSES, SignalCategory, SignalStatus

STATUS_OPEN = "open"
STATUS_ALL = "all"
STATUS_CHOICES = [
    (STATUS_OPEN, _("All open signals")),
    *SignalStatus.choices,
    (STATUS_ALL, _("All signals")),
]

# Age buckets, in calendar days since the signal was raised.
AGE_CHOICES = [
    ("week", _("Less than 7 days old")),
    ("month", _("7 to 30 days old")),
    ("quarter", _("30 to 90 days old")),
    ("older", _("90 days or older")),
]
# bucket -> (minimum age, maximum age) in days; the maximum is exclusive.
AGE_RANGES = {"week": (0, 7), "month": (7, 30), "quarter": (30, 90), "older": (90, None)}

SORT_DEFAULT = "priority"
SORT_CHOICES = [
    (SORT_DEFAULT, _("Most evidence, oldest unanswered first")),
    ("newest", _("Newest first")),
    ("oldest", _("Oldest first")),
    ("ack_due", _("Acknowledgement deadline")),
]


class FilterForm(UtrechtFormMixin, forms.Form):
    pass


class SignalFilter(django_filters.FilterSet):
    """Filters for the list (and the board, which ignores status and sort)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.filter(is_active=True).order_by("name"), empty_label=_("All departments"),
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=SignalCategory.choices, empty_label=_("All categories"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, method="filter_status", empty_label=None)
    age = django_filters.ChoiceFilter(label=_("Age"), choices=AGE_CHOICES, method="filter_age", empty_label=_("Any age"))
    min_evidence = django_filters.NumberFilter(
        label=_("At least this many contacts"), field_name="evidence_count", lookup_expr="gte", min_value=0, max_value=100000,
    )
    mine = django_filters.BooleanFilter(label=_("Only signals I own"), method="filter_mine", widget=forms.CheckboxInput)
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORT_CHOICES, method="filter_noop", empty_label=None)

    class Meta:
        form = FilterForm
        fields = ["q", "department", "category", "status", "age", "min_evidence", "mine", "sort"]

    def __init__(self, data=None, *args, department_queryset=None, **kwargs):
        data = data.copy() if data is not None else {}
        # Defaults when the parameter is absent: open signals, priority order.
        if not data.get("status"):
            data["status"] = STATUS_OPEN
        if not data.get("sort"):
            data["sort"] = SORT_DEFAULT
        super().__init__(data, *args, **kwargs)
        # "Only mine" means something only to department staff, who own signals. Removed
        # before the (lazily built) form exists.
        user = getattr(self.request, "user", None)
        if user is None or not department_ids(user, Role.BACKOFFICE, Role.MANAGER):
            self.filters.pop("mine", None)
        if department_queryset is not None:
            self.filters["department"].queryset = department_queryset
            self.form.fields["department"].queryset = department_queryset
        self.form.fields["min_evidence"].widget.attrs.update({"inputmode": "numeric", "min": 0})
        self.form.fields["q"].widget.attrs.update({"type": "search"})
        self.form.use_required_attribute = False

    def filter_q(self, queryset, name, value):
        for word in value.split()[:6]:
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_status(self, queryset, name, value):
        if value == STATUS_ALL:
            return queryset
        if value == STATUS_OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def filter_age(self, queryset, name, value):
        low, high = AGE_RANGES[value]
        now = timezone.now()
        queryset = queryset.filter(raised_at__lte=now - timedelta(days=low))
        if high is not None:
            queryset = queryset.filter(raised_at__gt=now - timedelta(days=high))
        return queryset

    def filter_mine(self, queryset, name, value):
        if value:
            return queryset.filter(owner=self.request.user) if self.request is not None else queryset.none()
        return queryset

    def filter_noop(self, queryset, name, value):
        return queryset
