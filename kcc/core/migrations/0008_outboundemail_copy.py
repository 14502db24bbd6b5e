"""One e-mail outbox: copy the rows of callbacks' CallbackNotification and signals' Notification
into core.OutboundEmail (0007); callbacks 0005 and signalboard 0003 then drop the old tables.

* Sent state is kept (``sent_at``, ``error``, the addresses); a pending row stays pending and the
  outbox sweep sends it.
* Keys keep their uniqueness, prefixed with the app so they cannot collide:
  ``callbacks:<old key>`` and ``signals:<kind>:<signal>:<step>`` (the old unique triple).
* Callback rows keep their ids, so a ``callbacks.notification_send(<id>)`` message still queued in
  Redis during the deploy sends the same row (the task name stays, delegating to the one outbox).
* A row that failed before counts one failed attempt.

Reversible: the reverse moves the rows of both sources back into the recreated old tables (with
their ids, keys without the prefix, and the signal step from the key); the failed-attempt count
is not kept there.
"""

from django.core.management.color import no_style
from django.db import migrations

BATCH = 1000


def _reset_sequence(schema_editor, model) -> None:
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def _content_type(apps, app_label: str, model: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def copy_to_core(apps, schema_editor):
    New = apps.get_model("core", "OutboundEmail")
    OldCallback = apps.get_model("callbacks", "CallbackNotification")
    OldSignal = apps.get_model("signalboard", "Notification")

    if OldCallback.objects.exists():
        callback_type = _content_type(apps, "callbacks", "callbackrequest")
        rows = [
            New(
                id=row.pk, source="callbacks", kind=row.kind, key=f"callbacks:{row.key}"[:200],
                content_type=callback_type if row.callback_id else None, object_id=row.callback_id,
                department_id=row.department_id, recipients=list(row.recipients or []),
                subject=row.subject, body=row.body, created_at=row.created_at, sent_at=row.sent_at,
                error=row.error, attempts=1 if row.error and row.sent_at is None else 0,
            )
            for row in OldCallback.objects.order_by("pk").iterator()
        ]
        New.objects.bulk_create(rows, batch_size=BATCH)
        _reset_sequence(schema_editor, New)

    if OldSignal.objects.exists():
        signal_type = _content_type(apps, "signalboard", "signal")
        rows = [
            New(
                source="signals", kind=row.kind, key=f"signals:{row.kind}:{row.signal_id}:{row.step}",
                content_type=signal_type, object_id=row.signal_id, department_id=row.signal.department_id,
                recipients=[a.strip() for a in row.recipients.split(",") if a.strip()],
                created_at=row.created_at, sent_at=row.sent_at, error=row.error,
                attempts=1 if row.error and row.sent_at is None else 0,
            )
            for row in OldSignal.objects.select_related("signal").order_by("pk").iterator()
        ]
        New.objects.bulk_create(rows, batch_size=BATCH)


def copy_back(apps, schema_editor):
    New = apps.get_model("core", "OutboundEmail")
    OldCallback = apps.get_model("callbacks", "CallbackNotification")
    OldSignal = apps.get_model("signalboard", "Notification")

    callbacks = New.objects.filter(source="callbacks").order_by("pk")
    if callbacks.exists():
        OldCallback.objects.bulk_create(
            (
                OldCallback(
                    id=row.pk, kind=row.kind, key=row.key.removeprefix("callbacks:"), callback_id=row.object_id,
                    department_id=row.department_id, recipients=row.recipients, subject=row.subject, body=row.body,
                    created_at=row.created_at, sent_at=row.sent_at, error=row.error,
                )
                for row in callbacks.iterator()
            ),
            batch_size=BATCH,
        )
        _reset_sequence(schema_editor, OldCallback)

    OldSignal.objects.bulk_create(
        (
            OldSignal(
                kind=row.kind, signal_id=row.object_id, step=int(row.key.rsplit(":", 1)[1]),
                created_at=row.created_at, sent_at=row.sent_at, recipients=", ".join(row.recipients or []), error=row.error,
            )
            for row in New.objects.filter(source="signals", object_id__isnull=False).order_by("pk").iterator()
        ),
        batch_size=BATCH,
    )
    # The rows moved back: core 0007's table is empty again, as before the forward copy (rows of
    # another source, if any app queued some, are dropped with the table by reversing 0007).
    New.objects.filter(source__in=["callbacks", "signals"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0007_outboundemail"),
        ("callbacks", "0004_closureday_moved_to_core"),
        ("signalboard", "0002_evidence_count"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
    ]
