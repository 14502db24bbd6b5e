"""The metrics jobs: compute the daily facts in the database and write them per day partition.

Invariants
----------
* A fact row is a pure function of the source rows of its day (contacts and transfers by the
  local day the contact started; callbacks by deadline). Recomputing a day therefore always
  gives the same rows, however often and in whatever order it runs.
* A day partition is replaced in one transaction (delete the days' facts, INSERT ... SELECT the
  new ones), under a row lock on the JobState row: concurrent runs serialise per chunk and the
  unique keys are never contested.
* The watermark moves only after every chunk of a run has been written. A run that dies halfway
  leaves some days recomputed and the watermark where it was; the next run recomputes all of
  them again and ends with exactly the facts of a clean run.
* Rows changed in a transaction that committed after a run started are not lost: the next run
  reads from the previous run's start minus WATERMARK_OVERLAP.

Dirty days
----------
* A changed contact dirties its own day and the REPEAT_WINDOW_DAYS days before it: whether an
  earlier FCR contact was a repeat depends on contacts up to 7 days later.
* A new transfer, or one marked 'not for us', dirties its contact's day.
* A changed callback request dirties its deadline; every deadline that still had open requests
  is recomputed too, so a request whose deadline moved does not linger on its old day.
* Deleted contacts and callbacks dirty nothing: their facts survive (retention, erasure).
"""

import logging
import time as _time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Lead
from django.utils import timezone

from callbacks.constants import ACTIVE_STATUSES, HANDLED_STATUSES, CallbackStatus
from callbacks.models import CallbackRequest
from channels.models import Contact, Transfer

from .constants import (
    ACW_BUCKET_EDGES,
    ACW_BUCKET_FIELDS,
    CHUNK_DAYS,
    HANDLE_BUCKET_EDGES,
    HANDLE_BUCKET_FIELDS,
    JOB_METRICS,
    METRICS_TZ,
    REPEAT_WINDOW_DAYS,
    WATERMARK_OVERLAP,
)
from .definitions import METRICS_VERSION
from .expressions import AddDays, HandleSeconds
from .models import AgentRollup, CallbackFact, ContactFact, ContactRollup, JobState, TransferFact
from .predicates import (
    after_call_work_q,
    agent_expression,
    base_q,
    closed_q,
    fcr_q,
    handle_time_q,
    inbound_q,
    local_day,
    local_midnight,
    reason_category_expression,
    started_between,
)

logger = logging.getLogger(__name__)

OUTCOME_FIELDS = (
    "resolved", "resolved_after_consult", "transferred", "callback", "referred", "customer_will_call_back", "disconnected",
)


@dataclass(frozen=True)
class RunResult:
    kind: str  # "incremental" | "rebuild"
    contact_days: int
    callback_days: int
    duration_ms: int


# --- SQL building ----------------------------------------------------------------------------


def _compile(qs) -> tuple[str, tuple]:
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


def _count_if(condition: str) -> str:
    if connection.vendor == "postgresql":
        return f"COUNT(*) FILTER (WHERE {condition})"
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _bucket_sql(column: str, edges_list: tuple[int, ...] = HANDLE_BUCKET_EDGES) -> str:
    """Histogram bucket index of an integer column of seconds (NULL stays NULL)."""
    if connection.vendor == "postgresql":
        edges = ",".join(str(e) for e in edges_list)
        return f"(width_bucket({column}, ARRAY[{edges}]::integer[]) - 1)"
    whens = " ".join(f"WHEN {column} < {edge} THEN {i - 1}" for i, edge in enumerate(edges_list) if i > 0)
    return f"(CASE WHEN {column} IS NULL THEN NULL {whens} ELSE {len(edges_list) - 1} END)"


