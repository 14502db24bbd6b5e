"""Redis stops, restarts empty, or is flushed: the database remains the truth.

Against a real redis-server of this test (never the shared one). Work done while Redis is
down must be saved and answered normally; the e-mails it should trigger wait in the outbox
tables, and e-mail that came in waits as a stored payload. After Redis is back (empty), the
beat sweeps, run by a real worker, deliver every e-mail exactly once and turn every stored
e-mail into exactly one message.
"""

import logging
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from callbacks.constants import NotificationKind as CallbackNotificationKind
from channels.constants import Direction, InboundSource, InboundStatus
from channels.ingestion.store import store_raw
from channels.models import Contact, InboundRaw, Message
from kcc.core.models import OutboundEmail
from signals.constants import NotificationKind as SignalNotificationKind
from signals.constants import SignalCategory
from tests.channels.ingestion.helpers import EMAIL_SECRET, mail, post_email

from .conftest import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WORKER_ENV = {"KCC_EMAIL_ACKNOWLEDGE": "true"}  # as inbox_settings, for the worker process
HUNG_REDIS_BUDGET = 20  # seconds a request may wait for a Redis that does not answer
SWEEPS = ("core.outbox_deliver_pending", "signals.ack_sweep", "channels.inbound_process_pending")

def callback_rows():
    """The callbacks' rows in the one outbox (core.OutboundEmail)."""
    return OutboundEmail.objects.filter(source="callbacks")


def signal_rows():
    """The signals' rows in the one outbox (core.OutboundEmail)."""
    return OutboundEmail.objects.filter(source="signals")




@pytest.fixture
def inbox_settings(settings, tmp_path):
    settings.KCC_WEBHOOK_EMAIL_SECRET = EMAIL_SECRET
    settings.KCC_EMAIL_ACKNOWLEDGE = True
    return settings


def _work_of_a_busy_minute(login, client, agent, belastingen, backoffice_belastingen):
    """What the KCC does in a minute, each step with an e-mail or task after its commit."""
    # An agent makes a callback request for a named colleague (assignment e-mail).
    response = login(agent).post(reverse("callbacks:create"), {
        "caller_name": "Mevrouw de Wit", "phone": "020 123 4567", "question": "Wil bezwaar maken tegen de aanslag",
        "target_department": belastingen.pk, "assigned_to": backoffice_belastingen.pk, "priority": "normal", "time_window": "anytime",
    })
    assert response.status_code == 302, response.content[:2000]
    # An agent raises a signal (e-mail to the department).
    from signals.services import signal_raise

    signal_raise(
        user=agent, title="Aanslagen onleesbaar", description="Inwoners bellen over de nieuwe aanslag.",
        category=SignalCategory.PROCESS, department=belastingen,
    )
    # A resident's e-mail arrives through the webhook (acknowledgement of receipt due).
    response = post_email(client, mail(sender="Piet Pietersen <piet@example.nl>", subject="Vraag over de afvalpas"))
    assert response.status_code in (200, 201, 202), response.content[:2000]
    # An e-mail stored by a process that died before processing it.
    raw, _created = store_raw(source=InboundSource.EMAIL_FILE, payload=mail(sender="Klaas Klaassen <klaas@example.nl>", subject="Parkeervergunning"))
    return raw


def _sweep_through_the_worker(app, redis_server) -> None:
    """The beat sweeps, published to Redis and run by the worker. Everything here is minutes
    old by now (the sweeps leave fresh rows to the tasks that were queued for them)."""
    earlier = timezone.now() - timedelta(minutes=10)
    OutboundEmail.objects.update(created_at=earlier)
    InboundRaw.objects.update(received_at=earlier)
    InboundRaw.objects.filter(processed_at__isnull=False).update(processed_at=earlier)
    for name in SWEEPS:
        app.send_task(name)


def _state(worker=None):
    def details() -> str:
        rows = {
            "callback outbox": list(callback_rows().values_list("kind", "sent_at", "error")),
            "signal outbox": list(signal_rows().values_list("kind", "sent_at", "error")),
            "inbound": list(InboundRaw.objects.values_list("pk", "status", "meta__acknowledge")),
            "acknowledgements": list(Message.objects.filter(is_auto_reply=True).values_list("recipients", "delivery_status")),
        }
        return f"{rows}\n{worker.log()[-4000:] if worker else ''}"

    return details


def _everything_delivered() -> bool:
    return (
        not callback_rows().filter(sent_at__isnull=True).exists()
        and not signal_rows().filter(sent_at__isnull=True).exists()
        and not InboundRaw.objects.filter(status=InboundStatus.PENDING).exists()
        and Message.objects.filter(direction=Direction.OUTBOUND, is_auto_reply=True, delivery_status="sent").count() == 2
    )


def _assert_each_delivered_once(smtp_sink, backoffice_belastingen, belastingen) -> None:
    time.sleep(2)  # a duplicate would arrive now
    recipients = sorted(address for m in smtp_sink.messages for address in m["to"])
    assert recipients == sorted([
        backoffice_belastingen.email,  # the callback assignment
        belastingen.email,  # the new signal
        "piet@example.nl",  # acknowledgement of the webhook e-mail
        "klaas@example.nl",  # acknowledgement of the e-mail the sweep processed
    ])
    assert callback_rows().get().kind == CallbackNotificationKind.ASSIGNED
    assert signal_rows().get().kind == SignalNotificationKind.NEW_SIGNAL
    # Every stored e-mail became exactly one message in one new contact.
    assert InboundRaw.objects.filter(status=InboundStatus.PROCESSED).count() == 2
    assert sorted(Message.objects.filter(direction=Direction.INBOUND).values_list("subject", flat=True)) == ["Parkeervergunning", "Vraag over de afvalpas"]
    assert Contact.objects.filter(messages__direction=Direction.INBOUND).distinct().count() == 2


