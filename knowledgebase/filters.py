import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kcc.core.forms import UtrechtFormMixin
from kcc.core.models import Department

from .access import edit_department_scope
from .constants import FeedbackStatus
from .models import ArticleFeedback


class _FilterForm(UtrechtFormMixin, forms.Form):
    pass


class FeedbackFilter(django_filters.FilterSet):
    """Feedback list of the editorial page: by status and (for editors with several
    departments) by department. The department choices are limited to the user's scope, so a
    forged id is a validation error, not a leak."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=FeedbackStatus.choices, empty_label=_("All"))
    department = django_filters.ModelChoiceFilter(label=_("Department"), queryset=Department.objects.none(), empty_label=_("All departments"))

    class Meta:
        model = ArticleFeedback
        fields = ["status", "department"]
        form = _FilterForm

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["department"].queryset = edit_department_scope(user) if user is not None else Department.objects.none()
