"""The drill-down lists (contacts, transfers, callback requests behind a figure): their columns
and cells, defined once and rendered twice, as the HTML table (templates/dashboard/_drilldown.html)
and as CSV. The rows come from the drill-down selectors; nothing here queries."""

from dataclasses import dataclass
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from callbacks.constants import CallbackStatus
from channels.constants import ContactStatus, Outcome

from .constants import METRICS_TZ
from .reports import channel_label, fmt_duration


@dataclass
class Column:
    label: str
    numeric: bool = False


@dataclass
class ListCell:
    """One cell. `value` is text, a number, a local date or datetime (formatted by the template
    in the project's date style, and as ISO in CSV), or None ("–")."""

    value: object
    href: str = ""
    css: str = ""  # "muted" | "overdue"
    export: object = None  # the CSV value when it differs from `value` (e.g. the bare id)
    numeric: bool = False  # set from the column by DrilldownList.html_rows

    @property
    def is_datetime(self) -> bool:
        return isinstance(self.value, datetime)

    @property
    def is_date(self) -> bool:
        return isinstance(self.value, date) and not isinstance(self.value, datetime)

    @property
    def csv(self):
        if self.export is not None:
            return self.export
        if isinstance(self.value, datetime):
            return f"{self.value:%Y-%m-%d %H:%M}"
        if isinstance(self.value, date):
            return self.value.isoformat()
        return "" if self.value is None else self.value


@dataclass
class DrilldownList:
    """What a drill-down page shows about its rows: caption, columns, and a cell builder."""

    key: str
    caption: str
    columns: list[Column]
    row: object  # callable(obj) -> list[ListCell]; the first cell is the row header
    count_text: str = ""
    empty_text: str = ""

    @property
    def header(self) -> list[str]:
        return [c.label for c in self.columns]

    def html_rows(self, objects) -> list[list[ListCell]]:
        rows = []
        for obj in objects:
            cells = self.row(obj)
            for cell, column in zip(cells, self.columns, strict=True):
                cell.numeric = column.numeric
            rows.append(cells)
        return rows

    def csv_row(self, obj) -> list:
        return [cell.csv for cell in self.row(obj)]


def _local(moment):
    return timezone.localtime(moment, METRICS_TZ) if moment else None


def _url_prefix(name: str) -> str:
    """The URL of object `name` without its id, reversed once per list instead of once per row."""
    return reverse(name, args=[987654321]).replace("987654321", "{}")


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def contact_list(*, show_agent: bool, show_text: bool, link_contacts: bool, count: int) -> DrilldownList:
    outcome_labels = dict(Outcome.choices)
    status_labels = dict(ContactStatus.choices)
    detail = _url_prefix("channels:contact_detail")
    columns = [Column(_("Contact")), Column(_("Started")), Column(_("Channel")), Column(_("Department")), Column(_("Outcome")),
               Column(_("Handle time"), True), Column(_("After-call work"), True)]
    columns += [Column(_("Agent"))] if show_agent else []
    columns += [Column(_("Subject"))] if show_text else []

    def row(c):
        handle = (c.ended_at - c.answered_at).total_seconds() if c.answered_at and c.ended_at and c.ended_at >= c.answered_at else None
        closed = c.status == ContactStatus.CLOSED
        acw = None
        if closed and c.conversation_ended_at and c.ended_at and c.ended_at >= c.conversation_ended_at:
            acw = (c.ended_at - c.conversation_ended_at).total_seconds()
        cells = [
            ListCell(f"#{c.pk}", detail.format(c.pk) if link_contacts else "", export=c.pk),
            ListCell(_local(c.started_at)),
            ListCell(channel_label(c.channel)),
            ListCell(c.topic_department.name if c.topic_department else _("No department")),
            ListCell(outcome_labels.get(c.outcome) if closed else status_labels.get(c.status)),
            ListCell(fmt_duration(handle) if handle is not None else None),
            ListCell(fmt_duration(acw) if acw is not None else None),
        ]
        if show_agent:
            cells.append(ListCell(_person(c.closed_by or c.assigned_to)))
        if show_text:
            cells.append(ListCell(c.subject))
        return cells

    return DrilldownList(
        "contacts", _("Contacts, newest first"), columns, row,
        count_text=ngettext("%(n)s contact", "%(n)s contacts", count) % {"n": count}, empty_text=_("No contacts match."),
    )


def transfer_list(*, own_departments: set, kcc_role: bool, link_contacts: bool, count: int) -> DrilldownList:
    detail = _url_prefix("channels:contact_detail")
    columns = [Column(_("Contact")), Column(_("Started")), Column(_("Channel")), Column(_("Transferred to")), Column(_("Reason")),
               Column(_("Marked 'not for us' at")), Column(_("Right department"))]

    def row(t):
        may_read_reason = kcc_role or t.to_department_id in own_departments
        return [
            ListCell(f"#{t.contact_id}", detail.format(t.contact_id) if link_contacts else "", export=t.contact_id),
            ListCell(_local(t.contact.started_at)),
            ListCell(channel_label(t.contact.channel)),
            ListCell(t.to_department.name),
            ListCell(t.reason) if may_read_reason else ListCell(_("(another department's transfer)"), css="muted", export=""),
            ListCell(_local(t.not_for_us_at)),
            ListCell(t.correct_department.name if t.correct_department else None),
        ]

    return DrilldownList(
        "transfers", _("Transfers, newest contact first"), columns, row,
        count_text=ngettext("%(n)s transfer", "%(n)s transfers", count) % {"n": count}, empty_text=_("No transfers match."),
    )


def callback_list(*, visible_departments: set | None, count: int) -> DrilldownList:
    """`visible_departments`: the departments whose callbacks the user may open (None: all)."""
    status_labels = dict(CallbackStatus.choices)
    detail = _url_prefix("callbacks:detail")
    columns = [Column(_("Callback request")), Column(_("Department")), Column(_("Deadline")), Column(_("Status")),
               Column(_("Closed at")), Column(_("On time")), Column(_("Created"))]

    def row(cb):
        closed = _local(cb.closed_at)
        on_time = None
        if cb.status in (CallbackStatus.DONE, CallbackStatus.UNREACHABLE) and closed:
            on_time = closed.date() <= cb.deadline
        linked = visible_departments is None or cb.target_department_id in visible_departments
        return [
            ListCell(f"#{cb.pk}", detail.format(cb.pk) if linked else "", export=cb.pk),
            ListCell(cb.target_department.name),
            ListCell(cb.deadline),
            ListCell(status_labels.get(cb.status, cb.status)),
            ListCell(closed),
            ListCell(_("yes")) if on_time is True else ListCell(_("no"), css="overdue") if on_time is False else ListCell(None),
            ListCell(_local(cb.created_at)),
        ]

    return DrilldownList(
        "callbacks", _("Callback requests, earliest deadline first"), columns, row,
        count_text=ngettext("%(n)s callback request", "%(n)s callback requests", count) % {"n": count},
        empty_text=_("No callback requests match."),
    )