def contact_rows_queryset(day_from: date, day_to: date):
    """One row per inbound contact that started on a local day in [day_from, day_to + the repeat
    window], with its fact key, per-contact flags and what the repeat check needs: the contact's
    customer, start, conversation and the local day its repeat window ends (`k_until`), and
    `k_prev_conv`, the conversation of the contact just before it in time of the same customer and
    topic department. Every flag is computed in the database. `in_range` marks the contacts of
    [day_from, day_to]; the days after only serve the repeat check of the last days of the range."""
    repeat_order = {"partition_by": [F("customer"), F("topic_department")], "order_by": [F("started_at").desc(), F("pk").desc()]}
    return (
        Contact.objects.filter(inbound_q(), started_between(day_from, day_to + timedelta(days=REPEAT_WINDOW_DAYS)))
        .order_by()
        .annotate(k_day=local_day(), k_dept=F("topic_department"), k_channel=F("channel"), k_agent=agent_expression(), k_id=F("pk"))
        .annotate(
            in_range=Case(When(started_at__lt=local_midnight(day_to + timedelta(days=1)), then=Value(1)), default=Value(0), output_field=IntegerField()),
            k_cust=F("customer"),
            k_start=F("started_at"),
            k_conv=F("conversation_key"),
            k_until=AddDays(local_day(), REPEAT_WINDOW_DAYS),
            # Newest first, so both windows of contact_facts_select share one sort.
            k_prev_conv=Window(Lead("conversation_key"), **repeat_order),
            is_closed=Case(When(closed_q(), then=Value(1)), default=Value(0), output_field=IntegerField()),
            is_base=Case(When(base_q(), then=Value(1)), default=Value(0), output_field=IntegerField()),
            k_outcome=Case(When(closed_q(), then=F("outcome")), default=Value("")),
            is_fcr=Case(When(fcr_q(), then=Value(1)), default=Value(0), output_field=IntegerField()),
            hs=Case(When(handle_time_q(), then=HandleSeconds("answered_at", "ended_at")), default=None, output_field=IntegerField()),
            acw=Case(
                When(after_call_work_q(), then=HandleSeconds("conversation_ended_at", "ended_at")), default=None, output_field=IntegerField()
            ),
        )
        .values(
            "k_day", "k_dept", "k_channel", "k_agent", "k_id", "in_range", "k_cust", "k_start", "k_conv", "k_until", "k_prev_conv",
            "is_closed", "is_base", "k_outcome", "is_fcr", "hs", "acw",
        )
    )


# The repeat check of predicates.later_contact_exists in one pass over the contacts, with window
# functions instead of a subquery per FCR contact. Per customer and topic department, newest first
# (equal start times: the higher id is later), a contact is the first of a run of contacts of one
# conversation when the contact just before it belongs to another conversation (or there is none).
# The first later contact of another conversation is the earliest such first-of-a-run after the
# contact itself; local days grow with the start, so the running MIN of their days over the later
# contacts is that contact's day. It is a repeat when that day is at most k_until. A chunk reads the
# contacts up to REPEAT_WINDOW_DAYS past its last day: every contact that can make one of its own a
# repeat, and the contact before each of those, is then read. Anonymous contacts and contacts
# without a topic department never repeat (as NULL = NULL in the subquery).
REPEAT_SQL = """SELECT r.*, MIN(CASE WHEN r.k_prev_conv IS NULL OR r.k_prev_conv <> r.k_conv THEN r.k_day END) OVER (
    PARTITION BY r.k_cust, r.k_dept ORDER BY r.k_start DESC, r.k_id DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
  ) AS k_next_day FROM ({rows}) r"""
IS_FCR_ADJ_SQL = (
    "CASE WHEN w.is_fcr = 1 AND (w.k_cust IS NULL OR w.k_dept IS NULL OR w.k_next_day IS NULL OR w.k_next_day > w.k_until) "
    "THEN 1 ELSE 0 END"
)


def contact_rows_select(day_from: date, day_to: date) -> tuple[str, tuple]:
    """SELECT of one row per inbound contact of [day_from, day_to] with its fact key and flags,
    including is_fcr_adj (an FCR contact without a repeat)."""
    rows_sql, params = _compile(contact_rows_queryset(day_from, day_to))
    cols = "w.k_day, w.k_dept, w.k_channel, w.k_agent, w.k_id, w.is_closed, w.is_base, w.k_outcome, w.is_fcr"
    sql = f"SELECT {cols}, {IS_FCR_ADJ_SQL} AS is_fcr_adj, w.hs, w.acw FROM ({REPEAT_SQL.format(rows=rows_sql)}) w WHERE w.in_range = 1"  # noqa: S608
    return sql, params


def contact_transfers_queryset(day_from: date, day_to: date):
    """Transfers and misroutes per contact, for the inbound contacts of the day range."""
    return (
        Transfer.objects.filter(started_between(day_from, day_to, prefix="contact__"), inbound_q("contact__"))
        .order_by()
        .values(k_contact=F("contact"))
        .annotate(n=Count("pk"), m=Count("not_for_us_at"))
    )


