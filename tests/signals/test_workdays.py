import datetime as dt

import pytest

from signals.workdays import add_working_days, is_working_day, working_days_between


def test_weekends_and_dutch_holidays_are_not_working_days():
    assert not is_working_day(dt.date(2026, 3, 7))  # Saturday
    assert not is_working_day(dt.date(2026, 4, 27))  # King's Day
    assert not is_working_day(dt.date(2026, 12, 25))  # Christmas
    assert is_working_day(dt.date(2026, 3, 9))


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
    assert add_working_days(start, days) == expected


def test_working_days_between():
    assert working_days_between(dt.date(2026, 3, 2), dt.date(2026, 3, 2)) == 0
    assert working_days_between(dt.date(2026, 3, 6), dt.date(2026, 3, 9)) == 1
    assert working_days_between(dt.date(2026, 2, 20), dt.date(2026, 3, 2)) == 6
    assert working_days_between(dt.date(2026, 3, 9), dt.date(2026, 3, 6)) == -1


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(dt.date(2026, 3, 2), -1)
