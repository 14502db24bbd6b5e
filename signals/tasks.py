"""Celery tasks of the signals board. Thin: they call one service each."""

from celery import shared_task


@shared_task(name="signals.ack_sweep", ignore_result=True, acks_late=True)
def signal_ack_sweep() -> None:
    """Beat: remind departments that have not acknowledged a signal in time, then escalate to
    their managers. Idempotent (outbox rows unique per kind, signal and step)."""
    from .services import signal_ack_sweep as sweep

    sweep()


@shared_task(name="signals.notifications_deliver", ignore_result=True, acks_late=True)
def signal_notifications_deliver() -> None:
    """Kept for messages queued before the one outbox (now core.outbox_send per row, and beat's
    core.outbox_deliver_pending): sends the pending signal e-mails."""
    from .services import notification_deliver_pending

    notification_deliver_pending()
