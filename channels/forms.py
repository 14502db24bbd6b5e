"""Forms of the agent's screens. Domain rules live in the services; the forms parse input,
resolve ids within the user's scope (a forged id is a validation error) and show the
services' DomainErrors next to the right field."""


from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kcc.core.constants import Role
from kcc.core.forms import UtrechtFormMixin
from kcc.core.models import Department, Membership

from .constants import Outcome
from .services import kcc_staff


def active_departments():
    return Department.objects.filter(is_active=True).order_by("name")


class ColleagueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        deps = sorted({m.department.name for m in obj.memberships.all()})
        name = obj.get_full_name() or obj.get_username()
        return f"{name} ({', '.join(deps)})" if deps else name


def colleagues():
    """Staff a call can be transferred to: back office, managers and KCC team leads."""
    User = get_user_model()
    ids = Membership.objects.filter(role__in=(Role.BACKOFFICE, Role.MANAGER, Role.TEAMLEAD), department__is_active=True).values("user_id")
    return (
        User.objects.filter(pk__in=ids, is_active=True)
        .prefetch_related("memberships__department")
        .order_by("first_name", "last_name", "username")
    )


class OutcomeFieldsMixin(forms.Form):
    """Outcome, topic department, notes and the transfer target: shared by the close form on the
    contact screen and the phone registration."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "---------"), *Outcome.choices])
    topic_department = forms.ModelChoiceField(
        label=_("Topic department"), queryset=Department.objects.none(), required=False,
        help_text=_("The department whose subject the question is about."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    transfer_to_department = forms.ModelChoiceField(
        label=_("Transferred to department"), queryset=Department.objects.none(), required=False,
        empty_label=_("— choose a department —"),
    )
    transfer_to_user = ColleagueChoiceField(
        label=_("Transferred to colleague"), queryset=get_user_model().objects.none(), required=False,
        empty_label=_("— no specific colleague —"),
    )
    transfer_reason = forms.CharField(
        label=_("Reason for the transfer"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic_department"].queryset = active_departments()
        self.fields["transfer_to_department"].queryset = active_departments()
        self.fields["transfer_to_user"].queryset = colleagues()
        self.fields["outcome"].widget.attrs["data-shortcut"] = "Alt+Shift+U"
        self.fields["topic_department"].widget.attrs["data-shortcut"] = "Alt+Shift+A"

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome and outcome != Outcome.DISCONNECTED and not data.get("topic_department"):
            self.add_error("topic_department", _("Choose the department the question is about."))
        if outcome == Outcome.TRANSFERRED:
            if not data.get("transfer_to_department") and not data.get("transfer_to_user"):
                self.add_error("transfer_to_department", _("Choose the department or colleague you transferred to."))
            if not (data.get("transfer_reason") or "").strip():
                self.add_error("transfer_reason", _("Give the reason for the transfer."))
        return data

    def outcome_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "outcome": d["outcome"],
            "topic_department": d.get("topic_department"),
            "transfer_to_department": d.get("transfer_to_department"),
            "transfer_to_user": d.get("transfer_to_user"),
            "transfer_reason": d.get("transfer_reason") or "",
        }


class CloseForm(UtrechtFormMixin, OutcomeFieldsMixin):
    """The close form of the contact screen, plus the registered extra fields of each outcome
    (``channels.outcomes``: e.g. the callback request's fields for "callback"). The extra
    fields are a sub-form per outcome with the outcome as prefix; only the chosen outcome's
    sub-form is validated and passed to ``contact_close`` as ``outcome_data``."""

    question = forms.CharField(
        label=_("Question"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
        help_text=_("The resident's question in your words."),
    )
    field_order = ["outcome", "question", "topic_department", "notes", "transfer_to_department", "transfer_to_user", "transfer_reason"]

    def __init__(self, data=None, *args, contact=None, **kwargs):
        from .outcomes import extensions

        super().__init__(data, *args, **kwargs)
        self.contact = contact
        self.outcome_forms = {ext.outcome: ext.make_form(data, contact=contact) for ext in extensions()}
        self.outcome_templates = {ext.outcome: ext.template for ext in extensions()}
        # The static close-form script shows the fields of the chosen outcome only.
        self.fields["outcome"].widget.attrs.update({"data-outcome-select": "", "data-shortcut": "Alt+Shift+U"})

    @property
    def outcome_sections(self) -> list[dict]:
        """The registered extra fields, in outcome order, for the template."""
        return [
            {"outcome": outcome, "label": Outcome(outcome).label, "form": form, "template": self.outcome_templates[outcome]}
            for outcome, form in self.outcome_forms.items()
        ]

    @property
    def chosen_outcome_form(self):
        outcome = self.cleaned_data.get("outcome") if hasattr(self, "cleaned_data") else None
        return self.outcome_forms.get(outcome or "")

    def clean(self):
        data = super().clean()
        # An outcome's fields may name the topic department themselves (the callback's department):
        # then the agent need not choose it twice.
        sub = self.outcome_forms.get(data.get("outcome") or "")
        if sub is not None and not data.get("topic_department") and "topic_department" in self._errors:
            fallback = getattr(sub, "default_topic_department", None)
            department = fallback() if callable(fallback) else None
            if department is not None:
                del self._errors["topic_department"]
                data["topic_department"] = department
        return data

    def is_valid(self) -> bool:
        valid = super().is_valid()
        sub = self.chosen_outcome_form
        return valid and (sub is None or sub.is_valid())

    def has_any_errors(self) -> bool:
        sub = self.chosen_outcome_form
        return bool(self.errors) or bool(sub is not None and sub.errors)

    def outcome_data(self) -> dict | None:
        """The chosen outcome's extra data for ``contact_close``, or None when it has none."""
        sub = self.chosen_outcome_form
        if sub is None:
            return None
        return {**sub.cleaned_data, "question": self.cleaned_data.get("question") or ""}

    def add_domain_error(self, exc) -> None:
        """A service's DomainError on the right field: the close form's, or the chosen
        outcome's sub-form's."""
        sub = self.chosen_outcome_form if hasattr(self, "cleaned_data") else None
        if exc.field in self.fields:
            self.add_error(exc.field, exc.message)
        elif sub is not None and exc.field in sub.fields:
            sub.add_error(exc.field, exc.message)
        else:
            self.add_error(None, exc.message)


class ReplyForm(UtrechtFormMixin, forms.Form):
    text = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["data-shortcut"] = "Alt+Shift+T"


class IdListField(forms.Field):
    """A list of ids from checkboxes. Whether they are in the user's scope is checked by the
    view (404 for a forged id)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Invalid selection."), "required": _("Select at least one contact.")}

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            ids = sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if len(ids) > 500 or any(i <= 0 for i in ids):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return ids


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


# Note on the form classes below: UtrechtFormMixin validates a bound form in its __init__, so
# querysets are set in a base class that comes after it in the MRO (its __init__ runs first).


class _AssignFields(forms.Form):
    contacts = IdListField(label=_("Contacts"))
    assignee = StaffChoiceField(
        label=_("Assign to"), queryset=get_user_model().objects.none(), required=False,
        empty_label=_("Nobody (back to the queue)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = kcc_staff()


class AssignForm(UtrechtFormMixin, _AssignFields):
    pass


class _NotForUsFields(forms.Form):
    correct_department = forms.ModelChoiceField(
        label=_("Right department"), queryset=Department.objects.none(),
        help_text=_("Where should the resident have been transferred to?"),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, exclude_department=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = active_departments()
        if exclude_department is not None:
            qs = qs.exclude(pk=exclude_department.pk)
        self.fields["correct_department"].queryset = qs


class NotForUsForm(UtrechtFormMixin, _NotForUsFields):
    pass


class LinkCustomerForm(UtrechtFormMixin, forms.Form):
    customer = forms.IntegerField(widget=forms.HiddenInput, required=False)
    add_address = forms.BooleanField(label=_("Add the address the resident used to this customer (unverified)"), required=False)


class ArticleLinkForm(forms.Form):
    article = forms.IntegerField(min_value=1)


class MergeForm(UtrechtFormMixin, forms.Form):
    source = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    target = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
