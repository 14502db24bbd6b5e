import re
from datetime import date

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kcc.core.constants import Role
from kcc.core.forms import UtrechtFormMixin
from kcc.core.models import Department

from .constants import TEXT_MAX, TITLE_MAX, TRANSITIONS, Impact, SignalCategory, SignalStatus

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConfiguredForm(UtrechtFormMixin, forms.Form):
    """UtrechtFormMixin reads `errors` in __init__, which validates the form before a subclass
    has set its per-instance choices and querysets. Subclasses configure their fields in
    `configure()`; validation waits until that is done, then the invalid fields are marked for
    assistive technology as the mixin would have done."""

    _configured = False
    # The server validates (every form is novalidate): browsers must not paint empty required
    # fields red before the user has typed anything.
    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.configure()
        self._configured = True
        if self.is_bound:
            for name in self.errors:
                if name not in self.fields:
                    continue
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                if "utrecht-textbox" in widget.attrs.get("class", "") and "--invalid" not in widget.attrs["class"]:
                    widget.attrs["class"] += " utrecht-textbox--invalid"
                error_id = f"{self.auto_id % self.add_prefix(name)}_error" if self.auto_id else ""
                described = widget.attrs.get("aria-describedby", "")
                if error_id and error_id not in described:
                    widget.attrs["aria-describedby"] = f"{described} {error_id}".strip()

    def configure(self) -> None:
        """Set per-instance choices and querysets here."""

    @property
    def errors(self):
        if not self._configured:
            return {}
        return super().errors


