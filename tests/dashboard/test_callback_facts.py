"""Callback facts: due and done on time per deadline and department, by hand."""

from datetime import date, timedelta

import pytest
import time_machine

from callbacks.models import CallbackRequest
from kcc.dashboard import services
from kcc.dashboard.access import DashboardScope
from kcc.dashboard.forms import Period
from kcc.dashboard.models import CallbackFact
from kcc.dashboard.selectors import FactFilter, callback_ageing, callback_totals

from .factories import CallbackFactory, local

pytestmark = pytest.mark.django_db

NOW = local(2026, 11, 20, 12, 0)
TODAY = date(2026, 11, 20)
ALL = FactFilter(scope=DashboardScope(all_departments=True, department_ids=frozenset(), see_agents=True, kcc_role=True))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_callback_done_on_its_deadline_is_on_time_and_one_day_later_is_late(clock, belastingen):
    deadline = date(2026, 3, 10)
    CallbackFactory(target_department=belastingen, deadline=deadline, done=True, closed_at=local(2026, 3, 10, 16, 55))
    CallbackFactory(target_department=belastingen, deadline=deadline, done=True, closed_at=local(2026, 3, 11, 9, 0))
    # Local dates count: 23:30 on the deadline is on time, 00:30 the next day (23:30 UTC) is late.
    CallbackFactory(target_department=belastingen, deadline=deadline, done=True, closed_at=local(2026, 3, 10, 23, 30))
    CallbackFactory(target_department=belastingen, deadline=deadline, done=True, closed_at=local(2026, 3, 11, 0, 30))
    CallbackFactory(target_department=belastingen, deadline=deadline, unreachable=True, closed_at=local(2026, 3, 9, 15, 0))
    CallbackFactory(target_department=belastingen, deadline=deadline)  # still open, deadline passed
    CallbackFactory(target_department=belastingen, deadline=deadline, cancelled=True, closed_at=local(2026, 3, 9, 10, 0))
    CallbackFactory(target_department=belastingen, deadline=date(2026, 11, 25))  # open, not due yet

    services.metrics_rebuild()

    fact = CallbackFact.objects.get(deadline=deadline)
    assert (fact.department_id, fact.due, fact.on_time, fact.late, fact.unreachable, fact.open, fact.cancelled) == (
        belastingen.pk, 6, 3, 2, 1, 1, 1,
    )
    march, _previous = callback_totals(ALL, Period(date(2026, 3, 1), date(2026, 3, 31)), TODAY)
    assert (march.on_time, march.late, march.open_overdue, march.settled) == (3, 2, 1, 6)
    assert march.on_time_rate == 3 / 6
    november, _ = callback_totals(ALL, Period(date(2026, 11, 1), date(2026, 11, 30)), TODAY)
    assert (november.due, november.pending, november.settled, november.on_time_rate) == (1, 1, 0, None)


def test_callback_closed_today_for_an_old_deadline_is_picked_up(clock, belastingen):
    callback = CallbackFactory(target_department=belastingen, deadline=date(2026, 10, 12))
    clock.shift(timedelta(hours=1))
    services.metrics_rebuild()
    assert CallbackFact.objects.get().open == 1

    clock.shift(timedelta(hours=1))
    callback.status, callback.closed_at = "done", NOW + timedelta(hours=2)
    callback.save()
    services.metrics_refresh()
    fact = CallbackFact.objects.get()
    assert (fact.open, fact.late, fact.on_time) == (0, 1, 0)


def test_a_moved_deadline_leaves_no_trace_on_the_old_day(clock, belastingen):
    callback = CallbackFactory(target_department=belastingen, deadline=date(2026, 11, 18))
    clock.shift(timedelta(hours=1))
    services.metrics_rebuild()
    clock.shift(timedelta(hours=1))
    CallbackRequest.objects.filter(pk=callback.pk).update(deadline=date(2026, 11, 27), updated_at=NOW + timedelta(hours=2))
    services.metrics_refresh()
    assert list(CallbackFact.objects.values_list("deadline", "open")) == [(date(2026, 11, 27), 1)]


def test_ageing_of_open_callbacks_by_deadline(clock, belastingen, burgerzaken):
    for days, n in ((-10, 2), (-5, 1), (-1, 3), (0, 1), (4, 2)):
        for _ in range(n):
            CallbackFactory(target_department=belastingen, deadline=TODAY + timedelta(days=days))
    CallbackFactory(target_department=burgerzaken, deadline=TODAY - timedelta(days=1))
    CallbackFactory(target_department=belastingen, deadline=TODAY - timedelta(days=1), done=True, closed_at=NOW)
    services.metrics_rebuild()
    ageing = {key: n for key, n, _first, _last in callback_ageing(FactFilter(scope=ALL.scope, department=belastingen.pk), TODAY)}
    assert ageing == {"future": 2, "today": 1, "late_1_2": 3, "late_3_7": 1, "late_8_plus": 2}
