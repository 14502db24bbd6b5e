"""Reads of the dashboards. Figures come only from the fact tables; the drill-down lists (at
the end) are the one place that reads contacts, transfers and callbacks themselves."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncMonth, TruncWeek

from callbacks.constants import ACTIVE_STATUSES, HANDLED_STATUSES, CallbackStatus
from callbacks.models import CallbackRequest
from channels.constants import ContactStatus
from channels.models import Contact, Transfer
from kcc.core.models import Department

from .access import DashboardScope
from .constants import JOB_METRICS, Granularity
from .figures import EXTREME_FIELDS, SUM_FIELDS, CallbackFigures, Figures
from .forms import Period
from .models import AgentRollup, CallbackFact, ContactFact, ContactRollup, JobState, TransferFact
from .predicates import (
    after_call_work_q,
    base_q,
    fcr_q,
    handle_time_q,
    inbound_q,
    later_contact_exists,
    local_day,
    outcome_q,
    reason_category_expression,
    started_between,
)


@dataclass(frozen=True)
class FactFilter:
    """What the figures are about: the user's scope plus the chosen department/channel/agent."""

    scope: DashboardScope
    department: int | None = None
    channel: str = ""
    agent: int | None = None


def _contact_model(flt: FactFilter, dimension: str | None = None):
    """The smallest contact fact table that can answer: the roll-up per department and channel
    when no agent is involved, the roll-up per agent when neither department nor channel is, else
    the facts themselves. `dimension` is the column the caller groups by, if any."""
    scope = flt.scope
    with_agent = dimension == "agent" or scope.agent_id is not None or flt.agent is not None
    with_dep_or_channel = dimension in ("department", "channel") or flt.department is not None or bool(flt.channel) or not scope.all_departments
    if not with_agent:
        return ContactRollup
    if not with_dep_or_channel:
        return AgentRollup
    return ContactFact


def contact_facts(flt: FactFilter, *, dimension: str | None = None):
    """Contact fact rows within the filter (not yet restricted to a period), as a queryset."""
    scope = flt.scope
    qs = _contact_model(flt, dimension).objects.all()
    if not scope.all_departments:
        qs = qs.filter(department__in=scope.department_ids)
    if scope.agent_id is not None:
        qs = qs.filter(agent=scope.agent_id)
    if flt.department is not None:
        qs = qs.filter(department=flt.department)
    if flt.channel:
        qs = qs.filter(channel=flt.channel)
    if flt.agent is not None:
        qs = qs.filter(agent=flt.agent)
    return qs


# The sums of every contact fact column. The pages run a few of these 67-column aggregates per
# view; building them as SQL text here costs a fraction of compiling them through the ORM (which
# was a third of a page's CPU time). Only column names from the models go into the text; every
# value is a parameter.
_KEY_COLUMNS = {"day": "day", "department": "department_id", "channel": "channel", "agent": "agent_id"}
_SUMS_SQL = ", ".join([
    *(f"SUM({f}) AS {f}" for f in SUM_FIELDS), *(f"{'MIN' if f.endswith('_min') else 'MAX'}({f}) AS {f}" for f in EXTREME_FIELDS),
])


