"""The morning sweep: overdue marking, escalation to managers, department digests. Every part
is idempotent: a second run sends nothing twice."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from callbacks.constants import ActivityKind, AttemptResult, NotificationKind
from callbacks.services import (
    callback_attempt_log,
    callback_close,
    callback_daily_sweep,
    callback_digest_send,
    callback_escalation_sweep,
    callback_overdue_sweep,
)
from kcc.core.models import OutboundEmail

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def at(day: date, hour=7):
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=AMS)


@pytest.fixture
def late_callback(make_callback, resident, django_capture_on_commit_callbacks):
    """Made Monday 2 March 2026 for Belastingen (norm 3): deadline Thursday 5 March."""
    with time_machine.travel(at(date(2026, 3, 2), 10), tick=False), django_capture_on_commit_callbacks(execute=True):
        callback = make_callback(customer=resident)
    assert callback.deadline == date(2026, 3, 5)
    return callback


def sweep(day, capture, func=callback_daily_sweep):
    with time_machine.travel(at(day), tick=False), capture(execute=True):
        return func()


def test_overdue_is_marked_once(late_callback, django_capture_on_commit_callbacks):
    assert sweep(date(2026, 3, 5), django_capture_on_commit_callbacks, callback_overdue_sweep) == 0  # deadline day: not late yet
    assert sweep(date(2026, 3, 6), django_capture_on_commit_callbacks, callback_overdue_sweep) == 1
    assert sweep(date(2026, 3, 6), django_capture_on_commit_callbacks, callback_overdue_sweep) == 0
    assert sweep(date(2026, 3, 9), django_capture_on_commit_callbacks, callback_overdue_sweep) == 0
    late_callback.refresh_from_db()
    assert late_callback.overdue_at is not None
    assert late_callback.activities.filter(kind=ActivityKind.OVERDUE).count() == 1


def test_escalation_waits_for_more_than_the_configured_working_days(late_callback, manager_belastingen, mailoutbox, django_capture_on_commit_callbacks):
    # Deadline Thursday 5 March; 2 working days late on Monday 9 March: not yet.
    for day in (date(2026, 3, 6), date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)):
        assert sweep(day, django_capture_on_commit_callbacks, callback_escalation_sweep) == 0
    assert not [m for m in mailoutbox if manager_belastingen.email in m.to]
    # Tuesday 10 March: 3 working days late, more than 2: escalate, once.
    assert sweep(date(2026, 3, 10), django_capture_on_commit_callbacks, callback_escalation_sweep) == 1
    assert sweep(date(2026, 3, 10), django_capture_on_commit_callbacks, callback_escalation_sweep) == 0
    assert sweep(date(2026, 3, 11), django_capture_on_commit_callbacks, callback_escalation_sweep) == 0
    to_manager = [m for m in mailoutbox if manager_belastingen.email in m.to]
    assert len(to_manager) == 1
    assert "Escalatie" in to_manager[0].subject
    assert "3 werkdagen te laat" in to_manager[0].body
    late_callback.refresh_from_db()
    assert late_callback.escalated_at is not None
    assert late_callback.activities.filter(kind=ActivityKind.ESCALATED).count() == 1


@override_settings(KCC_CALLBACK_ESCALATION_DAYS=0)
def test_escalation_days_are_configurable(late_callback, manager_belastingen, django_capture_on_commit_callbacks):
    assert sweep(date(2026, 3, 6), django_capture_on_commit_callbacks, callback_escalation_sweep) == 1


def test_escalation_counts_working_days_not_calendar_days(make_callback, manager_belastingen, belastingen, django_capture_on_commit_callbacks):
    # Made Tuesday 21 April 2026, norm 3: deadline Friday 24 April. Koningsdag Monday 27 April
    # and the weekend do not count: Tuesday 28 = 1, Wednesday 29 = 2, Thursday 30 = 3 days late.
    with time_machine.travel(at(date(2026, 4, 21), 10), tick=False):
        callback = make_callback()
    assert callback.deadline == date(2026, 4, 24)
    assert sweep(date(2026, 4, 29), django_capture_on_commit_callbacks, callback_escalation_sweep) == 0
    assert sweep(date(2026, 4, 30), django_capture_on_commit_callbacks, callback_escalation_sweep) == 1


def test_escalation_without_a_manager_goes_to_the_shared_address(late_callback, belastingen, mailoutbox, django_capture_on_commit_callbacks):
    sweep(date(2026, 3, 10), django_capture_on_commit_callbacks, callback_escalation_sweep)
    assert [m.to for m in mailoutbox if "Escalatie" in m.subject] == [[belastingen.email]]


def test_handled_callbacks_do_not_escalate(late_callback, backoffice_belastingen, django_capture_on_commit_callbacks):
    with time_machine.travel(at(date(2026, 3, 6), 9), tick=False):
        callback_attempt_log(user=backoffice_belastingen, callback=late_callback, result=AttemptResult.REACHED)
        callback_close(user=backoffice_belastingen, callback=late_callback)
    late_callback.refresh_from_db()
    assert late_callback.closed_on_time is False
    assert sweep(date(2026, 3, 12), django_capture_on_commit_callbacks, callback_escalation_sweep) == 0


def test_digest_once_per_department_per_working_day(late_callback, make_callback, burgerzaken, belastingen, mailoutbox, django_capture_on_commit_callbacks):
    with time_machine.travel(at(date(2026, 3, 4), 10), tick=False), django_capture_on_commit_callbacks(execute=True):
        make_callback(target_department=burgerzaken, caller_name="Piet Pietersen")
    mailoutbox.clear()
    assert sweep(date(2026, 3, 6), django_capture_on_commit_callbacks, callback_digest_send) == 2
    assert sweep(date(2026, 3, 6), django_capture_on_commit_callbacks, callback_digest_send) == 0
    digests = {tuple(m.to): m for m in mailoutbox}
    assert set(digests) == {(belastingen.email,), (burgerzaken.email,)}
    belastingen_digest = digests[(belastingen.email,)]
    assert "1 open, 1 te laat" in belastingen_digest.subject
    assert "TE LAAT" in belastingen_digest.body and "Jan Jansen" in belastingen_digest.body
    assert "Piet Pietersen" in digests[(burgerzaken.email,)].body
    # Weekend: no digest. Next working day: a new one.
    assert sweep(date(2026, 3, 7), django_capture_on_commit_callbacks, callback_digest_send) == 0
    assert sweep(date(2026, 3, 9), django_capture_on_commit_callbacks, callback_digest_send) == 2
    assert len(mailoutbox) == 4


def test_daily_sweep_run_twice_sends_every_notification_once(late_callback, manager_belastingen, mailoutbox, django_capture_on_commit_callbacks):
    mailoutbox.clear()
    first = sweep(date(2026, 3, 10), django_capture_on_commit_callbacks)
    sent = len(mailoutbox)
    second = sweep(date(2026, 3, 10), django_capture_on_commit_callbacks)
    assert first == {"overdue": 1, "escalated": 1, "digests": 1}
    assert second == {"overdue": 0, "escalated": 0, "digests": 0}
    assert sent == 2 and len(mailoutbox) == 2
    kinds = sorted(OutboundEmail.objects.filter(department=late_callback.target_department).values_list("kind", flat=True))
    assert kinds == sorted([NotificationKind.ASSIGNED, NotificationKind.ESCALATION, NotificationKind.DIGEST])
    assert OutboundEmail.objects.filter(sent_at__isnull=True).count() == 0


def test_send_task_twice_sends_once(late_callback, mailoutbox, django_capture_on_commit_callbacks):
    from callbacks.tasks import notification_send_task

    mailoutbox.clear()
    sweep(date(2026, 3, 6), django_capture_on_commit_callbacks, callback_digest_send)
    notification = OutboundEmail.objects.get(kind=NotificationKind.DIGEST)
    notification_send_task.delay(notification.pk)
    notification_send_task.delay(notification.pk)
    assert len(mailoutbox) == 1


def test_beat_schedule_runs_registered_callback_tasks():
    from django.conf import settings

    from kcc.celery import app

    app.loader.import_default_modules()
    entries = {k: v for k, v in settings.CELERY_BEAT_SCHEDULE.items() if k.startswith("callbacks-")}
    assert {e["task"] for e in entries.values()} == {"callbacks.daily_sweep"}
    assert all(e["task"] in app.tasks for e in entries.values())


def test_daily_sweep_task_runs_the_sweep(late_callback, manager_belastingen, mailoutbox, django_capture_on_commit_callbacks):
    from callbacks.tasks import daily_sweep_task

    with time_machine.travel(at(date(2026, 3, 10)), tick=False), django_capture_on_commit_callbacks(execute=True):
        daily_sweep_task.delay()
    late_callback.refresh_from_db()
    assert late_callback.escalated_at is not None and late_callback.overdue_at is not None
