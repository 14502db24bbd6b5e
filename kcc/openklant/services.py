"""The Open Klant outbox: queuing a change (in the caller's transaction) and sending it.

Delivery rules (docs/integrations.md "Open Klant"):
* 5xx, a timeout, an unreachable register, 401/403/408/429 and a response that breaks the
  contract are retried with exponential backoff (``KCC_OPENKLANT_RETRY_SECONDS`` doubled per
  attempt, at most an hour apart). A 5xx or timeout is retried for ever: nothing is lost while
  the register is down. The other retryable errors give up after ``KCC_OPENKLANT_MAX_ATTEMPTS``.
* a 400 (and 404, 405, 410, 422) or a request our own code made against the spec is final:
  the item goes to the failed list with the register's reason and is never retried by itself.
  An administrator can queue it again after fixing the cause (admin action).
* a 409 (conflict) is retried: the next attempt looks the object up before creating it, so a
  create that collided with an earlier one adopts that one.
"""

from __future__ import annotations

import logging
import zlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .client import ApiError, KlantinteractiesClient
from .constants import SyncKind, SyncStatus
from .models import SyncItem
from .sync import Skip, push

logger = logging.getLogger(__name__)

FINAL_CLIENT_STATUSES = frozenset({400, 404, 405, 410, 422})
# "open": the circuit breaker (kcc/commonground/breaker.py) holds the request back because the
# register timed out moments ago: the register is down, not the item wrong.
RETRY_FOREVER_KINDS = frozenset({"server", "timeout", "unreachable", "open"})
BACKOFF_CAP = timedelta(hours=1)


class Outcome:
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    DOWN = "down"  # retried: the register answered 5xx, timed out or was unreachable
    FAILED = "failed"
    BUSY = "busy"  # another worker has it, or it is not due


def sync_enabled() -> bool:
    return bool(settings.KCC_OPENKLANT_URL)


def sync_item_queue(*, kind: str, object_id: int) -> SyncItem:
    """Put a change in the outbox, in the caller's transaction (the change and its outbox row
    commit or roll back together), and hand it to a worker after commit. The broker being down
    delays the send until the sweep (``openklant.deliver_due``), it never loses it."""
    from kcc.core.outbox import enqueue_after_commit

    from .tasks import sync_item_send_task

    item = SyncItem.objects.create(kind=kind, object_id=object_id)
    enqueue_after_commit(sync_item_send_task, item.pk, label=f"Open Klant item {item.pk}")
    return item


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_CAP, timedelta(seconds=settings.KCC_OPENKLANT_RETRY_SECONDS * 2 ** max(0, attempts - 1)))