def _to_date(value):
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def _contact_sums(flt: FactFilter, *, day_from: date, day_to: date, keys: tuple[str, ...], cur_from: date | None = None,
                  dimension: str | None = None) -> list[dict]:
    """SUM every contact fact column over [day_from, day_to] within the filter, grouped by `keys`
    (names in _KEY_COLUMNS, plus "cur": 1 for days from `cur_from` on, else 0)."""
    scope = flt.scope
    model = _contact_model(flt, dimension)
    adapt = connection.ops.adapt_datefield_value
    select, select_params = [], []
    for key in keys:
        if key == "cur":
            select.append("CASE WHEN day >= %s THEN 1 ELSE 0 END AS cur")
            select_params.append(adapt(cur_from))
        else:
            select.append(f"{_KEY_COLUMNS[key]} AS {key}")
    where, params = ["day >= %s", "day <= %s"], [adapt(day_from), adapt(day_to)]
    if not scope.all_departments:
        if not scope.department_ids:
            return []
        ids = sorted(scope.department_ids)
        where.append(f"department_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    for column, value in (("agent_id", scope.agent_id), ("department_id", flt.department), ("channel", flt.channel or None), ("agent_id", flt.agent)):
        if value is not None:
            where.append(f"{column} = %s")
            params.append(value)
    group = ", ".join(str(i + 1) for i in range(len(keys)))
    sql = (
        f"SELECT {', '.join(select)}{', ' if select else ''}{_SUMS_SQL} FROM {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
        f"WHERE {' AND '.join(where)}" + (f" GROUP BY {group}" if keys else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*select_params, *params])
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    if not keys and rows and rows[0].get("base") is None:
        return []  # an aggregate over no rows
    return rows


def _in_two_periods(qs, period: Period, field: str = "day"):
    """Rows of the period and of the previous one, flagged `cur` (1 = the period itself)."""
    prev = period.previous
    return qs.filter(**{f"{field}__gte": prev.start, f"{field}__lte": period.end}).annotate(
        cur=Case(When(**{f"{field}__gte": period.start}, then=Value(1)), default=Value(0), output_field=IntegerField())
    )


def contact_totals(flt: FactFilter, period: Period) -> tuple[Figures, Figures]:
    """(this period, the previous period of equal length), in one query."""
    rows = _contact_sums(flt, day_from=period.previous.start, day_to=period.end, keys=("cur",), cur_from=period.start)
    by = {r["cur"]: Figures.from_row(r) for r in rows}
    return by.get(1, Figures()), by.get(0, Figures())


def _trunc(granularity: str, field: str = "day"):
    if granularity == Granularity.WEEK:
        return TruncWeek(field)
    if granularity == Granularity.MONTH:
        return TruncMonth(field)
    return None


def bucket_start(day: date, granularity: str) -> date:
    if granularity == Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity == Granularity.MONTH:
        return day.replace(day=1)
    return day


def bucket_starts(period: Period, granularity: str) -> list[date]:
    """The first day of every day/week/month bucket that overlaps the period, in order."""
    starts, day = [], bucket_start(period.start, granularity)
    while day <= period.end:
        starts.append(day)
        if granularity == Granularity.WEEK:
            day += timedelta(days=7)
        elif granularity == Granularity.MONTH:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            day += timedelta(days=1)
    return starts


def _as_date(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def contact_trend(flt: FactFilter, period: Period, granularity: str) -> list[tuple[date, Figures]]:
    """Figures per day, week or month of the period; buckets without facts are empty Figures.
    One query per day; weeks and months are summed here (portable, and at most a few hundred
    day rows)."""
    rows = _contact_sums(flt, day_from=period.start, day_to=period.end, keys=("day",))
    buckets: dict = {}
    for r in rows:
        buckets.setdefault(bucket_start(_to_date(r["day"]), granularity), []).append(Figures.from_row(r))
    by = {start: figs[0] if len(figs) == 1 else Figures.total(figs) for start, figs in buckets.items()}
    return [(start, by.get(start, Figures())) for start in bucket_starts(period, granularity)]


def contact_breakdown(flt: FactFilter, period: Period, dimension: str) -> list[tuple[object, Figures, Figures]]:
    """(key, this period, previous period) per department, channel or agent, in one query."""
    rows = _contact_sums(
        flt, day_from=period.previous.start, day_to=period.end, keys=(dimension, "cur"), cur_from=period.start, dimension=dimension,
    )
    cur: dict = {}
    prev: dict = {}
    for r in rows:
        (cur if r["cur"] == 1 else prev)[r[dimension]] = Figures.from_row(r)
    keys = set(cur) | set(prev)
    empty = Figures()
    return [(k, cur.get(k, empty), prev.get(k, empty)) for k in keys]


def transfer_facts(flt: FactFilter, *, to_department: int | None = None):
    qs = TransferFact.objects.all()
    scope = flt.scope
    if not scope.all_departments:
        qs = qs.filter(Q(to_department__in=scope.department_ids) | Q(correct_department__in=scope.department_ids))
    department = to_department if to_department is not None else flt.department
    if department is not None:
        qs = qs.filter(Q(to_department=department) | Q(correct_department=department))
    if flt.channel:
        qs = qs.filter(channel=flt.channel)
    return qs


def misroute_matrix(flt: FactFilter, period: Period) -> list[dict]:
    """Misroutes per (reason category, wrong department, correct department) in the period,
    most frequent first."""
    return list(
        transfer_facts(flt)
        .filter(day__gte=period.start, day__lte=period.end, misroutes__gt=0)
        .values("reason_category", "to_department", "correct_department")
        .annotate(n=Sum("misroutes"))
        .order_by("-n", "reason_category", "to_department", "correct_department")
    )


def incoming_transfers(department: Department, flt: FactFilter, period: Period) -> dict:
    """A department's incoming transfers and misroutes (this and the previous period), and the
    transfers that went elsewhere but should have come here."""
    qs = _in_two_periods(TransferFact.objects.filter(Q(to_department=department) | Q(correct_department=department)), period)
    if flt.channel:
        qs = qs.filter(channel=flt.channel)
    rows = qs.values("cur").annotate(
        n_incoming=Sum("transfers", filter=Q(to_department=department)),
        n_misroutes=Sum("misroutes", filter=Q(to_department=department)),
        n_missed=Sum("misroutes", filter=Q(correct_department=department) & ~Q(to_department=department)),
    ).order_by()
    by = {r["cur"]: {k: r[f"n_{k}"] or 0 for k in ("incoming", "misroutes", "missed")} for r in rows}
    empty = {"incoming": 0, "misroutes": 0, "missed": 0}
    return {"current": by.get(1, empty), "previous": by.get(0, empty)}


def transfer_trend(department: Department, flt: FactFilter, period: Period, granularity: str) -> list[tuple[date, dict]]:
    qs = TransferFact.objects.filter(to_department=department, day__gte=period.start, day__lte=period.end)
    if flt.channel:
        qs = qs.filter(channel=flt.channel)
    trunc = _trunc(granularity)
    if trunc is None:
        rows = qs.values("day").annotate(transfers=Sum("transfers"), misroutes=Sum("misroutes")).order_by()
        by = {r["day"]: r for r in rows}
    else:
        rows = qs.annotate(bucket=trunc).values("bucket").annotate(transfers=Sum("transfers"), misroutes=Sum("misroutes")).order_by()
        by = {_as_date(r["bucket"]): r for r in rows}
    empty = {"transfers": 0, "misroutes": 0}
    return [(start, by.get(start, empty)) for start in bucket_starts(period, granularity)]


# --- callbacks -------------------------------------------------------------------------------


def _callback_sums(today: date) -> dict:
    return {
        "due": Sum("due"), "on_time": Sum("on_time"), "late": Sum("late"), "unreachable": Sum("unreachable"),
        "cancelled": Sum("cancelled"),
        "open_overdue": Sum("open", filter=Q(deadline__lt=today)),
        "pending": Sum("open", filter=Q(deadline__gte=today)),
    }


def callback_facts(flt: FactFilter):
    qs = CallbackFact.objects.all()
    if not flt.scope.all_departments:
        qs = qs.filter(department__in=flt.scope.department_ids)
    if flt.department is not None:
        qs = qs.filter(department=flt.department)
    return qs


def callback_totals(flt: FactFilter, period: Period, today: date) -> tuple[CallbackFigures, CallbackFigures]:
    rows = _in_two_periods(callback_facts(flt), period, field="deadline").values("cur").annotate(**_callback_sums(today)).order_by()
    by = {r["cur"]: CallbackFigures.from_row(r) for r in rows}
    return by.get(1, CallbackFigures()), by.get(0, CallbackFigures())


def callback_breakdown(flt: FactFilter, period: Period, today: date) -> list[tuple[int, CallbackFigures, CallbackFigures]]:
    rows = (
        _in_two_periods(callback_facts(flt), period, field="deadline")
        .values("department", "cur").annotate(**_callback_sums(today)).order_by()
    )
    cur, prev = {}, {}
    for r in rows:
        (cur if r["cur"] == 1 else prev)[r["department"]] = CallbackFigures.from_row(r)
    return [(k, cur.get(k, CallbackFigures()), prev.get(k, CallbackFigures())) for k in set(cur) | set(prev)]


def callback_trend(flt: FactFilter, period: Period, granularity: str, today: date) -> list[tuple[date, CallbackFigures]]:
    qs = callback_facts(flt).filter(deadline__gte=period.start, deadline__lte=period.end)
    trunc = _trunc(granularity, "deadline")
    if trunc is None:
        rows = qs.values("deadline").annotate(**_callback_sums(today)).order_by()
        by = {r["deadline"]: CallbackFigures.from_row(r) for r in rows}
    else:
        rows = qs.annotate(bucket=trunc).values("bucket").annotate(**_callback_sums(today)).order_by()
        by = {_as_date(r["bucket"]): CallbackFigures.from_row(r) for r in rows}
    return [(start, by.get(start, CallbackFigures())) for start in bucket_starts(period, granularity)]


# Ageing of the open callback requests, by how far their deadline is from today.
AGEING_BUCKETS = (
    ("future", 1, None),  # deadline after today
    ("today", 0, 0),
    ("late_1_2", -2, -1),
    ("late_3_7", -7, -3),
    ("late_8_plus", None, -8),
)


def callback_ageing(flt: FactFilter, today: date) -> list[tuple[str, int, date | None, date | None]]:
    """(bucket, open requests, first deadline, last deadline) for the open requests, whatever the
    period: what is still waiting now."""
    whens, ranges = [], {}
    for key, lo, hi in AGEING_BUCKETS:
        first = today + timedelta(days=lo) if lo is not None else None
        last = today + timedelta(days=hi) if hi is not None else None
        cond = Q()
        if first is not None:
            cond &= Q(deadline__gte=first)
        if last is not None:
            cond &= Q(deadline__lte=last)
        whens.append((key, cond))
        ranges[key] = (first, last)
    sums = callback_facts(flt).filter(open__gt=0).aggregate(**{key: Sum("open", filter=cond) for key, cond in whens})
    return [(key, sums[key] or 0, *ranges[key]) for key, _lo, _hi in AGEING_BUCKETS]


# --- names and freshness ---------------------------------------------------------------------


def department_names() -> dict[int, str]:
    return dict(Department.objects.values_list("pk", "name"))


def user_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids).only("first_name", "last_name", "username")
    return {u.pk: u.get_full_name() or u.get_username() for u in users}


def job_state() -> JobState | None:
    return JobState.objects.filter(name=JOB_METRICS).first()


def freshness(now, interval_seconds: int) -> dict:
    """When the figures were computed, whether that is too long ago (three job intervals, at
    least ten minutes), and the job's last error."""
    state = job_state()
    if state is None or state.last_success_at is None:
        return {"computed_at": None, "stale": True, "error": state.last_error if state else ""}
    age = (now - state.last_success_at).total_seconds()
    return {"computed_at": state.last_success_at, "stale": age > max(3 * interval_seconds, 600), "error": state.last_error}


# --- drill-down: the rows behind a figure ----------------------------------------------------

CONTACT_METRICS = {
    "inbound": lambda: inbound_q(),
    "open": lambda: inbound_q() & ~Q(status=ContactStatus.CLOSED),
    "base": lambda: base_q(),
    "fcr": lambda: fcr_q(),
    "handled": lambda: handle_time_q(),
    "acw": lambda: after_call_work_q(),
    **{o: (lambda o=o: outcome_q(o)) for o in (
        "resolved", "resolved_after_consult", "transferred", "callback", "referred", "customer_will_call_back", "disconnected",
    )},
}


def contact_drilldown(
    *, scope: DashboardScope, period: Period, metric: str, department: str = "", channel: str = "", agent: int | None = None
):
    """The contacts behind a contact figure: the same predicates as the facts (predicates.py).

    `metric` is a key of CONTACT_METRICS, or "repeat"/"fcr_adjusted" (FCR contacts with/without
    a repeat), or "misrouted" (contacts in the base with a transfer marked 'not for us').
    `department` is a department id, "none" for contacts without one, or "" for all.
    """
    qs = Contact.objects.filter(inbound_q(), started_between(period.start, period.end))
    if not scope.all_departments:
        qs = qs.filter(topic_department__in=scope.department_ids)
    if scope.agent_id is not None:
        qs = qs.filter(Q(closed_by=scope.agent_id) | Q(closed_by__isnull=True, assigned_to=scope.agent_id))
    if department == "none":
        qs = qs.filter(topic_department__isnull=True)
    elif department:
        qs = qs.filter(topic_department=department)
    if channel:
        qs = qs.filter(channel=channel)
    if agent is not None:
        qs = qs.filter(Q(closed_by=agent) | Q(closed_by__isnull=True, assigned_to=agent))
    if metric in ("repeat", "fcr_adjusted"):
        qs = qs.filter(fcr_q()).annotate(k_day=local_day(), is_repeat=later_contact_exists("k_day"))
        qs = qs.filter(is_repeat=(metric == "repeat"))
    elif metric == "misrouted":
        qs = qs.filter(base_q(), Exists(Transfer.objects.filter(contact=OuterRef("pk"), not_for_us_at__isnull=False)))
    else:
        qs = qs.filter(CONTACT_METRICS.get(metric, CONTACT_METRICS["inbound"])())
    return qs.select_related("topic_department", "closed_by", "assigned_to").order_by("-started_at", "-pk")


def transfer_drilldown(
    *, scope: DashboardScope, period: Period, to_department: str = "", correct_department: str = "", reason_category: str = "",
    misrouted: bool = False, channel: str = "", topic_department: str = "",
):
    """The transfers behind the transfer figures and the misroute matrix. `topic_department`
    selects by the contact's topic department (the KCC view's department filter), the others by
    where the transfer went and where it should have gone (the department view, the matrix)."""
    qs = Transfer.objects.filter(started_between(period.start, period.end, prefix="contact__"), base_q("contact__"))
    if not scope.all_departments:
        deps = scope.department_ids
        qs = qs.filter(
            Q(to_department__in=deps) | Q(correct_department__in=deps, not_for_us_at__isnull=False) | Q(contact__topic_department__in=deps)
        )
    if topic_department:
        qs = qs.filter(contact__topic_department=topic_department)
    if to_department:
        qs = qs.filter(to_department=to_department)
    if correct_department:
        qs = qs.filter(correct_department=correct_department, not_for_us_at__isnull=False)
    if misrouted:
        qs = qs.filter(not_for_us_at__isnull=False)
    if channel:
        qs = qs.filter(contact__channel=channel)
    if reason_category:
        qs = qs.annotate(k_cat=reason_category_expression()).filter(k_cat=reason_category)
    return qs.select_related("contact", "to_department", "correct_department").order_by("-contact__started_at", "-pk")


CALLBACK_STATES = ("due", "on_time", "late", "open_overdue", "pending", "cancelled", "unreachable")


def callback_drilldown(*, scope: DashboardScope, period: Period, state: str, department: str = "", today: date):
    """The callback requests behind a callback figure, by deadline in the period."""
    qs = CallbackRequest.objects.filter(deadline__gte=period.start, deadline__lte=period.end)
    if not scope.all_departments:
        qs = qs.filter(target_department__in=scope.department_ids)
    if department:
        qs = qs.filter(target_department=department)
    handled = Q(status__in=sorted(HANDLED_STATUSES))
    active = Q(status__in=sorted(ACTIVE_STATUSES))
    if state in ("on_time", "late"):
        qs = qs.annotate(closed_day=local_day("closed_at")).filter(handled)
        qs = qs.filter(closed_day__lte=F("deadline")) if state == "on_time" else qs.filter(closed_day__gt=F("deadline"))
    elif state == "open_overdue":
        qs = qs.filter(active, deadline__lt=today)
    elif state == "pending":
        qs = qs.filter(active, deadline__gte=today)
    elif state == "cancelled":
        qs = qs.filter(status=CallbackStatus.CANCELLED)
    elif state == "unreachable":
        qs = qs.filter(status=CallbackStatus.UNREACHABLE)
    else:
        qs = qs.exclude(status=CallbackStatus.CANCELLED)
    return qs.select_related("target_department").order_by("deadline", "pk")



@dataclass(frozen=True)
class SignalSummary:
    counts: dict  # status -> number of signals
    ack_overdue: int
    open_signals: list


def department_signals(department: Department, today: date, *, limit: int = 10) -> SignalSummary:
    """The department's signals: how many per status, how many wait too long for an
    acknowledgement, and the open ones (oldest first)."""
    from django.db.models import Count

    from signals.constants import OPEN_STATUSES, SignalStatus
    from signals.models import Signal

    qs = Signal.objects.filter(department=department, merged_into__isnull=True)
    counts = {row["status"]: row["n"] for row in qs.order_by().values("status").annotate(n=Count("pk"))}
    ack_overdue = qs.filter(status=SignalStatus.NEW, ack_due__lt=today).count()
    open_signals = list(qs.filter(status__in=OPEN_STATUSES).select_related("owner").order_by("raised_at", "pk")[:limit])
    return SignalSummary(counts, ack_overdue, open_signals)
