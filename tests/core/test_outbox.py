"""The one e-mail outbox (core.OutboundEmail, kcc.core.outbox), used by the callback and the
signal e-mails alike: each pending row is sent once, a failed send stays pending with its error
(and a failed attempt counted) while the batch goes on, an app can close a row without sending,
and queuing is idempotent per key, with each app's keys apart."""

from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone

from callbacks.constants import NotificationKind
from kcc.core.models import OutboundEmail
from kcc.core.outbox import (
    OutgoingMail,
    enqueue_after_commit,
    outbox_deliver,
    outbox_key,
    outbox_queue,
)

pytestmark = pytest.mark.django_db


def _row(n: int, **extra) -> OutboundEmail:
    return OutboundEmail.objects.create(
        source="callbacks", kind=NotificationKind.DIGEST, key=f"outbox-test:{n}", recipients=[f"afdeling{n}@voorbeeldstad.nl"],
        subject=f"Onderwerp {n}", body="Tekst", **extra,
    )


def _as_stored(row, *, now=None) -> OutgoingMail:
    return OutgoingMail(subject=row.subject, body=row.body, recipients=row.recipients)


def test_each_pending_row_is_sent_once(mailoutbox):
    rows = [_row(n) for n in range(3)]
    assert outbox_deliver(queryset=OutboundEmail.objects.all(), prepare=_as_stored) == 3
    assert outbox_deliver(queryset=OutboundEmail.objects.all(), prepare=_as_stored) == 0
    assert sorted(m.subject for m in mailoutbox) == ["Onderwerp 0", "Onderwerp 1", "Onderwerp 2"]
    assert all(r.sent_at is not None for r in OutboundEmail.objects.filter(pk__in=[r.pk for r in rows]))


def test_a_failed_send_stays_pending_and_the_batch_goes_on(mailoutbox, monkeypatch):
    _row(1), _row(2)
    real_send = EmailMessage.send

    def flaky(self, *args, **kwargs):
        if self.subject == "Onderwerp 1":
            raise ConnectionRefusedError("SMTP down")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    assert outbox_deliver(queryset=OutboundEmail.objects.all(), prepare=_as_stored) == 1
    failed = OutboundEmail.objects.get(key="outbox-test:1")
    assert failed.sent_at is None and "SMTP down" in failed.error and failed.attempts == 1
    assert [m.subject for m in mailoutbox] == ["Onderwerp 2"]

    monkeypatch.setattr(EmailMessage, "send", real_send)
    assert outbox_deliver(queryset=OutboundEmail.objects.all(), prepare=_as_stored) == 1
    failed.refresh_from_db()
    assert failed.sent_at is not None and failed.error == ""


def test_a_row_the_app_no_longer_wants_is_closed_without_sending(mailoutbox):
    _row(1)
    assert outbox_deliver(queryset=OutboundEmail.objects.all(), prepare=lambda row, now: "answered before sending") == 0
    row = OutboundEmail.objects.get()
    assert row.sent_at is not None and row.error == "answered before sending"
    assert mailoutbox == []


def test_callbacks_and_signals_both_deliver_through_the_one_outbox(monkeypatch):
    """Both apps' delivery services are the shared one, on the one table (no copy left)."""
    import kcc.core.outbox

    calls = []

    def spy(**kwargs):
        calls.append((kwargs["queryset"].model._meta.label, sorted(kwargs["queryset"].values_list("source", flat=True))))
        return 0

    OutboundEmail.objects.create(source="callbacks", kind="digest", key="callbacks:x")
    OutboundEmail.objects.create(source="signals", kind="new_signal", key="signals:x")
    monkeypatch.setattr(kcc.core.outbox, "outbox_deliver", spy)
    import callbacks.services
    import signals.services

    callbacks.services.notification_send_pending(older_than=timedelta(0))
    signals.services.notification_deliver_pending()
    assert calls == [("core.OutboundEmail", ["callbacks"]), ("core.OutboundEmail", ["signals"])]


def test_the_same_key_from_two_apps_makes_two_rows_and_each_once(django_capture_on_commit_callbacks):
    """Queuing is idempotent per key, and the key starts with the app: callbacks and signals can
    use the same key text without one swallowing the other's e-mail."""
    with django_capture_on_commit_callbacks(execute=False):
        first = outbox_queue(source="callbacks", kind="digest", key=outbox_key("callbacks", "digest", 7, 1), subject="A")
        other_app = outbox_queue(source="signals", kind="digest", key=outbox_key("signals", "digest", 7, 1), subject="B")
        again = outbox_queue(source="callbacks", kind="digest", key=outbox_key("callbacks", "digest", 7, 1), subject="A")
        again_other = outbox_queue(source="signals", kind="digest", key=outbox_key("signals", "digest", 7, 1), subject="B")
    assert first is not None and other_app is not None
    assert again is None and again_other is None
    assert sorted(OutboundEmail.objects.values_list("key", flat=True)) == ["callbacks:digest:7:1", "signals:digest:7:1"]


