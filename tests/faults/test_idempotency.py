"""Tasks that may run twice are idempotent: each periodic or e-mail task, run twice (through
Celery, eagerly), creates and sends nothing twice.

Most tasks already have such a test next to their app; docs/faults.md lists them all. This
file holds the missing ones, plus the guarantees the fault tests rely on: a crash half-way
through an outbox batch keeps what was already sent, two sweeps at once send each e-mail
once, and an acknowledgement whose task was lost is sent by the pending sweep, once.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.utils import timezone

from callbacks.constants import NotificationKind as CallbackNotificationKind
from channels.constants import Direction, InboundSource, InboundStatus
from channels.ingestion import ingest_email
from channels.ingestion.acknowledge import acknowledgement_send_missed
from channels.ingestion.store import store_raw
from channels.models import Contact, InboundRaw, Message
from kcc.core.models import OutboundEmail
from signals.constants import NotificationKind as SignalNotificationKind
from signals.services import _notification_row as signal_notification_row
from tests.channels.ingestion.helpers import mail
from tests.dashboard.conftest import snapshot
from tests.dashboard.factories import ContactFactory
from tests.signals.factories import SignalFactory

MINUTES_AGO = timezone.timedelta(minutes=10)

def callback_rows():
    """The callbacks' rows in the one outbox (core.OutboundEmail)."""
    return OutboundEmail.objects.filter(source="callbacks")


def signal_rows():
    """The signals' rows in the one outbox (core.OutboundEmail)."""
    return OutboundEmail.objects.filter(source="signals")




def _callback_outbox(department, n):
    queued_at = timezone.now() - MINUTES_AGO
    return [
        OutboundEmail.objects.create(
            source="callbacks",
            kind=CallbackNotificationKind.DIGEST, key=f"idempotency:{i}", recipients=[department.email],
            subject=f"Overzicht {i}", body="Open terugbelverzoeken.", department=department, created_at=queued_at,
        )
        for i in range(n)
    ]


def _signal_outbox(department, n):
    signals = [SignalFactory(department=department, title=f"Knelpunt {i:02d}") for i in range(n)]
    OutboundEmail.objects.bulk_create(signal_notification_row(SignalNotificationKind.NEW_SIGNAL, s.pk) for s in signals)
    return signals


# --- each task twice ---------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_refresh_task_twice_gives_the_same_facts(belastingen, burgerzaken):
    from kcc.dashboard.tasks import metrics_refresh

    now = timezone.now()
    for i in range(12):
        ContactFactory(started_at=now - timedelta(days=i % 4, hours=1), topic_department=belastingen if i % 2 else burgerzaken)
    metrics_refresh.delay()
    first = snapshot()
    assert first["contact"]
    metrics_refresh.delay()
    assert snapshot() == first


@pytest.mark.django_db
def test_inbound_sweep_task_twice_makes_one_message_of_a_pending_payload():
    from channels.tasks import inbound_process_pending_task

    raw, _created = store_raw(source=InboundSource.EMAIL_WEBHOOK, payload=mail(subject="Bleef liggen na een crash"))
    InboundRaw.objects.filter(pk=raw.pk).update(received_at=timezone.now() - MINUTES_AGO)
    inbound_process_pending_task.delay()
    inbound_process_pending_task.delay()
    raw.refresh_from_db()
    assert raw.status == InboundStatus.PROCESSED
    assert list(Message.objects.values_list("subject", flat=True)) == ["Bleef liggen na een crash"]
    assert Contact.objects.count() == 1


@pytest.mark.django_db
def test_callback_outbox_sweep_task_twice_sends_each_mail_once(belastingen):
    from callbacks.tasks import notification_send_pending_task

    _callback_outbox(belastingen, 3)
    notification_send_pending_task.delay()
    notification_send_pending_task.delay()
    assert sorted(m.subject for m in outbox.outbox) == ["Overzicht 0", "Overzicht 1", "Overzicht 2"]
    assert not callback_rows().filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_signal_delivery_task_twice_sends_each_mail_once(belastingen):
    from signals.tasks import signal_notifications_deliver

    _signal_outbox(belastingen, 3)
    signal_notifications_deliver.delay()
    signal_notifications_deliver.delay()
    assert len(outbox.outbox) == 3
    assert not signal_rows().filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_acknowledgement_task_twice_sends_one_acknowledgement(settings, django_capture_on_commit_callbacks):
    from channels.tasks import inbound_email_acknowledge

    settings.KCC_EMAIL_ACKNOWLEDGE = True
    with django_capture_on_commit_callbacks(execute=False):
        result = ingest_email(raw=mail(subject="Vraag over de WOZ"), source=InboundSource.EMAIL_FILE)
    inbound_email_acknowledge.delay(result.message_id)
    inbound_email_acknowledge.delay(result.message_id)
    assert [m.to for m in outbox.outbox] == [["jan.jansen@example.nl"]]


# --- a crash half-way, and two runs at once -----------------------------------------------


class DyingBackend(EmailBackend):
    """Accepts `survive` e-mails, then the process 'dies' (an exception no handler catches,
    as a SIGKILL would be)."""

    survive = 2

    def send_messages(self, messages):
        if len(outbox.outbox) >= DyingBackend.survive:
            raise SystemExit("killed")
        return super().send_messages(messages)


