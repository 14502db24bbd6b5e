"""The one working-day calendar: Monday to Friday, minus Dutch public holidays and the
organisation's own closure days. Callback deadlines and signal acknowledgement deadlines both
count with it, so a closure day moves both alike.

Public holidays come from the `holidays` package (country NL, its default "public" category:
the days of the Algemene termijnenwet: Nieuwjaarsdag, Goede Vrijdag, both Easter days,
Koningsdag, Bevrijdingsdag in lustrum years, Hemelvaartsdag, both Whit days and both
Christmas days). Closure days (``kcc.core.models.ClosureDay``) are maintained by functional
admins; they are added to the package's calendar as extra days off, and the arithmetic is the
package's own (``is_working_day``, ``get_nth_working_day``, ``get_working_days_count``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import holidays
from django.utils import timezone

# A deadline more than this many calendar days out means the calendar is broken (e.g. every
# day of the year marked as a closure day): fail loudly instead of looping forever.
_MAX_SCAN_DAYS = 366
# Fewer closure days than this cannot close a whole year (a year has about 250 working days),
# so the scan guard is only needed above it.
_GUARD_FROM = 200

_CLOSURE_NAME = "closure day"


def public_holiday_name(day: date) -> str | None:
    """The Dutch name of the public holiday on `day`, or None."""
    return holidays.NL(years=day.year, language="nl").get(day)


def local_date(moment: datetime | date) -> date:
    """The Europe/Amsterdam calendar date of an aware datetime (a date stays as it is)."""
    return timezone.localdate(moment) if isinstance(moment, datetime) else moment


class WorkCalendar:
    """Working-day arithmetic. Build one per request or task run: it loads the closure days once
    (one small query), then answers every question in memory."""

    def __init__(self, closure_days: Iterable[date] | None = None):
        if closure_days is None:
            from .models import ClosureDay

            closure_days = ClosureDay.objects.values_list("date", flat=True)
        self.closure_days = frozenset(closure_days)
        # expand=True: years are filled in on first use. Closure days are added as days off of
        # their own; a closure day that is also a public holiday stays one day off.
        self._days = holidays.NL()
        self._days.update({day: _CLOSURE_NAME for day in self.closure_days})

    def is_working_day(self, day: date) -> bool:
        return self._days.is_working_day(day)

    def _guard(self, day: date) -> None:
        if len(self.closure_days) >= _GUARD_FROM and not any(
            self.is_working_day(day + timedelta(days=n)) for n in range(1, _MAX_SCAN_DAYS + 1)
        ):
            raise ValueError("no working day within a year: check the closure days")

    def next_working_day(self, day: date, *, include_today: bool = True) -> date:
        """The first working day on or after `day` (strictly after with include_today=False)."""
        start = day if include_today else day + timedelta(days=1)
        self._guard(start - timedelta(days=1))
        return self._days.get_nth_working_day(start, 0)

    def add_working_days(self, day: date, count: int) -> date:
        """The date `count` working days after `day` (day itself not counted; 0 gives `day`)."""
        if count < 0:
            raise ValueError("count must be >= 0")
        if count == 0:
            return day
        self._guard(day)
        return self._days.get_nth_working_day(day, count)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end: the same day is 0, the next working day 1;
        negative when end is before start."""
        if end == start:
            return 0
        if end < start:
            return -self.working_days_between(end, start)
        return self._days.get_working_days_count(start + timedelta(days=1), end)

    def deadline(self, created: datetime | date, norm_days: int) -> date:
        """Deadline of a callback made at `created` for a department with `norm_days`.

        The day of creation is day 0 whatever the hour (no cut-off time). A callback made on a
        weekend, holiday or closure day counts as made on the next working day.
        """
        start = self.next_working_day(local_date(created))
        return self.add_working_days(start, max(norm_days, 0))

    def time_left(self, deadline: date, today: date | None = None) -> int:
        """Working days left until the deadline: 0 on the day itself, negative when overdue
        (-1 means one working day late)."""
        today = today or timezone.localdate()
        left = self.working_days_between(today, deadline)
        if deadline < today and left == 0:
            # Deadline on Friday, now Saturday: late, although no working day has passed yet.
            return -1
        return left


def request_calendar(request) -> WorkCalendar:
    """One calendar per request (one query however many rows a page shows); a fresh one
    without a request."""
    if request is None:
        return WorkCalendar()
    calendar = getattr(request, "_kcc_work_calendar", None)
    if calendar is None:
        calendar = request._kcc_work_calendar = WorkCalendar()
    return calendar
