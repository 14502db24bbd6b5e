"""The period and filter form of the dashboards."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels.constants import Channel
from kcc.core.forms import UtrechtFormMixin

from .constants import MAX_DAILY_POINTS, MAX_PERIOD_DAYS, METRICS_TZ, Granularity, Preset


@dataclass(frozen=True)
class Period:
    """A range of local days, both ends included. `compare_from` sets where the previous period
    starts when it is not simply of equal length (a calendar month against the month before)."""

    start: date
    end: date
    compare_from: date | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> "Period":
        """The period just before this one: of equal length, or from `compare_from`."""
        if self.compare_from is not None:
            return Period(self.compare_from, self.start - timedelta(days=1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def query(self) -> dict:
        return {"date_from": self.start.isoformat(), "date_to": self.end.isoformat()}


def today() -> date:
    return timezone.localdate(timezone.now(), METRICS_TZ)


def preset_period(preset: str, on: date | None = None) -> Period:
    on = on or today()
    if preset == Preset.TODAY:
        return Period(on, on)
    if preset == Preset.THIS_WEEK:
        return Period(on - timedelta(days=on.weekday()), on)
    if preset == Preset.THIS_MONTH:
        return Period(on.replace(day=1), on)
    quarter_start = date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
    if preset == Preset.THIS_QUARTER:
        return Period(quarter_start, on)
    if preset == Preset.LAST_QUARTER:
        end = quarter_start - timedelta(days=1)
        return Period(date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end)
    return Period(on - timedelta(days=29), on)  # last 30 days, the default


def default_granularity(period: Period) -> str:
    if period.days <= 62:
        return Granularity.DAY
    if period.days <= 7 * 30:
        return Granularity.WEEK
    return Granularity.MONTH


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PeriodForm(UtrechtFormMixin, forms.Form):
    """Period (two dates or a preset), granularity, and optional department and channel.

    Always usable: an empty form means the last 30 days per day. `period`, `granularity` and
    `filters` are set after validation.
    """

    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    preset = forms.ChoiceField(label=_("Period"), choices=[("", "—"), *Preset.choices], required=False, widget=forms.HiddenInput)
    granularity = forms.ChoiceField(label=_("Show"), choices=Granularity.choices, required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices])

    def __init__(self, data=None, *, departments=None, with_department=True, with_channel=True, **kwargs):
        super().__init__(data, **kwargs)
        if with_department and departments is not None:
            self.fields["department"].choices = [("", _("All departments")), *[(str(d.pk), d.name) for d in departments]]
        else:
            del self.fields["department"]
        if not with_channel:
            del self.fields["channel"]

    def clean(self):
        data = super().clean()
        preset = data.get("preset")
        start, end = data.get("date_from"), data.get("date_to")
        if preset:
            period = preset_period(preset)
        elif start or end:
            end = end or today()
            start = start or end - timedelta(days=29)
            if start > end:
                raise forms.ValidationError(_("The start date must be on or before the end date."))
            period = Period(start, end)
        else:
            period = preset_period(Preset.LAST_30)
        if period.days > MAX_PERIOD_DAYS:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        granularity = data.get("granularity") or default_granularity(period)
        if granularity == Granularity.DAY and period.days > MAX_DAILY_POINTS:
            self.add_error("granularity", _("For a period longer than half a year, show per week or per month."))
        self.period, self.granularity = period, granularity
        self.cleaned_data["date_from"], self.cleaned_data["date_to"] = period.start, period.end
        return data

    def filter_values(self) -> dict:
        """Department and channel chosen (empty strings for 'all')."""
        return {"department": self.cleaned_data.get("department") or "", "channel": self.cleaned_data.get("channel") or ""}

    def query(self, **override) -> dict:
        """The query string for links that keep this form's choices."""
        values = {**self.period.query(), "granularity": self.granularity, **self.filter_values(), **override}
        return {k: v for k, v in values.items() if v not in ("", None)}


CONTACT_METRIC_CHOICES = [
    ("inbound", _("All inbound contacts")),
    ("open", _("Not closed yet")),
    ("base", _("Base (closed, not disconnected)")),
    ("fcr", _("Resolved in the first contact (FCR)")),
    ("fcr_adjusted", _("FCR without a repeat contact")),
    ("repeat", _("FCR followed by a repeat contact")),
    ("resolved", _("Resolved independently")),
    ("resolved_after_consult", _("Resolved after consulting a colleague")),
    ("transferred", _("Transferred")),
    ("misrouted", _("Transferred to a department that said 'not for us'")),
    ("callback", _("Callback request created")),
    ("referred", _("Referred to another organisation")),
    ("customer_will_call_back", _("Customer will call back")),
    ("disconnected", _("Disconnected")),
    ("handled", _("With a handle time")),
    ("acw", _("With after-call work")),
]

CALLBACK_STATE_CHOICES = [
    ("due", _("Due (not cancelled)")),
    ("on_time", _("Done on time")),
    ("late", _("Done late")),
    ("open_overdue", _("Open past the deadline")),
    ("pending", _("Open, deadline not passed yet")),
    ("unreachable", _("Finally unreachable")),
    ("cancelled", _("Cancelled")),
]


class DrilldownForm(UtrechtFormMixin, forms.Form):
    """Parameters of a drill-down list. Department and agent are checked against the user's
    scope by the view (a forged value is a 404, not a form error)."""

    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices])
    department = forms.CharField(required=False, widget=forms.HiddenInput)
    agent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *args, **kwargs):
        # Without dates the list covers the last 30 days: show those dates in the fields.
        if data is not None and not (data.get("date_from") or data.get("date_to")):
            data = data.copy()
            data["date_to"] = today().isoformat()
            data["date_from"] = (today() - timedelta(days=29)).isoformat()
        super().__init__(data, *args, **kwargs)

    def clean(self):
        data = super().clean()
        end = data.get("date_to") or today()
        start = data.get("date_from") or end - timedelta(days=29)
        if start > end:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        if (end - start).days + 1 > MAX_PERIOD_DAYS:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        self.period = Period(start, end)
        self.cleaned_data["date_from"], self.cleaned_data["date_to"] = start, end
        return data


class ContactDrilldownForm(DrilldownForm):
    metric = forms.ChoiceField(label=_("Contacts"), required=False, choices=CONTACT_METRIC_CHOICES)


class TransferDrilldownForm(DrilldownForm):
    misrouted = forms.BooleanField(label=_("Only transfers marked 'not for us'"), required=False)
    to_department = forms.IntegerField(required=False, widget=forms.HiddenInput)
    correct_department = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(required=False, widget=forms.HiddenInput)


class CallbackDrilldownForm(DrilldownForm):
    state = forms.ChoiceField(label=_("Callback requests"), required=False, choices=CALLBACK_STATE_CHOICES)


class MonthForm(UtrechtFormMixin, forms.Form):
    month = forms.CharField(
        label=_("Month"), required=False, max_length=7, widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"}),
        help_text=_("As year-month, e.g. 2026-03."),
    )
    department = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            first = today().replace(day=1)
            return (first - timedelta(days=1)).replace(day=1)  # last month: the one to report on
        try:
            year, month = (int(p) for p in value.split("-"))
            return date(year, month, 1)
        except (ValueError, TypeError):
            raise forms.ValidationError(_("Enter a month as year-month, e.g. 2026-03.")) from None

    @property
    def period(self) -> Period:
        """The calendar month, compared with the calendar month before it."""
        start = self.cleaned_data["month"]
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return Period(start, end, compare_from=(start - timedelta(days=1)).replace(day=1))
