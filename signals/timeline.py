"""Signals' source for the customer timeline (``kcc.core.timeline``): the signals that the
resident's contacts are evidence for, one entry per piece of evidence (when the contact was
added), limited to signals and contacts the viewer may see. One query per window."""

from channels.timeline import customer_contacts_q
from kcc.core.timeline import TimelineEntry, keyset_before

from .access import sees_all_signals, signal_scope
from .models import Evidence

RANK_SIGNAL = 10


def signal_entries(*, user, customer, cursor, limit: int, light: bool = False) -> list[TimelineEntry]:
    qs = Evidence.objects.filter(customer_contacts_q(user, customer))
    if not sees_all_signals(user):
        qs = qs.filter(signal__in=signal_scope(user).values("pk"))
    qs = qs.select_related("signal", "signal__department", "contact").only(
        "pk", "added_at", "note", "contact_id", "contact__started_at",
        "signal__id", "signal__title", "signal__status", "signal__department__name",
    )
    return [TimelineEntry(at=e.added_at, pk=e.pk, obj=e) for e in keyset_before(qs, "added_at", cursor, rank=RANK_SIGNAL)[:limit]]
