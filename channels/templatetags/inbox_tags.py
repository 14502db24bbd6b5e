"""Template helpers of the inbox: sanitised e-mail HTML and waiting times."""

from datetime import datetime

import nh3
from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

# Mail HTML keeps its structure and links; everything active goes: scripts, event handlers,
# htmx/hx-* and data attributes, styles, forms, images (remote images are trackers and the CSP
# blocks them anyway).
_TAGS = set(nh3.ALLOWED_TAGS) - {"img", "map", "area"}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}


@register.filter(is_safe=True)
def sanitize_html(value: str) -> str:
    """Clean HTML again at render time. The ingestion side stores nh3-cleaned HTML already;
    cleaning twice means a row written any other way is still rendered inert."""
    if not value:
        return ""
    cleaned = nh3.clean(
        str(value),
        tags=_TAGS,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - the output of nh3.clean with a strict allow-list


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
