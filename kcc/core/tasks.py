from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "kcc:worker:heartbeat"


@shared_task(ignore_result=True)
def worker_heartbeat() -> None:
    """Record that a worker is alive and consuming the queue (beat sends it every minute).

    The health page reads the key; a stale value means no worker is processing jobs.
    """
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=15 * 60)


@shared_task(name="core.outbox_send", ignore_result=True, acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def outbox_send_task(pk: int) -> None:
    """Send one outbox e-mail (queued after commit). Safe to run twice: `sent_at` is checked and
    set under a row lock."""
    from .outbox import outbox_send

    outbox_send(pk=pk)


@shared_task(name="core.outbox_deliver_pending", ignore_result=True, acks_late=True)
def outbox_deliver_pending_task() -> None:
    """Beat: send outbox e-mails still pending after five minutes (SMTP outage, broker down when
    they were queued, lost worker)."""
    from datetime import timedelta

    from .outbox import outbox_deliver_pending

    outbox_deliver_pending(older_than=timedelta(minutes=5))
