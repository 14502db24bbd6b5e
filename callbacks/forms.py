from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kcc.core.forms import UtrechtFormMixin
from kcc.core.models import Department, Membership
from kcc.core.normalize import normalize_phone

from .constants import AttemptResult, Priority, TimeWindow
from .intake import IntakeMixin
from .services import WORKING_ROLES


class RequiredTextarea(forms.Textarea):
    """A required textarea announced as required (aria-required) without the HTML `required`
    attribute: the Utrecht textarea styles :invalid, which would paint an empty form red
    before the user typed anything. The server validates."""

    def __init__(self, attrs=None):
        super().__init__({"aria-required": "true", **(attrs or {})})

    def use_required_attribute(self, initial):
        return False


def colleague_choices(department: Department | None) -> list:
    """Choices for "named colleague": one department's colleagues, or (no department chosen
    yet, no JavaScript) every department's colleagues grouped per department."""
    memberships = (
        Membership.objects.filter(role__in=WORKING_ROLES, user__is_active=True, department__is_active=True)
        .select_related("user", "department").order_by("department__name", "user__first_name", "user__last_name")
    )
    if department is not None:
        memberships = memberships.filter(department=department)
    groups: dict[str, dict[int, str]] = {}
    for m in memberships:
        groups.setdefault(m.department.name, {})[m.user_id] = m.user.get_full_name() or m.user.get_username()
    blank = [("", _("Nobody in particular: the department"))]
    if department is not None:
        return blank + [(pk, name) for pk, name in groups.get(department.name, {}).items()]
    return blank + [(dep, [(pk, name) for pk, name in users.items()]) for dep, users in groups.items()]


class _ColleagueForm(forms.Form):
    """A colleague field whose choice must be a member of the chosen department. Its options
    depend on the department; validation never trusts them (a forged id is refused).

    Fields are adjusted in setup_fields(), which runs right after Form.__init__ and before
    UtrechtFormMixin (listed first in the subclasses) validates the bound form.
    """

    department_field = "target_department"
    colleague_field = "assigned_to"
    guide_link = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_fields()

    def setup_fields(self):
        self._setup_colleagues(guide=self.guide_link)

    def _setup_colleagues(self, *, guide: bool = False):
        # htmx: choosing a department reloads the colleague options (and the guide link).
        url = reverse("callbacks:colleague_options") + ("?guide=1" if guide else "")
        self.fields[self.department_field].widget.attrs.update({
            "hx-get": url, "hx-trigger": "change", "hx-target": f"#{self[self.colleague_field].auto_id}", "hx-swap": "innerHTML",
        })
        self.fields[self.colleague_field].choices = colleague_choices(self.chosen_department())

    def chosen_department(self) -> Department | None:
        """The department chosen in the bound data, else the initial one (memoised)."""
        if not hasattr(self, "_chosen_department"):
            raw = self.data.get(self.add_prefix(self.department_field)) if self.is_bound else self.initial.get(self.department_field)
            department = None
            if isinstance(raw, Department):
                department = raw
            elif raw and str(raw).isdigit():
                department = Department.objects.filter(pk=raw, is_active=True).first()
            self._chosen_department = department
        return self._chosen_department

    def _clean_colleague(self, cleaned):
        user_id = cleaned.get(self.colleague_field)
        department = cleaned.get(self.department_field)
        if not user_id:
            cleaned[self.colleague_field] = None
            return cleaned
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if department is not None and (
            user is None or not Membership.objects.filter(user=user, department=department, role__in=WORKING_ROLES).exists()
        ):
            self.add_error(self.colleague_field, ValidationError(_("This colleague does not work at %(department)s.") % {"department": department.name}))
            return cleaned
        cleaned[self.colleague_field] = user
        return cleaned