def _object_lock(kind: str, object_id: int) -> None:
    """One sender per local object at a time (PostgreSQL advisory lock until commit): two
    workers pushing the same object could both miss it in the register and both create it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x4B4C, zlib.crc32(f"{kind}:{object_id}".encode()) - 2**31])


def _is_final(exc: ApiError, attempts: int) -> bool:
    if exc.kind == "request":
        return True
    if exc.kind == "client" and exc.status in FINAL_CLIENT_STATUSES:
        return True
    if exc.kind in RETRY_FOREVER_KINDS:
        return False
    return attempts >= settings.KCC_OPENKLANT_MAX_ATTEMPTS


def _reason(exc: ApiError) -> str:
    if exc.kind == "request":
        # The validation message quotes the request body: personal data stays out of the list.
        return "request broke the Klantinteracties specification (a bug in the mapping)"
    return " ".join(x for x in (exc.kind, str(exc.status or ""), exc.detail) if x)[:2000]


def sync_item_send(*, pk: int, client: KlantinteractiesClient | None = None, now: datetime | None = None, force: bool = False) -> str:
    """Send one outbox item: the *current* state of its object, with every request validated
    against the spec.

    Idempotent and safe against concurrency and kills:
    * the item is locked with SKIP LOCKED and checked to be pending (and due, unless ``force``);
    * the other pending items of the same object that are visible *before* the object is read
      are locked too and closed with it: their change is in what is read;
    * the UUIDs the register hands out are stored in this same transaction, and the sync looks
      every object up by a stable identifier before creating it (kcc/openklant/sync.py), so a
      worker killed between the register's answer and this commit causes no duplicate;
    * a failure still commits the UUIDs stored so far, with the error and the next attempt.
    """
    moment = now or timezone.now()
    with transaction.atomic():
        qs = SyncItem.objects.select_for_update(skip_locked=True).filter(pk=pk, status=SyncStatus.PENDING)
        if not force:
            qs = qs.filter(next_attempt_at__lte=moment)
        item = qs.first()
        if item is None:
            return Outcome.BUSY
        _object_lock(item.kind, item.object_id)
        siblings = list(
            SyncItem.objects.select_for_update(skip_locked=True)
            .filter(kind=item.kind, object_id=item.object_id, status=SyncStatus.PENDING)
            .exclude(pk=item.pk).values_list("pk", flat=True)
        )
        client = client or KlantinteractiesClient()
        try:
            push(item.kind, item.object_id, client)
        except Skip as skip:
            SyncItem.objects.filter(pk__in=[item.pk, *siblings]).update(status=SyncStatus.SENT, sent_at=moment, error=f"not sent: {skip}")
            return Outcome.SKIPPED
        except ApiError as exc:
            item.attempts += 1
            item.error = _reason(exc)
            # The siblings hold the same object: they share the outcome.
            same = SyncItem.objects.filter(pk__in=[item.pk, *siblings])
            if _is_final(exc, item.attempts):
                logger.warning("Open Klant item %s failed for good: %s %s", item.pk, exc.kind, exc.status or "")
                same.update(status=SyncStatus.FAILED, attempts=item.attempts, error=item.error)
                return Outcome.FAILED
            logger.info("Open Klant item %s will be retried: %s %s", item.pk, exc.kind, exc.status or "")
            same.update(attempts=item.attempts, error=item.error, next_attempt_at=moment + backoff(item.attempts))
            return Outcome.DOWN if exc.kind in RETRY_FOREVER_KINDS else Outcome.RETRY
        SyncItem.objects.filter(pk__in=[item.pk, *siblings]).update(status=SyncStatus.SENT, sent_at=moment, error="")
        return Outcome.SENT


def sync_deliver_due(*, now: datetime | None = None, limit: int = 500, client: KlantinteractiesClient | None = None) -> dict[str, int]:
    """The sweep: send due pending items, oldest first. Stops early when the register is down
    (a server error or timeout): the rest waits for its backoff instead of each item costing
    a timeout now."""
    counts: dict[str, int] = {}
    client = client or KlantinteractiesClient()
    tried: list[int] = []
    for _ in range(limit):
        moment = now or timezone.now()
        pk = (
            SyncItem.objects.due(moment).exclude(pk__in=tried)
            .order_by("next_attempt_at", "pk").values_list("pk", flat=True).first()
        )
        if pk is None:
            break
        tried.append(pk)
        outcome = sync_item_send(pk=pk, client=client, now=moment)
        counts[outcome] = counts.get(outcome, 0) + 1
        if outcome == Outcome.DOWN:
            break
    return counts


def sync_item_retry(*, pk: int) -> None:
    """Queue a failed item again (after its cause was fixed), from the admin."""
    with transaction.atomic():
        item = SyncItem.objects.select_for_update().get(pk=pk)
        if item.status != SyncStatus.FAILED:
            return
        item.status, item.attempts, item.next_attempt_at = SyncStatus.PENDING, 0, timezone.now()
        item.save(update_fields=["status", "attempts", "next_attempt_at"])


KIND_ORDER = (SyncKind.CUSTOMER, SyncKind.CONTACT, SyncKind.CALLBACK, SyncKind.ATTEMPT)