CONTACT_FACT_COLUMNS = (
    "day", "department_id", "channel", "agent_id",
    "inbound", "closed", "base", *OUTCOME_FIELDS, "fcr", "fcr_adjusted", "transfers", "misroutes",
    "handle_count", "handle_sum", "handle_min", "handle_max", *HANDLE_BUCKET_FIELDS,
    "acw_count", "acw_sum", "acw_min", "acw_max", *ACW_BUCKET_FIELDS,
)


def contact_facts_select(day_from: date, day_to: date) -> tuple[str, tuple]:
    """SELECT producing the ContactFact rows (in CONTACT_FACT_COLUMNS order) for a day range: the
    per-contact rows, joined to their transfer counts, grouped by the fact key."""
    inner_sql, inner_params = contact_rows_select(day_from, day_to)
    transfer_sql, transfer_params = _compile(contact_transfers_queryset(day_from, day_to))
    outcome_cols, outcome_params = [], []
    for outcome in OUTCOME_FIELDS:
        outcome_cols.append(f"{_count_if('c.k_outcome = %s')} AS {outcome}")
        outcome_params.append(outcome)
    hist_cols = [f"{_count_if(f'c.hb = {i}')} AS {name}" for i, name in enumerate(HANDLE_BUCKET_FIELDS)]
    acw_cols = [f"{_count_if(f'c.ab = {i}')} AS {name}" for i, name in enumerate(ACW_BUCKET_FIELDS)]
    select = ",\n  ".join(
        [
            "c.k_day", "c.k_dept", "c.k_channel", "c.k_agent",
            "COUNT(*) AS inbound", "SUM(c.is_closed) AS closed", "SUM(c.is_base) AS base",
            *outcome_cols,
            "SUM(c.is_fcr) AS fcr", "SUM(c.is_fcr_adj) AS fcr_adjusted",
            "SUM(CASE WHEN c.is_base = 1 THEN COALESCE(t.n, 0) ELSE 0 END) AS transfers",
            "SUM(CASE WHEN c.is_base = 1 THEN COALESCE(t.m, 0) ELSE 0 END) AS misroutes",
            "COUNT(c.hs) AS handle_count", "COALESCE(SUM(c.hs), 0) AS handle_sum", "MIN(c.hs) AS handle_min", "MAX(c.hs) AS handle_max",
            *hist_cols,
            "COUNT(c.acw) AS acw_count", "COALESCE(SUM(c.acw), 0) AS acw_sum", "MIN(c.acw) AS acw_min", "MAX(c.acw) AS acw_max",
            *acw_cols,
        ]
    )
    # Only constant identifiers and compiled querysets are pasted in; every value is a parameter.
    sql = (
        f"SELECT\n  {select}\nFROM (SELECT r.*, {_bucket_sql('r.hs')} AS hb, {_bucket_sql('r.acw', ACW_BUCKET_EDGES)} AS ab FROM ({inner_sql}) r) c\n"  # noqa: S608
        f"LEFT JOIN ({transfer_sql}) t ON t.k_contact = c.k_id\n"
        "GROUP BY c.k_day, c.k_dept, c.k_channel, c.k_agent"
    )
    return sql, (*outcome_params, *inner_params, *transfer_params)


def transfer_facts_queryset(day_from: date, day_to: date):
    """TransferFact rows for a day range: transfers of the contacts in the base, by the contact's
    day and channel, the receiving department, the reason category and (if misrouted) the
    correct department."""
    return (
        Transfer.objects.filter(started_between(day_from, day_to, prefix="contact__"), base_q("contact__"))
        .order_by()
        .annotate(
            k_day=local_day("contact__started_at"),
            k_channel=F("contact__channel"),
            k_to=F("to_department"),
            k_cat=reason_category_expression(),
            k_correct=Case(When(not_for_us_at__isnull=False, then=F("correct_department")), default=None, output_field=IntegerField()),
        )
        .values("k_day", "k_channel", "k_to", "k_cat", "k_correct")
        .annotate(transfers=Count("pk"), misroutes=Count("pk", filter=Q(not_for_us_at__isnull=False)))
    )


EXTREMES = ("handle_min", "handle_max", "acw_min", "acw_max")
ROLLUP_SUMS = tuple(c for c in CONTACT_FACT_COLUMNS[4:] if c not in EXTREMES)
ROLLUP_AGGREGATES = (*(f"s_{c}" for c in ROLLUP_SUMS), *(f"s_{c}" for c in EXTREMES))
ROLLUP_COLUMNS = ("day", "department_id", "channel", *ROLLUP_SUMS, *EXTREMES)


