"""The overleg report: for one department and one calendar month, the agenda of the structured
meeting between the KCC and the department. Definitions (also in docs/signals.md):

* The month runs from the first day 00:00 to the first day of the next month 00:00,
  Europe/Amsterdam.
* Merged-away duplicates are left out of every figure (their evidence moved to the survivor).
* New: raised in the month. Resolved / rejected: closed in the month with that status.
* Open at month end: raised before the end and not closed before the end.
* Evidence counts only contacts linked before the end of the month, so a past month's report
  does not change afterwards.
* Time to acknowledge: working days (Mon-Fri minus Dutch public holidays) from the raise date
  to the date of the department's first response (acknowledged or rejected), for responses
  given in the month; same day = 0. Time to resolve: the same, raise date to resolution date,
  for signals resolved in the month. Both are means, rounded to one decimal.
* Acknowledged on time: of the signals whose acknowledgement deadline fell in the month and
  has passed, those whose first response came on or before the deadline date.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from kcc.core.models import Department
from kcc.core.workdays import WorkCalendar, local_date

from .constants import SignalStatus
from .models import Signal
from .selectors import last_responses

TOP_LIMIT = 10


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(date(year, month, 1), time.min, tzinfo=tz)
    next_first = date(year + (month == 12), month % 12 + 1, 1)
    return start, datetime.combine(next_first, time.min, tzinfo=tz)


def _mean(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class OverlegReport:
    department: Department
    year: int
    month: int
    start: datetime
    end: datetime
    new_count: int = 0
    resolved_count: int = 0
    rejected_count: int = 0
    open_at_end: int = 0
    avg_ack_days: Decimal | None = None
    ack_measured: int = 0
    avg_resolve_days: Decimal | None = None
    resolve_measured: int = 0
    ack_due_total: int = 0
    ack_on_time: int = 0
    top: list = field(default_factory=list)
    open_signals: list = field(default_factory=list)
    resolved_signals: list = field(default_factory=list)
    new_signals: list = field(default_factory=list)
    signals: list = field(default_factory=list)

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()

    @property
    def ack_on_time_pct(self) -> int | None:
        if not self.ack_due_total:
            return None
        return round(100 * self.ack_on_time / self.ack_due_total)


def overleg_report(*, department: Department, year: int, month: int, today: date | None = None) -> OverlegReport:
    """Compute the report in two queries (the signals with their evidence counts, and their
    latest responses)."""
    start, end = month_bounds(year, month)
    today = today or timezone.localdate()
    report = OverlegReport(department=department, year=year, month=month, start=start, end=end)
    signals = list(
        Signal.objects.filter(department=department, merged_into__isnull=True, raised_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .select_related("owner", "resolution_article")
        .annotate(
            evidence_total=Count("evidence", filter=Q(evidence__added_at__lt=end)),
            evidence_in_month=Count("evidence", filter=Q(evidence__added_at__gte=start, evidence__added_at__lt=end)),
        )
        .order_by("-evidence_total", "raised_at", "pk")
    )
    report.signals = signals
    latest = last_responses(s.pk for s in signals)
    ack_days, resolve_days = [], []
    calendar = WorkCalendar()
    working_days_between = calendar.working_days_between
    for s in signals:
        s.last_response = latest.get(s.pk)
        # The status as it was at the end of the month (later changes are not part of it).
        closed_in_time = s.closed_at is not None and s.closed_at < end
        raised_in_month = s.raised_at >= start
        if raised_in_month:
            report.new_count += 1
            report.new_signals.append(s)
        if closed_in_time and s.status == SignalStatus.RESOLVED:
            report.resolved_count += 1
            report.resolved_signals.append(s)
            resolve_days.append(working_days_between(local_date(s.raised_at), local_date(s.resolved_at)))
        elif closed_in_time and s.status == SignalStatus.REJECTED:
            report.rejected_count += 1
        if not closed_in_time:
            report.open_at_end += 1
            report.open_signals.append(s)
        if s.responded_at is not None and start <= s.responded_at < end:
            ack_days.append(working_days_between(local_date(s.raised_at), local_date(s.responded_at)))
        if report.first_day <= s.ack_due <= report.last_day and (s.responded_at is not None or s.ack_due < today):
            report.ack_due_total += 1
            if s.responded_at is not None and local_date(s.responded_at) <= s.ack_due:
                report.ack_on_time += 1
    report.avg_ack_days, report.ack_measured = _mean(ack_days), len(ack_days)
    report.avg_resolve_days, report.resolve_measured = _mean(resolve_days), len(resolve_days)
    report.top = [s for s in signals if s.evidence_total > 0][:TOP_LIMIT]
    report.open_signals.sort(key=lambda s: (-s.evidence_total, s.status != SignalStatus.NEW, s.raised_at, s.pk))
    return report


def report_csv_rows(report: OverlegReport):
    """Rows for the CSV export: the key figures, an empty line, then one row per signal that
    was open at some time during the month, most evidence first (every cell goes through
    kcc.core.csvsafe.csv_cell)."""
    from django.utils.translation import gettext as _

    def fmt(value):
        return "" if value is None else str(value).replace(".", ",")

    yield [_("Overleg report"), report.department.name, f"{report.year}-{report.month:02d}"]
    yield [_("New signals"), report.new_count]
    yield [_("Resolved signals"), report.resolved_count]
    yield [_("Rejected signals"), report.rejected_count]
    yield [_("Open at the end of the month"), report.open_at_end]
    yield [_("Average time to acknowledge (working days)"), fmt(report.avg_ack_days)]
    yield [_("Average time to resolve (working days)"), fmt(report.avg_resolve_days)]
    yield [_("Acknowledged on time"), report.ack_on_time, report.ack_due_total]
    yield []
    yield [
        _("Number"), _("Title"), _("Category"), _("Current status"), _("Impact"), _("Raised at"), _("Respond by"),
        _("First response at"), _("Resolved at"), _("Contacts (total)"), _("Contacts this month"), _("Signal owner"),
        _("Target date"), _("Latest response"),
    ]
    for s in report.signals:
        owner = (s.owner.get_full_name() or s.owner.get_username()) if s.owner else ""
        yield [
            s.pk, s.title, s.get_category_display(), s.get_status_display(), s.get_impact_display(), s.raised_at, s.ack_due,
            s.responded_at, s.resolved_at, s.evidence_total, s.evidence_in_month, owner, s.target_date,
            s.last_response.response if s.last_response else "",
        ]