def test_one_sweep_sends_each_app_its_own_way(mailoutbox, belastingen):
    """The beat's one delivery task sends rows of both apps through their registered `prepare`
    (callbacks: as stored; signals: rendered at send time, addresses recorded); a row of an app
    that is not installed is closed, not retried for ever."""
    from kcc.core.tasks import outbox_deliver_pending_task
    from signals import services as signal_services
    from signals.constants import NotificationKind as SignalKind
    from tests.signals.factories import SignalFactory

    belastingen.email = "belastingen@voorbeeldstad.example"
    belastingen.save()
    signal = SignalFactory(department=belastingen, title="Lantaarnpaal stuk")
    old = timezone.now() - timedelta(minutes=10)
    stored = _row(1, created_at=old)
    signal_services._notification_row(SignalKind.NEW_SIGNAL, signal.pk, created_at=old).save()
    orphan = OutboundEmail.objects.create(source="retired_app", kind="x", key="retired_app:x", created_at=old)
    fresh = _row(2)  # queued a minute ago: its own task sends it, the sweep leaves it

    outbox_deliver_pending_task()

    assert sorted(m.subject for m in mailoutbox) == ["Nieuw signaal voor Belastingen: Lantaarnpaal stuk", "Onderwerp 1"]
    signal_row = OutboundEmail.objects.get(signal=signal)
    assert signal_row.sent_at is not None and signal_row.recipients == ["belastingen@voorbeeldstad.example"]
    stored.refresh_from_db(), orphan.refresh_from_db(), fresh.refresh_from_db()
    assert stored.sent_at is not None
    assert orphan.sent_at is not None and "no sender" in orphan.error
    assert fresh.sent_at is None


def test_old_task_names_still_deliver_through_the_one_outbox(mailoutbox):
    """Messages already queued in Redis during the deploy carry the old task names: they still
    exist and send the same rows (callback rows kept their ids in the migration)."""
    from callbacks.tasks import notification_send_pending_task, notification_send_task
    from kcc.celery import app
    from signals.tasks import signal_notifications_deliver

    app.loader.import_default_modules()
    for name in ("callbacks.notification_send", "callbacks.notification_send_pending", "signals.notifications_deliver"):
        assert name in app.tasks
    row = _row(1)
    notification_send_task(row.pk)
    notification_send_task(row.pk)
    assert [m.subject for m in mailoutbox] == ["Onderwerp 1"]
    _row(2, created_at=timezone.now() - timedelta(minutes=10))
    notification_send_pending_task()
    signal_notifications_deliver()
    assert [m.subject for m in mailoutbox] == ["Onderwerp 1", "Onderwerp 2"]


def test_the_beat_schedule_has_one_outbox_delivery_task():
    from django.conf import settings

    from kcc.celery import app

    app.loader.import_default_modules()
    tasks = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert tasks.count("core.outbox_deliver_pending") == 1 and "core.outbox_deliver_pending" in app.tasks
    assert not {"callbacks.notification_send_pending", "signals.notifications_deliver"} & set(tasks)


def test_an_e_mail_goes_with_the_callback_it_is_about():
    """The generic relation keeps the old cascade: deleting a callback deletes its e-mails."""
    from tests.callbacks.factories import CallbackFactory

    callback = CallbackFactory()
    outbox_queue(source="callbacks", kind="assigned", key="callbacks:assigned:t", target=callback)
    digest = outbox_queue(source="callbacks", kind="digest", key="callbacks:digest:t")
    assert OutboundEmail.objects.filter(callback=callback).count() == 1
    callback.delete()
    assert list(OutboundEmail.objects.values_list("pk", flat=True)) == [digest.pk]


def test_a_broker_that_is_down_does_not_fail_the_request(caplog, django_capture_on_commit_callbacks):
    class DownTask:
        def delay(self, *args):
            raise ConnectionRefusedError("broker down")

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_after_commit(DownTask(), 1, label="test notification 1")
    assert any("test notification 1 not queued" in r.getMessage() for r in caplog.records)
