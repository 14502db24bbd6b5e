"""The two e-mail outboxes (callbacks.CallbackNotification, signalboard.Notification) became one
(core.OutboundEmail) with a data migration: every row is copied with its sent state, its key
(prefixed with the app) and, for callbacks, its id; the old tables are gone. The reverse copies
the rows back."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("core", "0007_outboundemail"), ("callbacks", "0004_closureday_moved_to_core"), ("signalboard", "0002_evidence_count")]
AFTER = [("core", "0008_outboundemail_copy"), ("callbacks", "0005_outbox_moved_to_core"), ("signalboard", "0003_outbox_moved_to_core")]

SENT = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
QUEUED = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _seed_old_rows(old_apps, callback, signal):
    OldCallback = old_apps.get_model("callbacks", "CallbackNotification")
    OldSignal = old_apps.get_model("signalboard", "Notification")
    department_id = callback.target_department_id
    OldCallback.objects.create(
        id=41, kind="assigned", key=f"assigned:{callback.pk}:1", callback_id=callback.pk, department_id=department_id,
        recipients=["a@voorbeeldstad.example"], subject="Toegewezen", body="Tekst", created_at=QUEUED, sent_at=SENT,
    )
    OldCallback.objects.create(
        id=42, kind="digest", key=f"digest:{department_id}:2026-03-02", department_id=department_id,
        recipients=["afdeling@voorbeeldstad.example"], subject="Overzicht", body="Lijst", created_at=QUEUED, error="SMTP down",
    )
    # Same text after the app prefix would collide without it: 'ack_reminder:<id>:1' in both apps.
    OldCallback.objects.create(
        id=43, kind="escalation", key=f"ack_reminder:{signal.pk}:1", recipients=["m@voorbeeldstad.example"],
        subject="Escalatie", body="Tekst", created_at=QUEUED,
    )
    OldSignal.objects.create(kind="ack_reminder", signal_id=signal.pk, step=1, created_at=QUEUED, sent_at=SENT, recipients="x@voorbeeldstad.example, y@voorbeeldstad.example")
    OldSignal.objects.create(kind="ack_escalation", signal_id=signal.pk, step=2, created_at=QUEUED)


@pytest.mark.django_db(transaction=True)
def test_both_outboxes_are_copied_into_the_one_and_back():
    from tests.callbacks.factories import CallbackFactory
    from tests.signals.factories import SignalFactory

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        callback = CallbackFactory()
        signal = SignalFactory()
        _seed_old_rows(_migrate(BEFORE), callback, signal)

        new_apps = _migrate(AFTER)
        New = new_apps.get_model("core", "OutboundEmail")
        rows = {r.key: r for r in New.objects.all()}
        department_id = callback.target_department_id
        assert set(rows) == {
            f"callbacks:assigned:{callback.pk}:1", f"callbacks:digest:{department_id}:2026-03-02",
            f"callbacks:ack_reminder:{signal.pk}:1", f"signals:ack_reminder:{signal.pk}:1", f"signals:ack_escalation:{signal.pk}:2",
        }
        assigned = rows[f"callbacks:assigned:{callback.pk}:1"]
        assert (assigned.pk, assigned.source, assigned.kind, assigned.sent_at, assigned.object_id) == (41, "callbacks", "assigned", SENT, callback.pk)
        assert assigned.content_type.model == "callbackrequest" and assigned.recipients == ["a@voorbeeldstad.example"]
        digest = rows[f"callbacks:digest:{department_id}:2026-03-02"]
        assert (digest.pk, digest.sent_at, digest.error, digest.attempts, digest.object_id) == (42, None, "SMTP down", 1, None)
        assert digest.subject == "Overzicht" and digest.body == "Lijst" and digest.department_id == department_id
        reminder = rows[f"signals:ack_reminder:{signal.pk}:1"]
        assert (reminder.source, reminder.sent_at, reminder.object_id, reminder.department_id) == ("signals", SENT, signal.pk, signal.department_id)
        assert reminder.content_type.model == "signal"
        assert reminder.recipients == ["x@voorbeeldstad.example", "y@voorbeeldstad.example"]
        assert rows[f"signals:ack_escalation:{signal.pk}:2"].sent_at is None
        # New rows continue after the copied ids.
        after = New.objects.create(source="callbacks", kind="digest", key="callbacks:after")
        assert after.pk > max(r.pk for r in rows.values())
        tables = connection.introspection.table_names()
        assert "callbacks_callbacknotification" not in tables and "signalboard_notification" not in tables

        old_apps = _migrate(BEFORE)
        OldCallback = old_apps.get_model("callbacks", "CallbackNotification")
        OldSignal = old_apps.get_model("signalboard", "Notification")
        assert sorted(OldCallback.objects.values_list("pk", "key", "sent_at")) == [
            (41, f"assigned:{callback.pk}:1", SENT), (42, f"digest:{department_id}:2026-03-02", None),
            (43, f"ack_reminder:{signal.pk}:1", None), (after.pk, "after", None),
        ]
        assert sorted(OldSignal.objects.values_list("kind", "step", "sent_at", "recipients")) == [
            ("ack_escalation", 2, None, ""), ("ack_reminder", 1, SENT, "x@voorbeeldstad.example, y@voorbeeldstad.example"),
        ]
    finally:
        _migrate(latest)
