"""Deadlines in working days: weekends, Dutch public holidays and the organisation's own
closure days are skipped."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kcc.core.workdays import WorkCalendar
from tests.core.factories import ClosureDayFactory

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def cal():
    return WorkCalendar(closure_days=[])


def test_weekend_is_skipped(cal):
    # Friday 6 March 2026 + 2 working days = Tuesday 10 March.
    assert cal.deadline(date(2026, 3, 6), 2) == date(2026, 3, 10)


def test_callback_made_on_a_saturday_counts_from_monday(cal):
    assert cal.deadline(date(2026, 3, 7), 2) == date(2026, 3, 11)
    assert cal.deadline(date(2026, 3, 8), 0) == date(2026, 3, 9)


def test_kings_day_is_skipped(cal):
    # Koningsdag: Monday 27 April 2026.
    assert not cal.is_working_day(date(2026, 4, 27))
    assert cal.deadline(date(2026, 4, 24), 1) == date(2026, 4, 28)


def test_both_christmas_days_are_skipped(cal):
    # Wednesday 24 December 2025, norm 2: Thu 25 and Fri 26 are Christmas, then the weekend.
    assert cal.deadline(date(2025, 12, 24), 2) == date(2025, 12, 30)


def test_easter_monday_and_good_friday_are_skipped(cal):
    # Thursday 2 April 2026, norm 2: Goede Vrijdag 3 April, weekend, Tweede Paasdag 6 April.
    assert not cal.is_working_day(date(2026, 4, 6))
    assert cal.deadline(date(2026, 4, 2), 2) == date(2026, 4, 8)


def test_ascension_day_is_skipped(cal):
    # Hemelvaartsdag: Thursday 14 May 2026.
    assert cal.deadline(date(2026, 5, 13), 1) == date(2026, 5, 15)


def test_whit_monday_is_skipped(cal):
    # Tweede Pinksterdag: Monday 25 May 2026.
    assert cal.deadline(date(2026, 5, 22), 1) == date(2026, 5, 26)


def test_new_year_and_liberation_day_in_lustrum_years_only(cal):
    assert not cal.is_working_day(date(2026, 1, 1))
    assert not cal.is_working_day(date(2025, 5, 5))  # lustrum year: day off
    assert cal.is_working_day(date(2026, 5, 5))  # other years: a normal Tuesday


@pytest.mark.django_db
def test_closure_day_from_the_database_is_skipped():
    # The Friday after Ascension is a common collective day off ("brugdag").
    ClosureDayFactory(date=date(2026, 5, 15), description="Brugdag na Hemelvaart")
    cal = WorkCalendar()
    assert not cal.is_working_day(date(2026, 5, 15))
    assert cal.deadline(date(2026, 5, 13), 1) == date(2026, 5, 18)


def test_creation_hour_does_not_matter_and_uses_local_date(cal):
    # 23:30 UTC on Friday is already Saturday in Amsterdam: counts from Monday.
    late_friday_utc = datetime(2026, 3, 6, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert cal.deadline(late_friday_utc, 1) == date(2026, 3, 10)
    assert cal.deadline(datetime(2026, 3, 6, 16, 59, tzinfo=AMS), 1) == date(2026, 3, 9)


def test_working_days_between_counts_skipped_days(cal):
    # Thu 23 April to Tue 28 April 2026: Fri 24, (weekend), (Koningsdag), Tue 28.
    assert cal.working_days_between(date(2026, 4, 23), date(2026, 4, 28)) == 2
    assert cal.working_days_between(date(2026, 4, 28), date(2026, 4, 23)) == -2
    # Long ranges agree with walking day by day.
    start = date(2025, 11, 3)
    for end in (date(2026, 1, 5), date(2026, 6, 1)):
        walked, d = 0, start
        while d < end:
            d = d.fromordinal(d.toordinal() + 1)
            walked += cal.is_working_day(d)
        assert cal.working_days_between(start, end) == walked


def test_time_left_and_lateness(cal):
    deadline = date(2026, 3, 10)  # Tuesday
    assert cal.time_left(deadline, date(2026, 3, 6)) == 2
    assert cal.time_left(deadline, date(2026, 3, 10)) == 0
    assert cal.time_left(deadline, date(2026, 3, 11)) == -1
    # Deadline on Friday, looked at on Saturday: late, although no working day passed.
    assert cal.time_left(date(2026, 3, 6), date(2026, 3, 7)) == -1


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 4, 24, 10, 0, tzinfo=AMS), tick=False)
def test_service_sets_deadline_from_department_norm(make_callback, belastingen):
    # Belastingen: 3 working days. Friday 24 April: Mon 27 is Koningsdag -> Tue, Wed, Thu 30.
    callback = make_callback()
    assert callback.deadline == date(2026, 4, 30)
