"""Read operations on callback requests. Views pass request.GET through; queries live here."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import get_language

from kcc.core.access import department_ids, has_role
from kcc.core.constants import AddressKind, LogAction, Purpose, Role
from kcc.core.models import Department, DigitalAddress
from kcc.core.normalize import format_phone
from kcc.core.services import processing_log_record
from kcc.core.workdays import WorkCalendar

from .access import callback_list_q
from .constants import (
    ACTIVE_STATUSES,
    HANDLED_STATUSES,
    AgeBucket,
    CallbackStatus,
    TimeWindow,
    age_bucket,
)
from .filters import CallbackFilter
from .models import CallbackActivity, CallbackRequest

PAGE_SIZE = 50
_LIST_RELATED = ("customer", "target_department", "assigned_to", "claimed_by")
# What a list row shows: fetching only these keeps a 50-row page cheap to load and build.
_LIST_ONLY = (
    "id", "customer_id", "caller_name", "phone", "question", "target_department_id", "assigned_to_id", "claimed_by_id",
    "priority", "time_window", "deadline", "due_at", "status", "created_by_id", "source_contact_id",
    "customer__first_name", "customer__name_prefix", "customer__last_name",
    "target_department__name",
    "assigned_to__first_name", "assigned_to__last_name", "assigned_to__username",
    "claimed_by__first_name", "claimed_by__last_name", "claimed_by__username",
)


@lru_cache(maxsize=8)
def _labels(language: str) -> dict:
    return {
        "status": {value: str(label) for value, label in CallbackStatus.choices},
        "time_window": {value: str(label) for value, label in TimeWindow.choices},
    }


# Parsing a number with phonenumbers costs more than rendering the rest of a list row; a
# department's queue shows the same numbers over and over.
phone_display = lru_cache(maxsize=8192)(format_phone)


def decorate(callbacks, *, calendar: WorkCalendar, today: date):
    """Attach what the templates show: working days left (negative: late), and the display
    labels (get_FOO_display is slow enough to matter on a 50-row list)."""
    labels = _labels(get_language() or "")
    for c in callbacks:
        c.status_label = labels["status"].get(c.status, c.status)
        c.time_window_label = labels["time_window"].get(c.time_window, c.time_window)
        c.phone_label = phone_display(c.phone)
        c.days_left = calendar.time_left(c.deadline, today) if c.status in ACTIVE_STATUSES else None
        c.overdue = c.days_left is not None and c.deadline < today
        c.days_late = -c.days_left if c.overdue else 0
    return callbacks


def _log_customers_shown(user, callbacks, context: str) -> None:
    customers = {c.customer_id: c.customer for c in callbacks if c.customer_id}
    if customers:
        processing_log_record(user=user, customers=list(customers.values()), action=LogAction.VIEW, purpose=Purpose.CALLBACK, context=context)


@dataclass
class CallbackListResult:
    filterset: CallbackFilter
    page: Page
    callbacks: list = field(default_factory=list)


def callback_list(*, user, data, mine: bool = False, page_number=1, today: date | None = None) -> CallbackListResult:
    """The department queue (mine=False) or "my callbacks" (claimed by or assigned to the
    user), filtered, sorted by deadline (urgent first within a day), one page.

    Fixed query count: the page count, the page, the closure days and the processing log.
    """
    today = today or timezone.localdate()
    base = CallbackRequest.objects.filter(callback_list_q(user))
    if mine:
        base = base.filter(Q(claimed_by=user) | Q(assigned_to=user))
    filterset = CallbackFilter(data, queryset=base, user=user, today=today, mine=mine)
    qs = filterset.qs if filterset.is_valid() else base.none()
    # "high" sorts before "normal": urgent callbacks first within the same deadline.
    qs = qs.select_related(*_LIST_RELATED).only(*_LIST_ONLY).order_by("deadline", "priority", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(page_number)
    callbacks = decorate(list(page.object_list), calendar=WorkCalendar(), today=today)
    _log_customers_shown(user, callbacks, "terugbelverzoeken: mijn lijst" if mine else "terugbelverzoeken: wachtrij")
    return CallbackListResult(filterset=filterset, page=page, callbacks=callbacks)


def callback_detail_data(*, callback: CallbackRequest, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    calendar = WorkCalendar()
    decorate([callback], calendar=calendar, today=today)
    return {
        "attempts": list(callback.attempts.select_related("by").order_by("at", "pk")),
        "activities": list(callback.activities.order_by("-at", "-pk")),
    }


def contact_callbacks(*, contact) -> dict:
    """For the agent's contact screen: the resident's callbacks that are still open, and the
    callback made from this contact (if any)."""
    qs = CallbackRequest.objects.select_related("target_department", "claimed_by").order_by("deadline", "pk")
    if contact.customer_id:
        qs = qs.filter(Q(customer_id=contact.customer_id, status__in=ACTIVE_STATUSES) | Q(source_contact=contact))
    else:
        qs = qs.filter(source_contact=contact)
    callbacks = decorate(list(qs[:20]), calendar=WorkCalendar(), today=timezone.localdate())
    return {
        "open": [c for c in callbacks if c.status in ACTIVE_STATUSES],
        "from_contact": next((c for c in callbacks if c.source_contact_id == contact.pk), None),
    }


def my_callbacks_summary(*, user, limit: int = 5) -> dict:
    """Home page block: my active callbacks (first by deadline), and my departments' unclaimed."""
    today = timezone.localdate()
    mine = (
        CallbackRequest.objects.active().filter(Q(claimed_by=user) | Q(assigned_to=user))
        .select_related(*_LIST_RELATED).only(*_LIST_ONLY).order_by("deadline", "priority", "pk")
    )
    counts = mine.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)))
    first = decorate(list(mine[:limit]), calendar=WorkCalendar(), today=today)
    deps = department_ids(user, Role.BACKOFFICE, Role.MANAGER)
    unclaimed = CallbackRequest.objects.filter(
        target_department_id__in=deps, status=CallbackStatus.OPEN, assigned_to__isnull=True,
    ).count() if deps else 0
    _log_customers_shown(user, first, "startpagina: mijn terugbelverzoeken")
    return {"callbacks": first, "total": counts["total"], "overdue": counts["overdue"], "unclaimed": unclaimed}


