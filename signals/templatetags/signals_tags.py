from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kcc.core.workdays import local_date, request_calendar

register = template.Library()


@register.filter
def raised_ago(moment) -> str:
    """'raised today', 'raised 1 day ago', 'raised N days ago' (calendar days, local time)."""
    if not moment:
        return ""
    days = (timezone.localdate() - local_date(moment)).days
    if days <= 0:
        return _("raised today")
    return ngettext("raised %(n)d day ago", "raised %(n)d days ago", days) % {"n": days}


@register.simple_tag(takes_context=True)
def working_days_late(context, due) -> int:
    """Working days past a deadline date (0 when not past), closure days skipped; one calendar
    per request: `{% working_days_late signal.ack_due as n %}`."""
    if not due:
        return 0
    calendar = request_calendar(context.get("request"))
    return max(calendar.working_days_between(due, timezone.localdate()), 0)


@register.filter
def comment_depth(depth) -> int:
    """Indentation level of a reply; deep threads stop indenting after five levels."""
    return min(int(depth or 0), 5)
