"""Working days: Monday to Friday, minus Dutch public holidays and the organisation's own
closure days.

Public holidays come from the `holidays` package (country NL, its default "public" category:
the days of the Algemene termijnenwet: Nieuwjaarsdag, Goede Vrijdag, both Easter days,
Koningsdag, Bevrijdingsdag in lustrum years, Hemelvaartsdag, both Whit days and both
Christmas days). Closure days (``ClosureDay``) are maintained by functional admins.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone

# A deadline more than this many calendar days out means the calendar is broken (e.g. every
# day of the year marked as a closure day): fail loudly instead of looping forever.
_MAX_SCAN_DAYS = 366


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.NL(years=year).keys())


def public_holiday_name(day: date) -> str | None:
    return holidays.NL(years=day.year, language="nl").get(day)


class WorkCalendar:
    """Working-day arithmetic. Build one per request or task run: it loads the closure days once
    (one small query), then answers every question in memory."""

    def __init__(self, closure_days=None):
        if closure_days is None:
            from .models import ClosureDay

            closure_days = ClosureDay.objects.values_list("date", flat=True)
        self.closure_days = frozenset(closure_days)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in public_holidays(day.year) and day not in self.closure_days

    def next_working_day(self, day: date, *, include_today: bool = True) -> date:
        """The first working day on or after `day` (strictly after with include_today=False)."""
        current = day if include_today else day + timedelta(days=1)
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_working_day(current):
                return current
            current += timedelta(days=1)
        raise ValueError("no working day within a year: check the closure days")

    def add_working_days(self, day: date, count: int) -> date:
        """The date `count` working days after `day` (day itself not counted)."""
        current = day
        remaining = count
        scanned = 0
        while remaining > 0:
            current += timedelta(days=1)
            scanned += 1
            if scanned > _MAX_SCAN_DAYS:
                raise ValueError("no working day within a year: check the closure days")
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end; negative when end is before start."""
        if end == start:
            return 0
        if end < start:
            return -self.working_days_between(end, start)
        # Count whole weeks arithmetically, then walk the rest: ageing over months stays cheap.
        days = (end - start).days
        weeks, rest = divmod(days, 7)
        count = weeks * 5
        current = start + timedelta(days=weeks * 7)
        for _ in range(rest):
            current += timedelta(days=1)
            if current.weekday() < 5:
                count += 1
        first = start + timedelta(days=1)
        for year in range(first.year, end.year + 1):
            count -= sum(1 for h in public_holidays(year) if first <= h <= end and h.weekday() < 5)
        count -= sum(1 for c in self.closure_days if first <= c <= end and c.weekday() < 5 and c not in public_holidays(c.year))
        return count

    def deadline(self, created: datetime | date, norm_days: int) -> date:
        """Deadline of a callback made at `created` for a department with `norm_days`.

        The day of creation is day 0 whatever the hour (no cut-off time). A callback made on a
        weekend, holiday or closure day counts as made on the next working day.
        """
        day = timezone.localdate(created) if isinstance(created, datetime) else created
        start = self.next_working_day(day)
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
