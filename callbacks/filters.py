import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kcc.core.access import department_ids, has_role
from kcc.core.constants import Role
from kcc.core.forms import UtrechtFormMixin
from kcc.core.models import Department

from .constants import ACTIVE_STATUSES, CallbackStatus, Priority

STATUS_ACTIVE = "active"
STATUS_ALL = "all"
STATUS_CHOICES = [(STATUS_ACTIVE, _("Still to call (open or claimed)")), *CallbackStatus.choices, (STATUS_ALL, _("All"))]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
ASSIGNED_CHOICES = [("me", _("To me")), ("none", _("To nobody yet")), ("other", _("To a colleague"))]


class CallbackFilterForm(UtrechtFormMixin, forms.Form):
    pass


class CallbackFilter(django_filters.FilterSet):
    """Filters of the department queue and "my callbacks". The department choice only offers
    the user's own departments (team leads: all), so a forged id is an invalid choice."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, method="filter_status", empty_label=None)
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Priority.choices, empty_label=_("All"))
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), field_name="target_department", queryset=Department.objects.none(), empty_label=_("All my departments"),
    )
    overdue = django_filters.ChoiceFilter(label=_("Overdue"), choices=YES_NO, method="filter_overdue", empty_label=_("All"))
    assigned = django_filters.ChoiceFilter(label=_("Assigned"), choices=ASSIGNED_CHOICES, method="filter_assigned", empty_label=_("All"))

    class Meta:
        form = CallbackFilterForm
        fields = ["status", "priority", "department", "overdue", "assigned"]

    def __init__(self, data=None, *args, user, today=None, mine: bool = False, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = STATUS_ACTIVE
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.today = today or timezone.localdate()
        departments = Department.objects.filter(is_active=True)
        is_teamlead = has_role(user, Role.TEAMLEAD)
        self.filters["department"].queryset = departments if is_teamlead else departments.filter(pk__in=department_ids(user))
        if mine:
            self.filters.pop("assigned")
        if is_teamlead:
            self.form.fields["department"].empty_label = _("All departments")
        self.show_department = is_teamlead or len(department_ids(user)) > 1
        # Agents' lists hold the callbacks they made for any department: show the column.
        self.show_department_column = self.show_department or has_role(user, Role.AGENT)

    def filter_status(self, queryset, name, value):
        if value == STATUS_ACTIVE:
            return queryset.filter(status__in=ACTIVE_STATUSES)
        if value == STATUS_ALL:
            return queryset
        return queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status__in=ACTIVE_STATUSES, deadline__lt=self.today)
        if value == "yes":
            return queryset.filter(overdue)
        if value == "no":
            return queryset.exclude(overdue)
        return queryset

    def filter_assigned(self, queryset, name, value):
        if value == "me":
            return queryset.filter(Q(assigned_to=self.user) | Q(claimed_by=self.user))
        if value == "none":
            return queryset.filter(assigned_to__isnull=True, claimed_by__isnull=True)
        if value == "other":
            return queryset.filter(Q(assigned_to__isnull=False) | Q(claimed_by__isnull=False)).exclude(assigned_to=self.user).exclude(claimed_by=self.user)
        return queryset
