"""The one e-mail outbox (``core.OutboundEmail``) and its delivery, shared by every app that
queues e-mails (callbacks, signals).

Each row has a unique ``key`` that starts with its app (``source``): queuing the same e-mail twice
creates one row (``outbox_queue``, or ``bulk_create(ignore_conflicts=True)``). An app registers
how to send its rows (``register_source`` in its ``AppConfig.ready``: core imports no app); the
``prepare`` callable decides per row what to send, or that it no longer needs sending. This
module sends pending rows, each exactly once:

* each row is claimed in its own transaction under a row lock with SKIP LOCKED, so two workers
  never pick the same row, and its ``sent_at`` is committed right after its send: a worker
  killed half-way through a batch leaves the e-mails the mail server already accepted marked as
  sent, and only the one in flight at the moment of the kill can go out again (docs/faults.md);
* a failed send keeps the row pending with its error (and ``attempts`` + 1) for the next sweep;
  the batch moves on.

Queuing hands the row to a worker after commit (``enqueue_after_commit``, task ``core.outbox_send``);
with the broker down the row waits in the table and the periodic sweep
(``core.outbox_deliver_pending``, kcc/settings/beat.py) sends it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Model, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

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

# source (app label) -> dotted path of its `prepare(row, *, now) -> Prepared` (imported when used).
_SOURCES: dict[str, str] = {}


def register_source(source: str, prepare: str) -> None:
    """An app declares how its outbox rows are sent: `prepare` is the dotted path of a callable
    `prepare(row, *, now)` returning an `OutgoingMail` or a reason (text) to close the row unsent."""
    _SOURCES[source] = prepare


def registered_sources() -> tuple[str, ...]:
    return tuple(_SOURCES)


def _prepare(row, *, now: datetime) -> Prepared:
    path = _SOURCES.get(row.source)
    if path is None:
        # Rows of an app that is not installed (any more) are closed, not retried for ever.
        return f"no sender for source {row.source!r}"
    return import_string(path)(row, now=now)


def _model():
    from .models import OutboundEmail

    return OutboundEmail


def outbox_key(source: str, *parts) -> str:
    """The unique key of an e-mail: its app first, so two apps' keys never collide."""
    return ":".join([source, *(str(p) for p in parts)])[:200]


def outbox_queue(
    *, source: str, kind: str, key: str, target: Model | None = None, department=None,
    recipients: list[str] | None = None, subject: str = "", body: str = "",
):
    """Put an e-mail in the outbox once per `key` (see `outbox_key`) and send it after commit.

    Returns the new row, or None when the key was already used (a re-run of a sweep, another
    worker first). The savepoint keeps the caller's transaction usable after the conflict."""
    OutboundEmail = _model()
    try:
        with transaction.atomic():
            row = OutboundEmail.objects.create(
                source=source, kind=kind, key=key[:200], target=target, department=department,
                recipients=recipients or [], subject=subject[:255], body=body,
            )
    except IntegrityError:
        return None
    from .tasks import outbox_send_task

    enqueue_after_commit(outbox_send_task, row.pk, label=f"outgoing e-mail {row.pk}")
    return row


def outbox_send(*, pk: int, now: datetime | None = None) -> bool:
    """Send one row (the task queued after commit). Idempotent: the row is locked (skip_locked,
    so two workers never both send it) and `sent_at` is checked and set in the same transaction."""
    return outbox_deliver(queryset=_model().objects.filter(pk=pk), now=now, limit=1) == 1


def outbox_deliver_pending(
    *, source: str | None = None, older_than: timedelta | None = None, now: datetime | None = None, limit: int = 500,
) -> int:
    """The sweep: send pending rows (of one `source`, or all), only those queued more than
    `older_than` ago (so the sweep does not race the task queued after commit)."""
    queryset = _model().objects.all()
    if source is not None:
        queryset = queryset.filter(source=source)
    if older_than is not None:
        queryset = queryset.filter(created_at__lt=(now or timezone.now()) - older_than)
    return outbox_deliver(queryset=queryset, now=now, limit=limit)


def outbox_deliver(
    *,
    queryset: QuerySet,
    prepare: Callable[..., Prepared] | None = None,
    now: datetime | None = None,
    limit: int = 200,
    label: str = "outgoing e-mail",
) -> int:
    """Send the pending rows of `queryset` (oldest first), at most `limit`; returns how many were
    sent. Each row is prepared by its source's registered `prepare` unless one is given. The
    addresses it went to are stored in the row's ``recipients``."""
    prepare = prepare or _prepare
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
            moment = now or timezone.now()
            mail = prepare(row, now=moment)
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
                row.attempts = F("attempts") + 1
                row.save(update_fields=["error", "attempts"])
                continue
            row.sent_at, row.error, row.recipients = moment, "", list(mail.recipients)
            row.save(update_fields=["sent_at", "error", "recipients"])
            sent += 1
    return sent


def enqueue_after_commit(task, *args, label: str) -> None:
    """After commit, hand the outbox to a worker (`task.delay(*args)`). The outbox row is the
    truth: a broker that is down (or loses the job later) costs a delay, not the e-mail, because
    the outbox sweep sends it. The request that queued it never fails over it."""

    def enqueue():
        try:
            task.delay(*args)
        except Exception as exc:  # noqa: BLE001 - broker unavailable; logged, the sweep sends it
            logger.warning("%s not queued (%s: %s); the outbox sweep will send it", label, exc.__class__.__name__, exc)

    transaction.on_commit(enqueue)
