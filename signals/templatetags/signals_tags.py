from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..workdays import local_date, working_days_between

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


@register.filter
def working_days_late(due) -> int:
    """Working days past a deadline date (0 when not past)."""
    if not due:
        return 0
    return max(working_days_between(due, timezone.localdate()), 0)


@register.filter
def comment_depth(depth) -> int:
    """Indentation level of a reply; deep threads stop indenting after five levels."""
    return min(int(depth or 0), 5)
