import datetime as dt
import threading

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection

from kcc.core.constants import Role
from kcc.core.models import OutboundEmail
from signals import services
from signals.constants import NotificationKind, SignalCategory, SignalStatus
from signals.tasks import signal_ack_sweep as sweep_task
from tests.conftest import make_staff

AMS = dt.timezone(dt.timedelta(hours=1))  # March 2026 is winter time in Amsterdam


def at(day, hour=9):
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=AMS)


@pytest.fixture
def signal(agent, belastingen, backoffice_belastingen, manager_belastingen, settings):
    settings.KCC_SIGNAL_ACK_DAYS = 3
    settings.KCC_SIGNAL_ESCALATION_DAYS = 2
    with time_machine.travel(at(2, 9), tick=False):  # Monday 2 March 2026
        signal = services.signal_raise(
            user=agent, title="Belastingen onbereikbaar na aanslagen", description="Telefoon wordt niet opgenomen.",
            category=SignalCategory.REACHABILITY, department=belastingen,
        )
    # The 'new signal' notice for the department is not what these tests are about.
    services.notification_deliver_pending()
    mail.outbox.clear()
    assert signal.ack_due == dt.date(2026, 3, 5)  # Thursday
    return signal


def sweep(when):
    with time_machine.travel(when, tick=False):
        return services.signal_ack_sweep()


@pytest.mark.django_db
def test_no_reminder_while_the_deadline_has_not_passed(signal):
    sweep(at(5, 17))  # the deadline day itself
    assert mail.outbox == []
    assert not OutboundEmail.objects.filter(kind=NotificationKind.ACK_REMINDER).exists()


@pytest.mark.django_db
def test_reminder_goes_to_the_shared_address_and_the_department_once(signal):
    sweep(at(6, 8))  # Friday: first working day after the deadline
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {"belastingen@voorbeeldstad.example", "bo-belastingen@voorbeeldstad.example", "manager-belastingen@voorbeeldstad.example"}
    assert "Herinnering" in message.subject
    assert f"/signalen/{signal.pk}/" in message.body
    # Running the sweep again, the same day or later, never sends it twice.
    sweep(at(6, 9))
    sweep(at(6, 15))
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.filter(kind=NotificationKind.ACK_REMINDER, signal=signal).count() == 1


@pytest.mark.django_db
def test_no_reminder_on_the_weekend_after_a_friday_deadline(agent, belastingen, settings):
    settings.KCC_SIGNAL_ACK_DAYS = 3
    with time_machine.travel(at(3, 9), tick=False):  # Tuesday -> due Friday 6 March
        late = services.signal_raise(user=agent, title="Brief onduidelijk", description="x", category=SignalCategory.PROCESS, department=belastingen)
    assert late.ack_due == dt.date(2026, 3, 6)
    sweep(at(7, 10))  # Saturday
    assert not OutboundEmail.objects.filter(kind=NotificationKind.ACK_REMINDER).exists()
    sweep(at(9, 8))  # Monday
    assert OutboundEmail.objects.filter(kind=NotificationKind.ACK_REMINDER).count() == 1


@pytest.mark.django_db
def test_escalation_to_the_manager_two_working_days_after_the_reminder(signal):
    sweep(at(6, 8))  # reminder
    sweep(at(9, 8))  # Monday: one working day later, no escalation yet
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Herinnering"]
    sweep(at(10, 8))  # Tuesday: two working days after the reminder day
    assert len(mail.outbox) == 2
    escalation = mail.outbox[1]
    assert escalation.to == ["manager-belastingen@voorbeeldstad.example"]
    assert escalation.subject.startswith("Escalatie")
    assert "Belastingen onbereikbaar na aanslagen" in escalation.subject
    sweep(at(10, 12))
    sweep(at(11, 8))
    assert len(mail.outbox) == 2
    assert OutboundEmail.objects.filter(signal=signal, kind=NotificationKind.ACK_ESCALATION).count() == 1


@pytest.mark.django_db
def test_escalation_falls_back_to_the_shared_address_without_a_manager(agent, belastingen, backoffice_belastingen, settings):
    settings.KCC_SIGNAL_ACK_DAYS = 3
    with time_machine.travel(at(2, 9), tick=False):
        services.signal_raise(user=agent, title="Brief onduidelijk", description="x", category=SignalCategory.PROCESS, department=belastingen)
    sweep(at(12, 8))
    escalation = [m for m in mail.outbox if m.subject.startswith("Escalatie")]
    assert len(escalation) == 1 and escalation[0].to == ["belastingen@voorbeeldstad.example"]


@pytest.mark.django_db
def test_acknowledged_signal_gets_no_reminder(signal, backoffice_belastingen):
    with time_machine.travel(at(5, 16), tick=False):
        services.signal_transition(user=backoffice_belastingen, signal=signal, to_status=SignalStatus.ACKNOWLEDGED, response="Gezien.")
    sweep(at(6, 8))
    sweep(at(12, 8))
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_rejection_also_stops_the_clock(signal, backoffice_belastingen):
    with time_machine.travel(at(4, 16), tick=False):
        services.signal_transition(user=backoffice_belastingen, signal=signal, to_status=SignalStatus.REJECTED, response="Niet voor ons.")
    sweep(at(12, 8))
    assert mail.outbox == []


@pytest.mark.django_db
def test_queued_reminder_is_not_sent_when_the_department_answered_meanwhile(signal, backoffice_belastingen):
    services._notification_row(NotificationKind.ACK_REMINDER, signal.pk).save()
    services.signal_transition(user=backoffice_belastingen, signal=signal, to_status=SignalStatus.ACKNOWLEDGED, response="Gezien.")
    services.notification_deliver_pending()
    assert mail.outbox == []
    note = OutboundEmail.objects.get(kind=NotificationKind.ACK_REMINDER)
    assert note.sent_at is not None and note.error == "answered before sending"


class FailingOnceBackend(EmailBackend):
    """Stands in for an SMTP server that is down for the first attempt."""

    failures = 1

    def send_messages(self, messages):
        if FailingOnceBackend.failures:
            FailingOnceBackend.failures -= 1
            raise ConnectionRefusedError("smtp down")
        return super().send_messages(messages)


@pytest.mark.django_db
def test_failed_send_is_retried_by_the_next_sweep_and_then_sent_once(signal, settings):
    settings.EMAIL_BACKEND = "tests.signals.test_reminders.FailingOnceBackend"
    FailingOnceBackend.failures = 1
    sweep(at(6, 8))
    note = OutboundEmail.objects.get(kind=NotificationKind.ACK_REMINDER)
    assert note.sent_at is None and "smtp down" in note.error
    assert mail.outbox == []
    sweep(at(6, 9))
    note.refresh_from_db()
    assert note.sent_at is not None and note.error == ""
    assert len(mail.outbox) == 1
    sweep(at(6, 10))
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_beat_task_runs_the_sweep(signal):
    with time_machine.travel(at(6, 8), tick=False):
        sweep_task.delay()
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_time_send_the_reminder_once(agent, belastingen, settings):
    settings.KCC_SIGNAL_ACK_DAYS = 3
    make_staff("bo-x", belastingen, Role.BACKOFFICE)
    with time_machine.travel(at(2, 9), tick=False):
        services.signal_raise(user=agent, title="Brief onduidelijk", description="x", category=SignalCategory.PROCESS, department=belastingen)
    services.notification_deliver_pending()
    mail.outbox.clear()
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            with time_machine.travel(at(6, 8), tick=False):
                services.signal_ack_sweep()
        except Exception as exc:  # pragma: no cover - surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.filter(kind=NotificationKind.ACK_REMINDER).count() == 1
