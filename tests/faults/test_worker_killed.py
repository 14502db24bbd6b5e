"""A worker killed mid-task loses nothing, and its job run again does nothing twice.

Real `celery worker` processes consume from a Redis of this test and send e-mail over SMTP to
a sink that counts what it accepted. The SMTP server is slow (every DATA waits), so the kill
lands while a worker is half-way through a batch of outbox e-mails: some accepted, one being
sent, some not started.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from callbacks.constants import NotificationKind as CallbackNotificationKind
from kcc.core.models import OutboundEmail
from signals.constants import NotificationKind as SignalNotificationKind
from signals.services import _notification_row as signal_notification_row
from tests.signals.factories import SignalFactory

from .conftest import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BATCH = 6
SMTP_DELAY = 0.8  # seconds each e-mail waits in the SMTP server

def callback_rows():
    """The callbacks' rows in the one outbox (core.OutboundEmail)."""
    return OutboundEmail.objects.filter(source="callbacks")


def signal_rows():
    """The signals' rows in the one outbox (core.OutboundEmail)."""
    return OutboundEmail.objects.filter(source="signals")




def _callback_outbox(department, n=BATCH):
    """n queued outbox e-mails, old enough for the retry sweep (it leaves fresh ones alone)."""
    queued_at = timezone.now() - timedelta(minutes=10)
    return [
        OutboundEmail.objects.create(
            source="callbacks",
            kind=CallbackNotificationKind.DIGEST, key=f"fault-test:{i}", recipients=[department.email],
            subject=f"Terugbelverzoeken Belastingen {i}", body="Overzicht van de open terugbelverzoeken.",
            department=department, created_at=queued_at,
        )
        for i in range(n)
    ]


def _kill_during_third_email(worker, sink) -> None:
    """Let the worker deliver two e-mails, then kill it while the SMTP server holds the third."""
    assert sink.wait_for(2, timeout=60), worker.log()
    wait_until(sink.sending.is_set, timeout=10, interval=0.01, message="the third e-mail in flight")
    worker.kill_all()


def _settle(sink, seconds=2.0):
    """Give a duplicate the chance to arrive before counting."""
    time.sleep(seconds)
    return sorted(sink.subjects)


def test_worker_killed_mid_outbox_sweep_is_redelivered_and_sends_each_mail_once(
    belastingen, celery_broker, redis_server, smtp_sink, start_worker,
):
    from kcc.core.tasks import outbox_deliver_pending_task

    outbox = _callback_outbox(belastingen)
    smtp_sink.delay = SMTP_DELAY
    outbox_deliver_pending_task.delay()  # the beat's one outbox sweep
    assert redis_server.queued() == 1  # published to our Redis, not run in-process

    first = start_worker("w1", visibility_timeout=4)
    _kill_during_third_email(first, smtp_sink)

    # What the server accepted before the kill is marked sent; the e-mail in flight is not.
    sent = set(callback_rows().filter(sent_at__isnull=False).values_list("subject", flat=True))
    assert sent == set(smtp_sink.subjects) and len(sent) == 2
    # The job is not lost: acks_late left it unacknowledged in Redis.
    assert redis_server.client().hlen("unacked") == 1

    second = start_worker("w2", visibility_timeout=4)
    wait_until(lambda: not callback_rows().filter(sent_at__isnull=True).exists(), timeout=60, message="the outbox to drain")
    assert _settle(smtp_sink) == sorted(n.subject for n in outbox)  # every e-mail exactly once
    assert "core.outbox_deliver_pending" in second.log()
    wait_until(lambda: redis_server.client().hlen("unacked") == 0, timeout=10, message="the redelivered job to be acknowledged")


def test_pool_process_killed_mid_task_is_requeued_at_once(belastingen, celery_broker, redis_server, smtp_sink, start_worker):
    """The OOM killer takes the pool process, not the worker: with reject_on_worker_lost the
    worker gives the job back at once (no waiting for the visibility timeout) and runs it again."""
    from callbacks.tasks import notification_send_pending_task

    outbox = _callback_outbox(belastingen)
    smtp_sink.delay = SMTP_DELAY
    worker = start_worker("w1", visibility_timeout=3600)
    notification_send_pending_task.delay()
    assert smtp_sink.wait_for(2, timeout=60), worker.log()
    wait_until(smtp_sink.sending.is_set, timeout=10, interval=0.01, message="the third e-mail in flight")
    killed = worker.kill_pool_child()

    wait_until(lambda: not callback_rows().filter(sent_at__isnull=True).exists(), timeout=60, message="the outbox to drain")
    assert _settle(smtp_sink) == sorted(n.subject for n in outbox)
    assert "WorkerLostError" in worker.log() and f"pid:{killed}" in worker.log()
    assert worker.proc.poll() is None  # the worker itself lived on


def test_worker_killed_mid_signal_delivery_sends_each_mail_once(
    belastingen, celery_broker, redis_server, smtp_sink, start_worker,
):
    """The signals outbox sends a batch in one task: each e-mail's `sent_at` must be committed
    with its send, or a kill half-way would send the first ones again."""
    from signals.tasks import signal_notifications_deliver

    signals = [SignalFactory(department=belastingen, title=f"Wachtrij loopt vol ({i:02d})") for i in range(BATCH)]
    OutboundEmail.objects.bulk_create(signal_notification_row(SignalNotificationKind.NEW_SIGNAL, s.pk) for s in signals)
    smtp_sink.delay = SMTP_DELAY
    signal_notifications_deliver.delay()

    first = start_worker("w1", visibility_timeout=4)
    _kill_during_third_email(first, smtp_sink)
    delivered = [s.title for s in signals if any(subject.endswith(s.title) for subject in smtp_sink.subjects)]
    assert len(delivered) == 2
    marked = set(signal_rows().filter(sent_at__isnull=False).values_list("signal__title", flat=True))
    assert marked == set(delivered)

    start_worker("w2", visibility_timeout=4)
    wait_until(lambda: not signal_rows().filter(sent_at__isnull=True).exists(), timeout=60, message="the outbox to drain")
    subjects = _settle(smtp_sink)
    assert len(subjects) == BATCH
    for s in signals:
        assert sum(subject.endswith(s.title) for subject in subjects) == 1, (s.title, subjects)
