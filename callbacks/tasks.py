"""Celery tasks: thin wrappers that call one service each. The schedule is in
kcc/settings/beat.py."""

from celery import shared_task


@shared_task(name="callbacks.notification_send", ignore_result=True, acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def notification_send_task(notification_id: int) -> None:
    """Kept for messages queued before the one outbox (core.outbox_send): sends the row with
    this id (the rows kept their ids). Safe to run twice: `sent_at` is checked and set under a
    row lock."""
    from .services import notification_send

    notification_send(notification_id=notification_id)


@shared_task(name="callbacks.notification_send_pending", ignore_result=True, acks_late=True)
def notification_send_pending_task() -> None:
    """Kept for messages queued before the one outbox; beat now runs core.outbox_deliver_pending.
    Retries callback e-mails that were not sent (SMTP outage, lost worker)."""
    from .services import notification_send_pending

    notification_send_pending()


@shared_task(name="callbacks.daily_sweep", ignore_result=True, acks_late=True)
def daily_sweep_task() -> None:
    """Mark overdue callbacks, escalate to managers, send the departments' digests. Idempotent:
    a second run the same day sends nothing (state flags plus unique outbox keys)."""
    from .services import callback_daily_sweep

    callback_daily_sweep()