class SignalRaiseForm(ConfiguredForm):
    title = forms.CharField(
        label=_("Title"), max_length=TITLE_MAX,
        help_text=_("What goes wrong, in one line. Similar open signals appear below while you type."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What residents ask or run into, since when, and an example. No personal data."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("Choose a category"))] + SignalCategory.choices)
    department = forms.ModelChoiceField(
        label=_("Concerned department"), queryset=Department.objects.filter(is_active=True).order_by("-is_kcc", "name"),
        empty_label=_("Choose a department"), help_text=_("The department that can solve it."),
    )
    impact = forms.ChoiceField(label=_("Impact on residents"), choices=Impact.choices, initial=Impact.MEDIUM)
    impact_description = forms.CharField(
        label=_("What do residents notice?"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: they call three times, miss a deadline, pay a fine."),
    )
    note = forms.CharField(
        label=_("Note with this contact"), max_length=500, required=False,
        help_text=_("What this contact shows, in a few words."),
    )
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Ids of the similar signals the agent has already been shown (live, or after a first submit).
    seen_similar = forms.CharField(required=False, widget=forms.HiddenInput)
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, with_contact: bool = False, similar_url: str = "", **kwargs):
        self.with_contact, self.similar_url = with_contact, similar_url
        super().__init__(*args, **kwargs)

    def configure(self):
        with_contact, similar_url = self.with_contact, self.similar_url
        if not with_contact:
            del self.fields["note"]
        self.fields["title"].widget.attrs.update({"autocomplete": "off", "data-shortcut": "Alt+Shift+T"})
        if similar_url:
            # Live suggestions (htmx): the title, department and category refresh the list of
            # similar open signals. Without JavaScript the check happens on submit.
            common = {"hx-get": similar_url, "hx-target": "#similar-signals", "hx-swap": "innerHTML", "hx-sync": "closest form:replace"}
            include = "#id_title, #id_department, #id_category, #signal-contact"
            self.fields["title"].widget.attrs.update(
                {**common, "hx-trigger": "input changed delay:350ms, search", "hx-include": include, "aria-controls": "similar-signals"}
            )
            for name in ("department", "category"):
                self.fields[name].widget.attrs.update({**common, "hx-trigger": "change", "hx-include": include})

    def clean_seen_similar(self) -> set[int]:
        return {int(x) for x in re.findall(r"\d+", self.cleaned_data.get("seen_similar") or "")[:50]}


class EvidenceAddForm(UtrechtFormMixin, forms.Form):
    use_required_attribute = False

    contact = forms.IntegerField(label=_("Contact"), min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=500, required=False, help_text=_("What this contact adds, in a few words."))


class RecentContactForm(ConfiguredForm):
    """From a signal's page: link one of the agent's own recent contacts."""

    contact = forms.TypedChoiceField(label=_("Your recent contact"), coerce=int, empty_value=None)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, contacts=(), **kwargs):
        self.contacts = contacts
        super().__init__(*args, **kwargs)

    def configure(self):
        self.fields["contact"].choices = [("", _("Choose a contact"))] + [
            (c.pk, f"#{c.pk} · {timezone.localtime(c.started_at):%d-%m %H:%M} · {c.get_channel_display()} · {c.subject or '—'}")
            for c in self.contacts
        ]


def department_staff(department_id):
    User = get_user_model()
    return (
        User.objects.filter(is_active=True, memberships__department_id=department_id, memberships__role__in=[Role.BACKOFFICE, Role.MANAGER])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class TransitionForm(ConfiguredForm):
    to_status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    response = forms.CharField(
        label=_("Response to the KCC"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required. The KCC reads this: what you found, what you do, and what agents can tell residents."),
    )
    owner = UserChoiceField(label=_("Signal owner"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Nobody yet"))
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DATE_WIDGET)
    article = forms.ModelChoiceField(
        label=_("Changed knowledge article"), queryset=None, required=False, empty_label=_("No article"),
        help_text=_("Only when resolving: the article you changed so that agents give the right answer."),
    )
    require_reading = forms.BooleanField(
        label=_("Mandatory read: every agent must read the changed article"), required=False,
    )

    def __init__(self, *args, signal, article_queryset=None, **kwargs):
        self.signal, self.article_queryset = signal, article_queryset
        super().__init__(*args, **kwargs)

    def configure(self):
        signal, article_queryset = self.signal, self.article_queryset
        allowed = TRANSITIONS[signal.status]
        self.fields["to_status"].choices = [(s, SignalStatus(s).label) for s in allowed]
        self.fields["owner"].queryset = department_staff(signal.department_id)
        self.fields["owner"].initial = signal.owner_id
        self.fields["target_date"].initial = signal.target_date
        if article_queryset is None:
            del self.fields["article"]
            del self.fields["require_reading"]
        else:
            self.fields["article"].queryset = article_queryset
            self.fields["article"].initial = signal.resolution_article_id

    @property
    def can_resolve(self) -> bool:
        return SignalStatus.RESOLVED in TRANSITIONS[self.signal.status]

    def clean(self):
        data = super().clean()
        to_status = data.get("to_status")
        if to_status and to_status != SignalStatus.RESOLVED:
            if data.get("article"):
                self.add_error("article", _("A knowledge article can only be linked when resolving."))
            if data.get("require_reading"):
                self.add_error("require_reading", _("A mandatory read can only be set when resolving."))
        if data.get("require_reading") and not data.get("article"):
            self.add_error("article", _("Choose the article that must be read."))
        return data


class AssignForm(ConfiguredForm):
    owner = UserChoiceField(label=_("Signal owner"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Nobody yet"))
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, signal, **kwargs):
        self.signal = signal
        super().__init__(*args, **kwargs)

    def configure(self):
        signal = self.signal
        self.fields["owner"].queryset = department_staff(signal.department_id)
        self.fields["owner"].initial = signal.owner_id
        self.fields["target_date"].initial = signal.target_date
        self.fields["owner"].widget.attrs["id"] = "id_assign_owner"
        self.fields["target_date"].widget.attrs["id"] = "id_assign_target_date"


class CommentForm(UtrechtFormMixin, forms.Form):
    use_required_attribute = False

    body = forms.CharField(label=_("Comment"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class MergeForm(ConfiguredForm):
    target = forms.TypedChoiceField(
        label=_("Merge into"), coerce=int, empty_value=None,
        help_text=_("The signal that stays. Contacts, comments and supporters of this signal move there."),
    )
    response = forms.CharField(
        label=_("Explanation"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. Shown to everyone who supported this signal."),
    )

    def __init__(self, *args, candidates=(), similar_ids=(), **kwargs):
        self.candidates, self.similar_ids = candidates, similar_ids
        super().__init__(*args, **kwargs)

    def configure(self):
        candidates, similar_ids = self.candidates, self.similar_ids

        def label(s):
            return f"#{s.pk} {s.title} ({s.department.name}, {s.get_status_display().lower()})"

        similar = [(s.pk, label(s)) for s in candidates if s.pk in similar_ids]
        others = [(s.pk, label(s)) for s in candidates if s.pk not in similar_ids]
        choices = [("", _("Choose a signal"))]
        if similar:
            choices.append((_("Looks similar"), similar))
        if others:
            choices.append((_("Other open signals"), others))
        self.fields["target"].choices = choices


class SupportSearchForm(UtrechtFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search open signals"), max_length=200, required=False,
        help_text=_("Words from the problem, e.g. 'aanslag bereikbaar'."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})


_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class ReportForm(ConfiguredForm):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), empty_label=None)
    month = forms.CharField(
        label=_("Month"), max_length=7, help_text=_("Year and month, e.g. 2026-03."),
        widget=forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}", "placeholder": "jjjj-mm"}),
    )

    def __init__(self, *args, departments, **kwargs):
        self.departments = departments
        super().__init__(*args, **kwargs)

    def configure(self):
        self.fields["department"].queryset = self.departments

    def clean_month(self) -> tuple[int, int]:
        m = _MONTH_RE.match(self.cleaned_data["month"])
        if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
            raise forms.ValidationError(_("Enter a month as year-month, e.g. 2026-03."))
        year, month = int(m.group(1)), int(m.group(2))
        if date(year, month, 1) > timezone.localdate():
            raise forms.ValidationError(_("This month has not started yet."))
        return year, month