@pytest.mark.django_db
def test_signal_outbox_crash_half_way_keeps_what_was_sent_and_the_rerun_sends_the_rest(belastingen, settings):
    from signals.services import notification_deliver_pending

    signals = _signal_outbox(belastingen, 5)
    settings.EMAIL_BACKEND = "tests.faults.test_idempotency.DyingBackend"
    with pytest.raises(SystemExit):
        notification_deliver_pending()
    assert len(outbox.outbox) == 2
    assert signal_rows().filter(sent_at__isnull=False).count() == 2  # committed with their send

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_deliver_pending() == 3
    subjects = [m.subject for m in outbox.outbox]
    assert len(subjects) == 5
    for signal in signals:
        assert sum(s.endswith(signal.title) for s in subjects) == 1


@pytest.mark.django_db
def test_callback_outbox_crash_half_way_keeps_what_was_sent_and_the_rerun_sends_the_rest(belastingen, settings):
    from callbacks.services import notification_send_pending

    _callback_outbox(belastingen, 5)
    settings.EMAIL_BACKEND = "tests.faults.test_idempotency.DyingBackend"
    with pytest.raises(SystemExit):
        notification_send_pending()
    assert callback_rows().filter(sent_at__isnull=False).count() == 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_send_pending() == 3
    assert sorted(m.subject for m in outbox.outbox) == [f"Overzicht {i}" for i in range(5)]


class SlowBackend(EmailBackend):
    """An SMTP server that takes its time, so two sweeps overlap."""

    def send_messages(self, messages):
        time.sleep(0.05)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("outbox_kind", ["callbacks", "signals"])
def test_two_outbox_sweeps_at_once_send_each_mail_once(belastingen, settings, outbox_kind):
    """A redelivered job running next to the original (or two beat schedulers): the row lock
    with SKIP LOCKED gives each e-mail to one of them."""
    from callbacks.services import notification_send_pending
    from signals.services import notification_deliver_pending

    settings.EMAIL_BACKEND = "tests.faults.test_idempotency.SlowBackend"
    if outbox_kind == "callbacks":
        _callback_outbox(belastingen, 12)
        sweep = notification_send_pending
    else:
        _signal_outbox(belastingen, 12)
        sweep = notification_deliver_pending
    barrier, errors = threading.Barrier(2), []

    def run():
        try:
            barrier.wait(timeout=10)
            sweep()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    subjects = [m.subject for m in outbox.outbox]
    assert len(subjects) == 12 and len(set(subjects)) == 12


# --- acknowledgements whose task was lost -------------------------------------------------


@pytest.fixture
def lost_acknowledgement(settings, django_capture_on_commit_callbacks):
    """An e-mail whose acknowledgement task never ran (the broker lost it), ten minutes ago."""
    settings.KCC_EMAIL_ACKNOWLEDGE = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = ingest_email(raw=mail(subject="Vraag over de afvalpas"), source=InboundSource.EMAIL_FILE)
    assert callbacks  # the task would have been queued here
    InboundRaw.objects.filter(pk=result.raw_id).update(processed_at=timezone.now() - MINUTES_AGO, received_at=timezone.now() - MINUTES_AGO)
    return result


@pytest.mark.django_db
def test_pending_sweep_sends_a_lost_acknowledgement_once(lost_acknowledgement):
    from channels.tasks import inbound_process_pending_task

    inbound_process_pending_task.delay()
    inbound_process_pending_task.delay()
    assert [m.to for m in outbox.outbox] == [["jan.jansen@example.nl"]]
    ack = Message.objects.get(direction=Direction.OUTBOUND, is_auto_reply=True)
    assert ack.contact_id == lost_acknowledgement.contact_id


@pytest.mark.django_db
def test_fresh_acknowledgements_are_left_to_their_task(lost_acknowledgement):
    InboundRaw.objects.update(processed_at=timezone.now() - timedelta(seconds=30))
    assert acknowledgement_send_missed() == 0
    assert outbox.outbox == []


@pytest.mark.django_db
def test_acknowledgements_older_than_a_day_are_not_sent_late(lost_acknowledgement):
    InboundRaw.objects.update(received_at=timezone.now() - timedelta(hours=25), processed_at=timezone.now() - timedelta(hours=25))
    assert acknowledgement_send_missed() == 0
    assert outbox.outbox == []


@pytest.mark.django_db
def test_no_acknowledgements_are_swept_when_they_are_switched_off(lost_acknowledgement, settings):
    settings.KCC_EMAIL_ACKNOWLEDGE = False
    assert acknowledgement_send_missed() == 0
    assert outbox.outbox == []


# --- SMTP down ---------------------------------------------------------------------------


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


@pytest.mark.django_db
def test_callback_mail_during_an_smtp_outage_waits_in_the_outbox_and_is_sent_once_afterwards(belastingen, settings):
    from callbacks.tasks import notification_send_pending_task, notification_send_task

    [notification] = _callback_outbox(belastingen, 1)
    settings.EMAIL_BACKEND = "tests.faults.test_idempotency.RefusingBackend"
    notification_send_task.delay(notification.pk)
    notification_send_pending_task.delay()
    notification.refresh_from_db()
    assert notification.sent_at is None and "smtp down" in notification.error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notification_send_pending_task.delay()
    notification_send_pending_task.delay()
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.error == ""
    assert [m.subject for m in outbox.outbox] == ["Overzicht 0"]