def _extreme_aggregates() -> dict:
    return {f"s_{c}": (Min if c.endswith("_min") else Max)(c) for c in EXTREMES}


def rollup_queryset(day_from: date, day_to: date):
    """ContactRollup rows for a day range: the contact facts just written, agents summed out."""
    return (
        ContactFact.objects.filter(day__gte=day_from, day__lte=day_to)
        .order_by()
        .values(k_day=F("day"), k_dept=F("department"), k_channel=F("channel"))
        .annotate(**{f"s_{c}": Sum(c) for c in ROLLUP_SUMS}, **_extreme_aggregates())
    )


AGENT_ROLLUP_COLUMNS = ("day", "agent_id", *ROLLUP_SUMS, *EXTREMES)


def agent_rollup_queryset(day_from: date, day_to: date):
    """AgentRollup rows for a day range: the contact facts just written, per day and agent."""
    return (
        ContactFact.objects.filter(day__gte=day_from, day__lte=day_to)
        .order_by()
        .values(k_day=F("day"), k_agent=F("agent"))
        .annotate(**{f"s_{c}": Sum(c) for c in ROLLUP_SUMS}, **_extreme_aggregates())
    )


TRANSFER_FACT_COLUMNS = ("day", "channel", "to_department_id", "reason_category", "correct_department_id", "transfers", "misroutes")


def callback_facts_queryset(day_from: date, day_to: date):
    """CallbackFact rows for deadlines in [day_from, day_to]. Done on time: done or finally
    unreachable with the local date of closing on or before the deadline."""
    handled = Q(status__in=sorted(HANDLED_STATUSES))
    return (
        CallbackRequest.objects.filter(deadline__gte=day_from, deadline__lte=day_to)
        .order_by()
        .annotate(closed_day=local_day("closed_at"))
        .values(k_deadline=F("deadline"), k_dept=F("target_department"))
        .annotate(
            due=Count("pk", filter=~Q(status=CallbackStatus.CANCELLED)),
            on_time=Count("pk", filter=handled & Q(closed_day__lte=F("deadline"))),
            late=Count("pk", filter=handled & Q(closed_day__gt=F("deadline"))),
            unreachable=Count("pk", filter=Q(status=CallbackStatus.UNREACHABLE)),
            open=Count("pk", filter=Q(status__in=sorted(ACTIVE_STATUSES))),
            cancelled=Count("pk", filter=Q(status=CallbackStatus.CANCELLED)),
        )
    )


CALLBACK_FACT_COLUMNS = ("deadline", "department_id", "due", "on_time", "late", "unreachable", "open", "cancelled")


def _insert_select(table: str, columns: tuple[str, ...], select_sql: str, params: tuple, now: datetime) -> int:
    """INSERT INTO table (columns, version, computed_at) SELECT * , version, now FROM (select)."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in (*columns, "version", "computed_at"))
    sql = f"INSERT INTO {qn(table)} ({cols}) SELECT s.*, %s, %s FROM ({select_sql}) s"  # noqa: S608 - identifiers are constants
    # Placeholders of the outer SELECT come before those of the inner query in the SQL text.
    all_params = (METRICS_VERSION, connection.ops.adapt_datetimefield_value(now), *params)
    with connection.cursor() as cursor:
        cursor.execute(sql, all_params)
        return cursor.rowcount


def _ordered_select(qs, keys: tuple[str, ...], aggregates: tuple[str, ...]) -> tuple[str, tuple]:
    """Wrap a values()+annotate() queryset so its columns come out in a known order."""
    sql, params = _compile(qs)
    qn = connection.ops.quote_name
    cols = ", ".join(f"q.{qn(c)}" for c in (*keys, *aggregates))
    return f"SELECT {cols} FROM ({sql}) q", params  # noqa: S608 - a compiled queryset, values are parameters


# --- partitions ------------------------------------------------------------------------------


def _lock_job() -> JobState:
    """Row lock on the job's state: serialises the writers of fact partitions (no-op on SQLite,
    whose IMMEDIATE transactions already serialise writers).

    On PostgreSQL it also switches JIT compilation off for the rest of the transaction: the
    aggregation has many expressions, and compiling them costs more than the query itself
    (measured: 1.6 s of JIT for a 0.5 s month of 40,000 contacts)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
    return JobState.objects.select_for_update().get(name=JOB_METRICS)


