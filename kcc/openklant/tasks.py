from celery import shared_task


@shared_task(name="openklant.send_item", bind=True, ignore_result=True, acks_late=True, max_retries=8)
def sync_item_send_task(self, pk: int) -> None:
    """Send one Open Klant outbox item (queued after commit). Safe to run twice: the item is
    locked and checked to be pending; a retryable failure is retried with the item's backoff,
    and after ``max_retries`` the periodic sweep takes over (the row is the truth)."""
    from .models import SyncItem
    from .services import Outcome, sync_item_send

    if sync_item_send(pk=pk) in (Outcome.RETRY, Outcome.DOWN):
        item = SyncItem.objects.only("next_attempt_at").get(pk=pk)
        from django.utils import timezone

        # Capped well below the broker's visibility timeout; later attempts are the sweep's.
        countdown = min(300, max(1, (item.next_attempt_at - timezone.now()).total_seconds()))
        raise self.retry(countdown=countdown)


@shared_task(name="openklant.deliver_due", ignore_result=True, acks_late=True)
def sync_deliver_due_task() -> None:
    """Beat: send the due pending items (register was down, broker lost a job, backoff over)."""
    from .services import sync_deliver_due, sync_enabled

    if sync_enabled():
        sync_deliver_due()
