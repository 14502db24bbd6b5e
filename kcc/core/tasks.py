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