def test_work_during_a_redis_outage_is_saved_and_delivered_once_after_the_restart(
    login, client, agent, belastingen, backoffice_belastingen, inbox_settings,
    celery_broker, redis_server, smtp_sink, start_worker, caplog,
):
    worker = start_worker("w1", env=WORKER_ENV)  # a worker that lives through the outage
    redis_server.stop()
    caplog.set_level(logging.WARNING)

    raw = _work_of_a_busy_minute(login, client, agent, belastingen, backoffice_belastingen)

    # Saved, answered, and the failed hand-over to Redis logged; nothing was sent.
    assert callback_rows().get().sent_at is None
    assert signal_rows().get().sent_at is None
    assert InboundRaw.objects.get(pk=raw.pk).status == InboundStatus.PENDING
    not_queued = [r for r in caplog.records if "not queued" in r.getMessage()]
    assert len(not_queued) == 3, [r.getMessage() for r in caplog.records]  # assignment, signal, acknowledgement
    assert smtp_sink.count() == 0

    redis_server.start()  # empty: the queued work is gone with it
    assert redis_server.queued() == 0
    _sweep_through_the_worker(celery_broker, redis_server)
    wait_until(_everything_delivered, timeout=90, message="the sweeps to deliver everything", details=_state(worker))
    _assert_each_delivered_once(smtp_sink, backoffice_belastingen, belastingen)

    # The next round of sweeps finds nothing to do.
    _sweep_through_the_worker(celery_broker, redis_server)
    wait_until(redis_server.idle, timeout=30, message="the second round to be done")
    _assert_each_delivered_once(smtp_sink, backoffice_belastingen, belastingen)
    assert worker.proc.poll() is None  # the worker reconnected by itself


def test_queued_work_flushed_from_redis_is_delivered_once_by_the_sweeps(
    login, client, agent, belastingen, backoffice_belastingen, inbox_settings,
    celery_broker, redis_server, smtp_sink, start_worker,
):
    raw = _work_of_a_busy_minute(login, client, agent, belastingen, backoffice_belastingen)
    assert redis_server.queued() == 3  # assignment, signal and acknowledgement tasks wait for a worker
    redis_server.flushall()

    worker = start_worker("w1", env=WORKER_ENV)
    _sweep_through_the_worker(celery_broker, redis_server)
    wait_until(_everything_delivered, timeout=90, message="the sweeps to deliver everything", details=_state(worker))
    _assert_each_delivered_once(smtp_sink, backoffice_belastingen, belastingen)
    assert InboundRaw.objects.get(pk=raw.pk).status == InboundStatus.PROCESSED

    _sweep_through_the_worker(celery_broker, redis_server)
    wait_until(redis_server.idle, timeout=30, message="the second round to be done")
    _assert_each_delivered_once(smtp_sink, backoffice_belastingen, belastingen)


def test_a_hung_redis_costs_a_request_seconds_not_forever(login, agent, belastingen, backoffice_belastingen, celery_broker, redis_server):
    """Redis accepts connections but never answers. Without socket timeouts every request
    that queues an e-mail would hang, and soon every web worker with it."""
    client = login(agent)
    outcome = {}

    def make_callback_request():
        started = time.monotonic()
        try:
            outcome["status"] = client.post(reverse("callbacks:create"), {
                "caller_name": "Mevrouw de Wit", "phone": "020 123 4567", "question": "Wil bezwaar maken",
                "target_department": belastingen.pk, "assigned_to": backoffice_belastingen.pk, "priority": "normal", "time_window": "anytime",
            }).status_code
        finally:
            outcome["seconds"] = time.monotonic() - started
            connection.close()

    redis_server.pause()
    request = threading.Thread(target=make_callback_request)
    try:
        request.start()
        request.join(timeout=HUNG_REDIS_BUDGET)
        answered_in_time = not request.is_alive()
    finally:
        redis_server.resume()
        request.join(timeout=60)
    assert answered_in_time, f"the request hung for more than {HUNG_REDIS_BUDGET} s on a hung Redis"
    assert outcome["status"] == 302
    assert callback_rows().get().sent_at is None  # waits in the outbox for the sweep


def test_beat_and_worker_carry_on_by_themselves_after_a_redis_restart(redis_server, start_worker, start_beat):
    """The sweeps above only help if beat still sends them after the outage: beat and the
    worker must survive Redis going away and reconnect without a restart of their own."""
    from kcc.dashboard.models import JobState

    every_second = {"KCC_METRICS_INTERVAL_SECONDS": "1"}  # dashboard.metrics_refresh, by beat
    worker = start_worker("w1", env=every_second)
    beat = start_beat(env=every_second)

    def ran_since(moment):
        return lambda: JobState.objects.filter(last_success_at__gt=moment).exists()

    def logs():
        return f"--- beat\n{beat.log()[-3000:]}\n--- worker\n{worker.log()[-3000:]}"

    wait_until(ran_since(timezone.now()), timeout=60, message="a scheduled run before the outage", details=logs)
    redis_server.stop()
    time.sleep(5)  # beat's sends fail meanwhile; the worker keeps trying to reconnect
    restarted = timezone.now()
    redis_server.start()
    wait_until(ran_since(restarted), timeout=90, message="a scheduled run after the restart", details=logs)
    assert beat.proc.poll() is None and worker.proc.poll() is None
