"""The one outbox delivery (kcc.core.outbox), used by the callback and the signal e-mails alike:
each pending row is sent once, a failed send stays pending with its error while the batch goes
on, and an app can close a row without sending."""

import pytest
from django.core.mail import EmailMessage

from callbacks.constants import NotificationKind
from callbacks.models import CallbackNotification
from kcc.core.outbox import OutgoingMail, enqueue_after_commit, outbox_deliver

pytestmark = pytest.mark.django_db


def _row(n: int, **extra) -> CallbackNotification:
    return CallbackNotification.objects.create(
        kind=NotificationKind.DIGEST, key=f"outbox-test:{n}", recipients=[f"afdeling{n}@voorbeeldstad.nl"],
        subject=f"Onderwerp {n}", body="Tekst", **extra,
    )


def _as_stored(row) -> OutgoingMail:
    return OutgoingMail(subject=row.subject, body=row.body, recipients=row.recipients)


def test_each_pending_row_is_sent_once(mailoutbox):
    rows = [_row(n) for n in range(3)]
    assert outbox_deliver(queryset=CallbackNotification.objects.all(), prepare=_as_stored) == 3
    assert outbox_deliver(queryset=CallbackNotification.objects.all(), prepare=_as_stored) == 0
    assert sorted(m.subject for m in mailoutbox) == ["Onderwerp 0", "Onderwerp 1", "Onderwerp 2"]
    assert all(r.sent_at is not None for r in CallbackNotification.objects.filter(pk__in=[r.pk for r in rows]))


def test_a_failed_send_stays_pending_and_the_batch_goes_on(mailoutbox, monkeypatch):
    _row(1), _row(2)
    real_send = EmailMessage.send

    def flaky(self, *args, **kwargs):
        if self.subject == "Onderwerp 1":
            raise ConnectionRefusedError("SMTP down")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    assert outbox_deliver(queryset=CallbackNotification.objects.all(), prepare=_as_stored) == 1
    failed = CallbackNotification.objects.get(key="outbox-test:1")
    assert failed.sent_at is None and "SMTP down" in failed.error
    assert [m.subject for m in mailoutbox] == ["Onderwerp 2"]

    monkeypatch.setattr(EmailMessage, "send", real_send)
    assert outbox_deliver(queryset=CallbackNotification.objects.all(), prepare=_as_stored) == 1
    failed.refresh_from_db()
    assert failed.sent_at is not None and failed.error == ""


def test_a_row_the_app_no_longer_wants_is_closed_without_sending(mailoutbox):
    _row(1)
    assert outbox_deliver(queryset=CallbackNotification.objects.all(), prepare=lambda row: "answered before sending") == 0
    row = CallbackNotification.objects.get()
    assert row.sent_at is not None and row.error == "answered before sending"
    assert mailoutbox == []


def test_callbacks_and_signals_both_deliver_through_the_one_outbox(monkeypatch):
    """Both apps' delivery services are the shared one (no copy of the send loop left)."""
    import callbacks.services
    import signals.services

    calls = []

    def spy(**kwargs):
        calls.append(kwargs["queryset"].model._meta.label)
        return 0

    monkeypatch.setattr(callbacks.services, "outbox_deliver", spy)
    monkeypatch.setattr(signals.services, "outbox_deliver", spy)
    callbacks.services.notification_send_pending()
    signals.services.notification_deliver_pending()
    assert calls == ["callbacks.CallbackNotification", "signalboard.Notification"]


def test_a_broker_that_is_down_does_not_fail_the_request(caplog, django_capture_on_commit_callbacks):
    class DownTask:
        def delay(self, *args):
            raise ConnectionRefusedError("broker down")

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_after_commit(DownTask(), 1, label="test notification 1")
    assert any("test notification 1 not queued" in r.getMessage() for r in caplog.records)