class CallbackForm(UtrechtFormMixin, _ColleagueForm):
    """The short callback form, standalone or while closing a contact."""

    caller_name = forms.CharField(
        label=_("Caller's name"), max_length=200, required=False,
        help_text=_("For an anonymous caller (no customer record): the name the caller gave."),
    )
    phone = forms.CharField(
        label=_("Phone number to call back"), max_length=30,
        help_text=_("Any notation, e.g. 06-12345678 or 020-1234567."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    question = forms.CharField(label=_("Question"), widget=RequiredTextarea(attrs={"rows": 3}), max_length=5000)
    target_department = forms.ModelChoiceField(
        label=_("Department that calls back"), queryset=Department.objects.filter(is_active=True).order_by("-is_kcc", "name"),
        empty_label=_("Choose a department"),
    )
    assigned_to = forms.TypedChoiceField(label=_("Named colleague"), required=False, coerce=int, empty_value=None)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL, widget=forms.RadioSelect)
    time_window = forms.ChoiceField(label=_("Preferred time"), choices=TimeWindow.choices, initial=TimeWindow.ANYTIME)
    note = forms.CharField(
        label=_("Note for the colleague"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Internal; the resident never sees it."),
    )

    guide_link = True

    def __init__(self, *args, customer=None, **kwargs):
        self.customer = customer
        super().__init__(*args, **kwargs)

    def setup_fields(self):
        if self.customer is not None:
            del self.fields["caller_name"]
        else:
            self.fields["caller_name"].required = True
        super().setup_fields()

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean(self):
        return self._clean_colleague(super().clean())


class CloseWithCallbackForm(UtrechtFormMixin, IntakeMixin, _ColleagueForm):
    """The callback fields inside the inbox's close form (registered for the outcome "callback"
    in CallbacksConfig.ready(), rendered with the prefix "callback"). The question comes from the
    close form itself; the number to call is prefilled from the caller.

    No HTML `required` attributes: the fields are in the page for every outcome (hidden and
    disabled by the close-form script unless "callback" is chosen) and only validated on the
    server when "callback" is the outcome."""

    use_required_attribute = False

    target_department = forms.ModelChoiceField(
        label=_("Department that calls back"), queryset=Department.objects.filter(is_active=True).order_by("-is_kcc", "name"),
        empty_label=_("Choose a department"),
    )
    assigned_to = forms.TypedChoiceField(label=_("Named colleague"), required=False, coerce=int, empty_value=None)
    time_window = forms.ChoiceField(label=_("Preferred time"), choices=TimeWindow.choices, initial=TimeWindow.ANYTIME)
    phone = forms.CharField(
        label=_("Phone number to call back"), max_length=30,
        help_text=_("Any notation, e.g. 06-12345678 or 020-1234567."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    caller_name = forms.CharField(
        label=_("Caller's name"), max_length=200, required=False,
        help_text=_("For an anonymous caller (no customer record): the name the caller gave."),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    note = forms.CharField(
        label=_("Note for the colleague"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Internal; the resident never sees it."),
    )

    def __init__(self, *args, contact=None, **kwargs):
        self.contact = contact
        super().__init__(*args, **kwargs)

    def setup_fields(self):
        if self.contact is not None and self.contact.customer_id:
            del self.fields["caller_name"]
            # A caller identified after the form was shown (the desk's caller search) leaves the
            # number empty: the customer's default phone is used then (clean_phone).
            self.fields["phone"].required = False
        else:
            self.fields["caller_name"].required = True
        super().setup_fields()
        # The deadline preview follows the chosen department (htmx, see _close_fields.html).
        self.fields["target_department"].widget.attrs["data-deadline-source"] = ""
        # The department's intake questions (vragenset) for a callback.
        self.add_intake_fields(self.chosen_department())

    def clean_phone(self):
        raw = (self.cleaned_data.get("phone") or "").strip()
        if not raw and self.contact is not None and self.contact.customer_id:
            from .selectors import customer_default_phone

            raw = customer_default_phone(self.contact.customer)
        if not raw:
            raise forms.ValidationError(self.fields["phone"].error_messages["required"], code="required")
        return normalize_phone(raw)

    def clean(self):
        return self.clean_intake(self._clean_colleague(super().clean()))

    def default_topic_department(self):
        """The close form's topic department when the agent left it empty: the department that
        calls back (the inbox asks for it through this hook)."""
        return self.cleaned_data.get("target_department") if self.is_valid() else None

    def deadline_preview(self) -> dict | None:
        """The deadline for the department currently chosen (bound data or initial)."""
        from .selectors import callback_deadline_preview

        department = self.chosen_department()
        return callback_deadline_preview(department=department) if department else None


class AttemptForm(UtrechtFormMixin, forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=AttemptResult.choices, widget=forms.RadioSelect)
    at = forms.DateTimeField(
        label=_("Time of the call"), required=False,
        help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_at(self):
        at = self.cleaned_data.get("at")
        if at and at > timezone.now() + timedelta(minutes=5):
            raise ValidationError(_("An attempt cannot be in the future."))
        return at


class CloseForm(UtrechtFormMixin, forms.Form):
    outcome = forms.CharField(
        label=_("What was agreed"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(UtrechtFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=2000, widget=RequiredTextarea(attrs={"rows": 2}))


class ReassignForm(UtrechtFormMixin, _ColleagueForm):
    department_field = "department"
    colleague_field = "assignee"

    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True).order_by("-is_kcc", "name"),
    )
    assignee = forms.TypedChoiceField(label=_("Named colleague"), required=False, coerce=int, empty_value=None)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=RequiredTextarea(attrs={"rows": 2}))

    def clean(self):
        return self._clean_colleague(super().clean())
