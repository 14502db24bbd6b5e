"""Backfill: push every existing customer, contact, callback and attempt to the register.

Per kind, in id order (customers first: contacts point at their party), each batch is queued
as outbox items *and* the kind's cursor is moved in one transaction, then the items are sent
right away. An interrupted run resumes after the cursor; items queued but not yet sent are
sent by the resumed run (or by the worker's sweep). Sending uses the outbox's rules (retry,
failed list) and its idempotency, so a backfill over objects that were already sent creates
nothing twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import transaction

from callbacks.models import CallbackAttempt, CallbackRequest
from channels.constants import ContactStatus
from channels.models import Contact
from kcc.core.models import Customer

from .client import KlantinteractiesClient
from .constants import SyncKind, SyncStatus
from .models import BackfillCursor, SyncItem
from .services import KIND_ORDER, Outcome, sync_item_send

QUERYSETS = {
    SyncKind.CUSTOMER: lambda: Customer.objects.filter(erased_at__isnull=True, restricted_at__isnull=True),
    SyncKind.CONTACT: lambda: Contact.objects.filter(status=ContactStatus.CLOSED),
    SyncKind.CALLBACK: lambda: CallbackRequest.objects.filter(source_contact__isnull=False),
    SyncKind.ATTEMPT: lambda: CallbackAttempt.objects.filter(callback__source_contact__isnull=False),
}


class RegisterDown(Exception):
    pass


def backfill_total(kinds=KIND_ORDER) -> int:
    total = 0
    for kind in kinds:
        cursor = BackfillCursor.objects.filter(kind=kind).values_list("last_id", flat=True).first() or 0
        total += QUERYSETS[kind]().filter(pk__gt=cursor).count()
    return total


def backfill_run(
    *, kinds=KIND_ORDER, batch: int = 200, client: KlantinteractiesClient | None = None,
    progress: Callable[[str, int], None] = lambda kind, n: None, limit: int | None = None,
) -> dict[str, int]:
    """Queue and send everything after each kind's cursor. Stops with RegisterDown when the
    register keeps failing (the queued items wait for the sweep; a rerun resumes)."""
    client = client or KlantinteractiesClient()
    counts: dict[str, int] = {}
    # Items a previous, interrupted run queued but did not send.
    leftovers = list(SyncItem.objects.filter(status=SyncStatus.PENDING).order_by("pk").values_list("pk", flat=True))
    for pk in leftovers:
        _send(pk, client, counts)
    done = 0
    for kind in kinds:
        while limit is None or done < limit:
            with transaction.atomic():
                cursor, _ = BackfillCursor.objects.select_for_update().get_or_create(kind=kind)
                ids = list(QUERYSETS[kind]().filter(pk__gt=cursor.last_id).order_by("pk").values_list("pk", flat=True)[:batch])
                if not ids:
                    break
                items = SyncItem.objects.bulk_create([SyncItem(kind=kind, object_id=i) for i in ids])
                cursor.last_id = ids[-1]
                cursor.save(update_fields=["last_id", "updated_at"])
            for item in items:
                _send(item.pk, client, counts)
                progress(kind, 1)
            done += len(ids)
    return counts


def _send(pk: int, client, counts: dict[str, int]) -> None:
    for attempt in range(3):
        outcome = sync_item_send(pk=pk, client=client, force=True)
        if outcome != Outcome.DOWN:
            counts[outcome] = counts.get(outcome, 0) + 1
            return
        time.sleep(0.5 * 2**attempt)
    raise RegisterDown
