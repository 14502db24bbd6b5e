"""The metric definitions as query expressions, shared by the jobs that write the facts and by
the drill-down lists, so that a figure and the list behind it can never disagree."""

from datetime import date, datetime, time, timedelta

from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, TruncDate

from channels.constants import FCR_OUTCOMES, ContactStatus, Direction, Outcome
from channels.models import Contact

from .constants import METRICS_TZ, REASON_KEYWORDS, REPEAT_WINDOW_DAYS, ReasonCategory
from .expressions import AddDays


def local_midnight(day: date) -> datetime:
    """The aware moment a local day (Europe/Amsterdam) starts. Midnight exists on both DST days
    (the clocks change at 02:00 and 03:00)."""
    return datetime.combine(day, time.min, tzinfo=METRICS_TZ)


def started_between(day_from: date, day_to: date, prefix: str = "") -> Q:
    """Contacts that started on a local day from `day_from` to `day_to` inclusive: an index-friendly
    range on started_at."""
    return Q(**{f"{prefix}started_at__gte": local_midnight(day_from), f"{prefix}started_at__lt": local_midnight(day_to + timedelta(days=1))})


FCR_OUTCOME_VALUES = sorted(str(o) for o in FCR_OUTCOMES)


def local_day(field: str = "started_at"):
    return TruncDate(field, tzinfo=METRICS_TZ)


def inbound_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}direction": Direction.INBOUND})


def closed_q(prefix: str = "") -> Q:
    """Closed inbound contacts: the ones that have an outcome."""
    return Q(**{f"{prefix}direction": Direction.INBOUND, f"{prefix}status": ContactStatus.CLOSED})


def base_q(prefix: str = "") -> Q:
    """The base of every rate: closed inbound contacts whose outcome is not 'disconnected'."""
    return closed_q(prefix) & ~Q(**{f"{prefix}outcome__in": [Outcome.DISCONNECTED, ""]})


def fcr_q(prefix: str = "") -> Q:
    return closed_q(prefix) & Q(**{f"{prefix}outcome__in": FCR_OUTCOME_VALUES})


def outcome_q(outcome: str, prefix: str = "") -> Q:
    return closed_q(prefix) & Q(**{f"{prefix}outcome": outcome})


def handle_time_q(prefix: str = "") -> Q:
    """Contacts in the base with a handle time: answered and ended, in that order."""
    return base_q(prefix) & Q(
        **{f"{prefix}answered_at__isnull": False, f"{prefix}ended_at__isnull": False, f"{prefix}ended_at__gte": F(f"{prefix}answered_at")}
    )


def after_call_work_q(prefix: str = "") -> Q:
    """Closed inbound contacts with after-call work: the end of the conversation is recorded and
    the contact was closed at or after it (ended_at is the moment of closing)."""
    return closed_q(prefix) & Q(
        **{
            f"{prefix}conversation_ended_at__isnull": False,
            f"{prefix}ended_at__isnull": False,
            f"{prefix}ended_at__gte": F(f"{prefix}conversation_ended_at"),
        }
    )


def agent_expression():
    """The agent credited with a contact: who closed it, else who it is assigned to."""
    return Coalesce("closed_by", "assigned_to")


def later_contact_exists(day_ref: str = "k_day") -> Exists:
    """EXISTS a later inbound contact of the same customer about the same topic department, on the
    same local day or up to REPEAT_WINDOW_DAYS local days later, outside this conversation.

    `day_ref` names the outer query's annotation holding the contact's local day. Anonymous
    contacts (no customer) and contacts without a topic department never match: NULL = NULL is
    not true in SQL, so they count as their agent reported them.

    The drill-down of repeats uses this form; the jobs compute the same in one pass with window
    functions (services.REPEAT_SQL), held equal to this by the job tests.
    """
    later = (
        Contact.objects.filter(
            direction=Direction.INBOUND,
            customer=OuterRef("customer"),
            topic_department=OuterRef("topic_department"),
        )
        # ">=" first, so that the index on (customer, started_at) bounds the scan; the tie on
        # equal start times is broken by id.
        .filter(started_at__gte=OuterRef("started_at"))
        .filter(Q(started_at__gt=OuterRef("started_at")) | Q(pk__gt=OuterRef("pk")))
        .exclude(conversation_key=OuterRef("conversation_key"))
        .annotate(other_day=local_day())
        .filter(other_day__lte=AddDays(OuterRef(day_ref), REPEAT_WINDOW_DAYS))
    )
    return Exists(later.order_by().values("pk"))


def reason_category_expression(field: str = "reason"):
    """Map a transfer's free-text reason to a ReasonCategory (first matching keyword wins)."""
    whens = [
        When(Q(*[Q(**{f"{field}__icontains": kw}) for kw in keywords], _connector=Q.OR), then=Value(str(category)))
        for category, keywords in REASON_KEYWORDS
    ]
    return Case(*whens, default=Value(str(ReasonCategory.OTHER)))