def agent_home_summary(*, user) -> dict:
    """Agent home page: the callback requests the agent made that are still open."""
    return {"mine_open": CallbackRequest.objects.active().filter(created_by=user).count()}


def callback_deadline_preview(*, department: Department, now=None) -> dict:
    """What a callback made now for ``department`` would promise: the deadline (the same
    working-day calculation as ``callback_create``) and the department's norm in working days."""
    now = now or timezone.now()
    return {"department": department, "deadline": WorkCalendar().deadline(now, department.callback_norm_days), "days": department.callback_norm_days}


def active_department_get(value) -> Department | None:
    """The active department a form field or query parameter names (a Department or its id),
    or None for anything else."""
    if isinstance(value, Department):
        return value
    if value and str(value).isdigit():
        return Department.objects.filter(pk=value, is_active=True).first()
    return None


def customer_default_phone(customer) -> str:
    """The customer's default phone number, formatted ("" without a customer or phone)."""
    if customer is None:
        return ""
    address = DigitalAddress.objects.filter(customer=customer, kind=AddressKind.PHONE).order_by("-is_default", "pk").first()
    return address.display if address else ""


# --- overview per department ------------------------------------------------------------


@dataclass
class DepartmentStats:
    department: Department
    open: int = 0
    overdue: int = 0
    due: int = 0
    on_time: int = 0
    ageing: dict = field(default_factory=lambda: {b: 0 for b in AgeBucket.values})

    @property
    def overdue_pct(self) -> float | None:
        return 100 * self.overdue / self.open if self.open else None

    @property
    def on_time_pct(self) -> float | None:
        return 100 * self.on_time / self.due if self.due else None

    @property
    def ageing_list(self) -> list[tuple[str, int]]:
        return [(label, self.ageing[value]) for value, label in AgeBucket.choices]


def overview_departments(user) -> QuerySet[Department]:
    """Team leads see every department, managers their own."""
    qs = Department.objects.filter(is_active=True)
    if has_role(user, Role.TEAMLEAD):
        return qs
    return qs.filter(pk__in=department_ids(user, Role.MANAGER))


def department_overview(*, user, period_days: int = 30, today: date | None = None) -> dict:
    """Per department: open and overdue now, the on-time percentage over the callbacks whose
    deadline fell in the last `period_days` days up to yesterday (each of those is decided:
    handled on or before the deadline, or not), and the ageing of open callbacks in working days.
    Cancelled callbacks do not count. Five queries, whatever the number of callbacks."""
    today = today or timezone.localdate()
    calendar = WorkCalendar()
    departments = list(overview_departments(user).order_by("-is_kcc", "name"))
    stats = {d.pk: DepartmentStats(d) for d in departments}
    ids = list(stats)
    active = CallbackRequest.objects.filter(target_department_id__in=ids, status__in=ACTIVE_STATUSES)
    for row in active.order_by().values("target_department_id").annotate(n=Count("*"), late=Count("deadline", filter=Q(deadline__lt=today))):
        s = stats[row["target_department_id"]]
        s.open, s.overdue = row["n"], row["late"]
    start, end = today - timedelta(days=period_days), today - timedelta(days=1)
    due = CallbackRequest.objects.filter(target_department_id__in=ids, deadline__range=(start, end)).exclude(status=CallbackStatus.CANCELLED)
    for row in due.order_by().values("target_department_id").annotate(
        n=Count("*"), ok=Count("deadline", filter=Q(status__in=HANDLED_STATUSES, closed_on_time=True)),
    ):
        s = stats[row["target_department_id"]]
        s.due, s.on_time = row["n"], row["ok"]
    for row in active.order_by().annotate(day=TruncDate("created_at")).values("target_department_id", "day").annotate(n=Count("*")):
        age = max(calendar.working_days_between(row["day"], today), 0)
        stats[row["target_department_id"]].ageing[age_bucket(age)] += row["n"]
    rows = [stats[d.pk] for d in departments]
    totals = DepartmentStats(Department(name=""))
    for s in rows:
        totals.open += s.open
        totals.overdue += s.overdue
        totals.due += s.due
        totals.on_time += s.on_time
        for b in AgeBucket.values:
            totals.ageing[b] += s.ageing[b]
    return {"rows": rows, "totals": totals, "period_start": start, "period_end": end, "period_days": period_days}


def callback_activities(callback) -> QuerySet[CallbackActivity]:
    return callback.activities.order_by("-at", "-pk")