def _insert_contact_facts(sql: str, params: tuple, now: datetime, *, large: bool) -> int:
    """Write the contact facts of a chunk. PostgreSQL never runs the SELECT of an INSERT ... SELECT
    in parallel, but does for CREATE TABLE AS: stage the rows of a `large` chunk (a rebuild's
    month) in a temporary table first, so its scan and sort use the parallel workers. Small
    chunks (the incremental job's week) and other databases (SQLite) insert directly."""
    if connection.vendor != "postgresql" or not STAGE_WITH_TEMP_TABLE or not large:
        return _insert_select(ContactFact._meta.db_table, CONTACT_FACT_COLUMNS, sql, params, now)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS dashboard_contactfact_stage")
        cursor.execute(f"CREATE TEMPORARY TABLE dashboard_contactfact_stage ON COMMIT DROP AS {sql}", params)
    return _insert_select(ContactFact._meta.db_table, CONTACT_FACT_COLUMNS, "SELECT * FROM dashboard_contactfact_stage", (), now)


# See _insert_contact_facts; a switch so the benchmark can compare both ways.
STAGE_WITH_TEMP_TABLE = True


def contact_days_write(*, day_from: date, day_to: date, now: datetime) -> int:
    """Replace the contact and transfer facts of the days [day_from, day_to] in one transaction.
    Returns the number of contact fact rows written."""
    with transaction.atomic():
        _lock_job()
        ContactFact.objects.filter(day__gte=day_from, day__lte=day_to)._raw_delete(connection.alias)
        ContactRollup.objects.filter(day__gte=day_from, day__lte=day_to)._raw_delete(connection.alias)
        AgentRollup.objects.filter(day__gte=day_from, day__lte=day_to)._raw_delete(connection.alias)
        TransferFact.objects.filter(day__gte=day_from, day__lte=day_to)._raw_delete(connection.alias)
        sql, params = contact_facts_select(day_from, day_to)
        written = _insert_contact_facts(sql, params, now, large=(day_to - day_from).days >= 14)
        tsql, tparams = _ordered_select(
            transfer_facts_queryset(day_from, day_to), ("k_day", "k_channel", "k_to", "k_cat", "k_correct"), ("transfers", "misroutes")
        )
        _insert_select(TransferFact._meta.db_table, TRANSFER_FACT_COLUMNS, tsql, tparams, now)
        rsql, rparams = _ordered_select(rollup_queryset(day_from, day_to), ("k_day", "k_dept", "k_channel"), ROLLUP_AGGREGATES)
        _insert_select(ContactRollup._meta.db_table, ROLLUP_COLUMNS, rsql, rparams, now)
        asql, aparams = _ordered_select(agent_rollup_queryset(day_from, day_to), ("k_day", "k_agent"), ROLLUP_AGGREGATES)
        _insert_select(AgentRollup._meta.db_table, AGENT_ROLLUP_COLUMNS, asql, aparams, now)
    return written


def callback_days_write(*, day_from: date, day_to: date, now: datetime) -> int:
    """Replace the callback facts of the deadlines [day_from, day_to] in one transaction."""
    with transaction.atomic():
        _lock_job()
        CallbackFact.objects.filter(deadline__gte=day_from, deadline__lte=day_to)._raw_delete(connection.alias)
        sql, params = _ordered_select(
            callback_facts_queryset(day_from, day_to), ("k_deadline", "k_dept"), ("due", "on_time", "late", "unreachable", "open", "cancelled")
        )
        return _insert_select(CallbackFact._meta.db_table, CALLBACK_FACT_COLUMNS, sql, params, now)


def day_ranges(days, max_len: int = CHUNK_DAYS) -> list[tuple[date, date]]:
    """Group days into contiguous ranges of at most max_len days, in date order."""
    ranges: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if ranges and day == ranges[-1][1] + timedelta(days=1) and (day - ranges[-1][0]).days < max_len:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def _span_ranges(day_from: date, day_to: date, max_len: int = CHUNK_DAYS) -> list[tuple[date, date]]:
    ranges, start = [], day_from
    while start <= day_to:
        end = min(day_to, start + timedelta(days=max_len - 1))
        ranges.append((start, end))
        start = end + timedelta(days=1)
    return ranges


# --- dirty days ------------------------------------------------------------------------------


def dirty_contact_days(since: datetime) -> set[date]:
    """Days whose contact or transfer facts may have changed since `since`."""
    changed = set(
        Contact.objects.filter(updated_at__gt=since).annotate(d=local_day()).order_by().values_list("d", flat=True).distinct()
    )
    days = {d - timedelta(days=back) for d in changed for back in range(REPEAT_WINDOW_DAYS + 1)}
    days |= set(
        Transfer.objects.filter(Q(created_at__gt=since) | Q(not_for_us_at__gt=since))
        .annotate(d=local_day("contact__started_at"))
        .order_by()
        .values_list("d", flat=True)
        .distinct()
    )
    return days


