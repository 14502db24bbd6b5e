"""Per-row fragments of callback lists, built in Python: a list shows 50 rows, and an
{% include %} per cell costs more than the database queries of the whole page."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..constants import CallbackStatus, Priority

register = template.Library()

_BADGE = {
    CallbackStatus.OPEN: "warning",
    CallbackStatus.CLAIMED: "active",
    CallbackStatus.DONE: "success",
    CallbackStatus.UNREACHABLE: "danger",
    CallbackStatus.CANCELLED: "neutral",
}


@register.simple_tag
def cb_deadline(c):
    """The deadline as a date plus the working days left, or how late it is (in words: overdue
    is never marked by colour alone)."""
    if c.due_at is not None:  # a norm in hours (emergency repair): the moment it is due
        due = timezone.localtime(c.due_at)
        day = format_html('<time datetime="{}">{}</time>', due.isoformat(), date_format(due, "D j M Y H:i"))
    else:
        day = format_html('<time datetime="{}">{}</time>', c.deadline.isoformat(), date_format(c.deadline, "D j M Y"))
    days_left = getattr(c, "days_left", None)
    if days_left is None:
        return day
    if getattr(c, "overdue", False):
        n = c.days_late
        text = ngettext("%(n)s working day late", "%(n)s working days late", n) % {"n": n}
        return format_html('{}<br><strong class="kcc-overdue" data-testid="overdue"><span aria-hidden="true">⚠ </span>{}</strong>', day, text)
    if days_left == 0:
        return format_html("{}<br><strong>{}</strong>", day, _("due today"))
    text = ngettext("%(n)s working day left", "%(n)s working days left", days_left) % {"n": days_left}
    return format_html('{}<br><span class="kcc-muted">{}</span>', day, text)


@register.simple_tag
def cb_status(c):
    badge = format_html(
        '<span class="utrecht-status-badge utrecht-status-badge--{}" data-testid="callback-status">{}</span>',
        _BADGE.get(c.status, "neutral"), getattr(c, "status_label", None) or c.get_status_display(),
    )
    if c.priority == Priority.HIGH:
        return format_html('{} <span class="utrecht-status-badge utrecht-status-badge--error">{}</span>', badge, _("Urgent"))
    return badge


@register.filter
def person(user) -> str:
    """A colleague's display name."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
