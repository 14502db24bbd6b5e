"""Working-day arithmetic for acknowledgement deadlines and report averages.

A working day is Monday to Friday, minus the Dutch public holidays of the `holidays` package
(country "NL": New Year, Good Friday, Easter, King's Day, Liberation Day in lustrum years,
Ascension, Whit Monday, Christmas). The organisation's own closure days live in the callbacks
app, which signals may not import (see docs/signals.md), so they do not count here.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=64)
def _holidays_for(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=[year]).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays_for(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself does not count).

    ``add_working_days(friday, 1)`` is the next Monday (or later after a holiday)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`: same day is 0, the next
    working day 1. Negative when `end` is before `start`."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def local_date(moment: datetime) -> date:
    """The Europe/Amsterdam calendar date of an aware datetime."""
    return timezone.localdate(moment)
