"""ClosureDay moved from callbacks to core with a data migration: rows present before the move
are in core afterwards, and the callbacks table is gone."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("core", "0005_customer_birth_date"), ("callbacks", "0003_due_index")]
AFTER = [("core", "0006_closureday"), ("callbacks", "0004_closureday_moved_to_core")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_closure_days_are_copied_from_callbacks_to_core():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old_apps = _migrate(BEFORE)
        OldClosureDay = old_apps.get_model("callbacks", "ClosureDay")
        OldClosureDay.objects.create(date=dt.date(2026, 5, 15), description="Brugdag na Hemelvaart")
        OldClosureDay.objects.create(date=dt.date(2026, 12, 31), description="Oudejaarsdag")

        new_apps = _migrate(AFTER)
        NewClosureDay = new_apps.get_model("core", "ClosureDay")
        assert list(NewClosureDay.objects.order_by("date").values_list("date", "description")) == [
            (dt.date(2026, 5, 15), "Brugdag na Hemelvaart"),
            (dt.date(2026, 12, 31), "Oudejaarsdag"),
        ]
        assert "callbacks_closureday" not in connection.introspection.table_names()
    finally:
        _migrate(latest)


@pytest.mark.django_db
def test_the_calendar_reads_closure_days_from_core():
    from kcc.core.models import ClosureDay
    from kcc.core.workdays import WorkCalendar

    ClosureDay.objects.create(date=dt.date(2026, 3, 9), description="Heidag")
    assert not WorkCalendar().is_working_day(dt.date(2026, 3, 9))
