"""Callbacks' source for the customer timeline (``kcc.core.timeline``): the resident's callback
requests with their call attempts and results. Two queries per window (the requests, and their
attempts), within the viewer's scope: KCC staff see every one, back-office staff their
departments' (as ``selectors.customer_callbacks``)."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kcc.core.access import has_role, is_kcc
from kcc.core.constants import Role
from kcc.core.timeline import TimelineEntry, keyset_before
from kcc.core.workdays import WorkCalendar

from .access import callback_scope
from .models import CallbackAttempt, CallbackRequest
from .selectors import decorate

RANK_CALLBACK = 20


def callback_entries(*, user, customer, cursor, limit: int, light: bool = False) -> list[TimelineEntry]:
    qs = CallbackRequest.objects.filter(customer=customer) if is_kcc(user) else callback_scope(user).filter(customer=customer)
    qs = qs.select_related("target_department", "claimed_by")
    if not light:
        qs = qs.prefetch_related(Prefetch("attempts", queryset=CallbackAttempt.objects.select_related("by").order_by("at", "pk")))
    rows = list(keyset_before(qs, "created_at", cursor, rank=RANK_CALLBACK)[:limit])
    if rows and not light:  # the desk's light pane shows the deadline without the working days left
        decorate(rows, calendar=WorkCalendar(), today=timezone.localdate())
    return [TimelineEntry(at=c.created_at, pk=c.pk, obj=c) for c in rows]


def callback_actions(request, customer) -> list[dict]:
    if not has_role(request.user, Role.AGENT, Role.TEAMLEAD):
        return []
    return [{"label": _("New callback request for this resident"), "url": f"{reverse('callbacks:create')}?customer={customer.pk}"}]
