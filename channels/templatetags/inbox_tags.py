"""Template helpers of the inbox: sanitised e-mail HTML and waiting times."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..ingestion.sanitize import clean_html

register = template.Library()


@register.filter(is_safe=True)
def sanitize_html(value: str) -> str:
    """Clean HTML again at render time, with the same rule set as ingestion
    (channels.ingestion.sanitize.clean_html): the ingestion side stores cleaned HTML already;
    cleaning twice means a row written any other way is still rendered inert."""
    if not value:
        return ""
    return mark_safe(clean_html(str(value)))  # noqa: S308 - nh3 output under the one strict allow-list


@register.filter
def waiting(value: datetime | None, now: datetime | None = None) -> str:
    """Compact waiting time: '12 min', '3 u 5 min', '2 d 4 u'."""
    if not value:
        return ""
    seconds = max(0, int(((now or timezone.now()) - value).total_seconds()))
    minutes = seconds // 60
    if minutes < 1:
        return _("just now")
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return ngettext("%(d)d day %(h)d h", "%(d)d days %(h)d h", days) % {"d": days, "h": hours}


@register.filter
def human_size(value: int | None) -> str:
    value = int(value or 0)
    if value < 1024:
        return _("%(n)d bytes") % {"n": value}
    if value < 1024 * 1024:
        return _("%(n).0f KB") % {"n": value / 1024}
    return _("%(n).1f MB") % {"n": value / (1024 * 1024)}