def dirty_callback_days(since: datetime) -> set[date]:
    days = set(CallbackRequest.objects.filter(updated_at__gt=since).order_by().values_list("deadline", flat=True).distinct())
    days |= set(CallbackFact.objects.filter(open__gt=0).order_by().values_list("deadline", flat=True).distinct())
    return days


# --- the jobs --------------------------------------------------------------------------------


def _job_state() -> JobState:
    state, _ = JobState.objects.get_or_create(name=JOB_METRICS)
    return state


def _record_failure(exc: BaseException) -> None:
    JobState.objects.filter(name=JOB_METRICS).update(last_error=f"{type(exc).__name__}: {exc}"[:2000], last_error_at=timezone.now())


def _run(kind: str, contact_ranges, callback_ranges, *, started: datetime, new_watermark: datetime | None) -> RunResult:
    t0 = _time.monotonic()
    JobState.objects.filter(name=JOB_METRICS).update(last_started_at=started)
    try:
        for day_from, day_to in contact_ranges:
            contact_days_write(day_from=day_from, day_to=day_to, now=started)
        for day_from, day_to in callback_ranges:
            callback_days_write(day_from=day_from, day_to=day_to, now=started)
    except BaseException as exc:
        _record_failure(exc)
        raise
    duration_ms = int((_time.monotonic() - t0) * 1000)
    n_contact = sum((b - a).days + 1 for a, b in contact_ranges)
    n_callback = sum((b - a).days + 1 for a, b in callback_ranges)
    with transaction.atomic():
        state = _lock_job()
        update = {
            "last_success_at": started, "last_duration_ms": duration_ms, "last_days": n_contact + n_callback,
            "last_error": "", "last_error_at": None,
        }
        if new_watermark is not None and (state.watermark is None or new_watermark > state.watermark):
            update["watermark"] = new_watermark
        # A slower run that started earlier must not make the figures look older than they are.
        if state.last_success_at and state.last_success_at > started:
            update.pop("last_success_at")
        JobState.objects.filter(pk=state.pk).update(**update)
    logger.info("metrics %s: %s contact days, %s callback days in %s ms", kind, n_contact, n_callback, duration_ms)
    return RunResult(kind, n_contact, n_callback, duration_ms)


def metrics_rebuild(*, date_from: date | None = None, now: datetime | None = None) -> RunResult:
    """Recompute every fact from `date_from` (default: the first day with a contact or deadline)
    up to the last day with data. Facts before `date_from` are kept: they may describe contacts
    that have since been removed under the retention rules.

    Without `date_from` the run covers every change, so it also moves the watermark.
    """
    started = now or timezone.now()
    _job_state()
    today = timezone.localdate(started, METRICS_TZ)
    bounds = Contact.objects.filter(inbound_q()).aggregate(first=Min("started_at"), last=Max("started_at"))
    contact_ranges: list[tuple[date, date]] = []
    start = date_from or (timezone.localtime(bounds["first"], METRICS_TZ).date() if bounds["first"] else None)
    if start is not None:
        last = max(today, timezone.localtime(bounds["last"], METRICS_TZ).date() if bounds["last"] else today)
        contact_ranges = _span_ranges(start, last)
    callback_ranges: list[tuple[date, date]] = []
    cb = CallbackRequest.objects.aggregate(first=Min("deadline"), last=Max("deadline"))
    start = date_from or cb["first"]
    if start is not None:
        callback_ranges = _span_ranges(start, max(today, cb["last"] or today))
    watermark = started - WATERMARK_OVERLAP if date_from is None else None
    return _run("rebuild", contact_ranges, callback_ranges, started=started, new_watermark=watermark)


def metrics_refresh(*, now: datetime | None = None) -> RunResult:
    """The incremental job: recompute only the days touched since the last run. The first run
    (no watermark yet) is a full rebuild."""
    started = now or timezone.now()
    state = _job_state()
    if state.watermark is None:
        return metrics_rebuild(now=started)
    since = state.watermark
    contact_days = dirty_contact_days(since)
    callback_days = dirty_callback_days(since)
    return _run(
        "incremental", day_ranges(contact_days), day_ranges(callback_days), started=started, new_watermark=started - WATERMARK_OVERLAP
    )
