"""The one e-mail outbox delivery, shared by every app that queues e-mails (callbacks, signals).

An app keeps its own outbox table, with its own unique key that makes queuing idempotent
(callbacks: ``key`` per kind, subject and day; signals: kind, signal and step). Each table has
``sent_at`` and ``error``; this module sends their pending rows, each exactly once:

* each row is claimed in its own transaction under a row lock with SKIP LOCKED, so two workers
  never pick the same row, and its ``sent_at`` is committed right after its send: a worker
  killed half-way through a batch leaves the e-mails the mail server already accepted marked as
  sent, and only the one in flight at the moment of the kill can go out again (docs/faults.md);
* a failed send keeps the row pending with its error for the next sweep; the batch moves on;
* the app decides per row what to send, or that it no longer needs sending (``prepare``).

Queuing hands the row to a worker after commit (``enqueue_after_commit``); with the broker down
the row waits in the table and the app's periodic sweep sends it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

ERROR_MAX = 2000


@dataclass(frozen=True)
class OutgoingMail:
    subject: str
    body: str
    recipients: list[str]


# What `prepare` answers for one row: the mail to send, or a reason (text) to close the row
# without sending (e.g. "answered before sending", "no recipients").
Prepared = OutgoingMail | str


def outbox_deliver(
    *,
    queryset: QuerySet,
    prepare: Callable[[object], Prepared],
    now: datetime | None = None,
    limit: int = 200,
    record_recipients: bool = False,
    label: str = "notification",
) -> int:
    """Send the pending rows of `queryset` (oldest first), at most `limit`; returns how many were
    sent. `record_recipients` stores the addresses it went to, comma-separated, in the row's
    ``recipients`` (for outboxes that compute them at send time)."""
    sent = 0
    failed: list[int] = []
    for _attempt in range(limit):
        with transaction.atomic():
            row = (
                queryset.select_for_update(skip_locked=True, of=("self",))
                .filter(sent_at__isnull=True)
                .exclude(pk__in=failed)
                .order_by("pk")
                .first()
            )
            if row is None:
                break
            mail = prepare(row)
            moment = now or timezone.now()
            if isinstance(mail, str):
                row.sent_at, row.error = moment, mail
                row.save(update_fields=["sent_at", "error"])
                continue
            try:
                EmailMessage(
                    subject=mail.subject, body=mail.body, from_email=settings.DEFAULT_FROM_EMAIL, to=mail.recipients,
                ).send()
            except Exception as exc:  # noqa: BLE001 - SMTP errors vary; recorded and retried by the next sweep
                # The type only: SMTP errors quote addresses.
                logger.warning("%s %s not sent: %s", label, row.pk, type(exc).__name__)
                failed.append(row.pk)
                row.error = str(exc)[:ERROR_MAX]
                row.save(update_fields=["error"])
                continue
            row.sent_at, row.error = moment, ""
            fields = ["sent_at", "error"]
            if record_recipients:
                row.recipients = ", ".join(mail.recipients)
                fields.append("recipients")
            row.save(update_fields=fields)
            sent += 1
    return sent


def enqueue_after_commit(task, *args, label: str) -> None:
    """After commit, hand the outbox to a worker (`task.delay(*args)`). The outbox row is the
    truth: a broker that is down (or loses the job later) costs a delay, not the e-mail, because
    the app's sweep sends it. The request that queued it never fails over it."""

    def enqueue():
        try:
            task.delay(*args)
        except Exception as exc:  # noqa: BLE001 - broker unavailable; logged, the sweep sends it
            logger.warning("%s not queued (%s: %s); the outbox sweep will send it", label, exc.__class__.__name__, exc)

    transaction.on_commit(enqueue)
