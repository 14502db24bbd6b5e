"""Signals count with the one working-day calendar of kcc.core.workdays (weekends, Dutch public
holidays and the organisation's closure days)."""

import datetime as dt

import pytest

from kcc.core.workdays import WorkCalendar

calendar = WorkCalendar(closure_days=[])


def test_weekends_and_dutch_holidays_are_not_working_days():
    assert not calendar.is_working_day(dt.date(2026, 3, 7))  # Saturday
    assert not calendar.is_working_day(dt.date(2026, 4, 27))  # King's Day
    assert not calendar.is_working_day(dt.date(2026, 12, 25))  # Christmas
    assert calendar.is_working_day(dt.date(2026, 3, 9))


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (dt.date(2026, 3, 6), 1, dt.date(2026, 3, 9)),  # Friday + 1 = Monday
        (dt.date(2026, 3, 2), 3, dt.date(2026, 3, 5)),
        (dt.date(2026, 12, 23), 2, dt.date(2026, 12, 28)),  # over Christmas
        (dt.date(2026, 3, 7), 0, dt.date(2026, 3, 7)),
    ],
)
def test_add_working_days(start, days, expected):
    assert calendar.add_working_days(start, days) == expected


def test_working_days_between():
    assert calendar.working_days_between(dt.date(2026, 3, 2), dt.date(2026, 3, 2)) == 0
    assert calendar.working_days_between(dt.date(2026, 3, 6), dt.date(2026, 3, 9)) == 1
    assert calendar.working_days_between(dt.date(2026, 2, 20), dt.date(2026, 3, 2)) == 6
    assert calendar.working_days_between(dt.date(2026, 3, 9), dt.date(2026, 3, 6)) == -1


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        calendar.add_working_days(dt.date(2026, 3, 2), -1)


def test_closure_days_are_not_working_days():
    closed = WorkCalendar(closure_days=[dt.date(2026, 3, 9)])
    assert not closed.is_working_day(dt.date(2026, 3, 9))
    assert closed.add_working_days(dt.date(2026, 3, 6), 1) == dt.date(2026, 3, 10)
    assert closed.working_days_between(dt.date(2026, 3, 6), dt.date(2026, 3, 10)) == 1
