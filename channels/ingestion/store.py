"""Storing raw inbound payloads, and the bookkeeping every source shares.

The order is always: store the raw bytes (own transaction, committed), then process them in
a second transaction. A crash between the two leaves the payload PENDING; the periodic sweep
(`inbound_process_pending`) picks it up. So nothing that was accepted is ever lost.
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from ..constants import InboundSource, InboundStatus
from ..models import InboundRaw
from .text import clean_json, clean_text

logger = logging.getLogger("channels.ingestion")

EMAIL_SOURCES = frozenset({InboundSource.EMAIL_FILE, InboundSource.IMAP, InboundSource.EMAIL_WEBHOOK})
MAX_DEDUPE_KEY = 300
MAX_ERROR = 2000


@dataclass
class IngestResult:
    """What happened to one inbound payload."""

    status: str
    raw_id: int | None
    replay: bool = False
    contact_id: int | None = None
    message_id: int | None = None
    new_contact: bool = False
    threaded: bool = False
    reason: str = ""
    duplicate_of: int | None = None
    detail: dict | None = None

    @property
    def label(self) -> str:
        """new / threaded / duplicate / quarantined / pending: the summary bucket."""
        if self.replay:
            return "duplicate"
        if self.status == InboundStatus.PROCESSED:
            return "threaded" if self.threaded else "new"
        return str(self.status)


class PayloadError(Exception):
    """A JSON payload that cannot be applied; `message` is the Dutch explanation for the 400
    answer and `field` names the offending field (e.g. "submitter.bsn")."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.message = message
        self.reason = message
        self.field = field


def json_object(payload: bytes) -> dict:
    """The payload as a JSON object, or PayloadError."""
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise PayloadError(_("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise PayloadError(_("The body must be a JSON object."))
    return data


def parse_moment(value, *, received: datetime, field: str) -> datetime:
    """An ISO 8601 date and time (or Unix seconds) from a payload; missing means `received`.
    Naive times are taken as local time; more than an hour ahead of `received` is refused."""
    if value in (None, ""):
        return received
    parsed = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            parsed = datetime.fromtimestamp(value, tz=timezone.get_current_timezone())
        except (OverflowError, OSError, ValueError):
            parsed = None
    elif isinstance(value, str) and len(value) <= 64:
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    if parsed is None:
        raise PayloadError(
            _("'%(field)s' must be an ISO 8601 date and time, e.g. 2026-03-02T09:15:00+01:00.") % {"field": field}, field=field
        )
    if parsed > received + timedelta(hours=1):
        raise PayloadError(_("'%(field)s' lies in the future.") % {"field": field}, field=field)
    return parsed


def sha256_hex(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def store_raw(*, source: str, payload: bytes, dedupe_key: str | None = None, meta: dict | None = None) -> tuple[InboundRaw, bool]:
    """Store the payload byte for byte with its SHA-256, in its own transaction.

    Returns (raw, created). When `dedupe_key` was seen before (a replayed webhook id, an IMAP
    message fetched twice) nothing is stored and the earlier payload is returned with
    created=False. Two concurrent stores with the same key: PostgreSQL makes the second INSERT
    wait for the first transaction and then fail on the unique key, so exactly one wins.
    """
    key = dedupe_key[:MAX_DEDUPE_KEY] if dedupe_key else None
    raw = InboundRaw(
        source=source,
        payload=bytes(payload),
        sha256=sha256_hex(payload),
        dedupe_key=key,
        meta=meta or {},
        status=InboundStatus.PENDING,
    )
    try:
        with transaction.atomic():
            raw.save()
    except IntegrityError:
        if key is None:
            raise
        return InboundRaw.objects.get(dedupe_key=key), False
    return raw, True


def reason_for(exc: BaseException) -> str:
    """A reason line for the quarantine page: our own Dutch reason, or the exception type and
    message (never a traceback)."""
    own = getattr(exc, "reason", None)
    if own:
        return clean_text(own, max_length=MAX_ERROR)
    return clean_text(f"{exc.__class__.__name__}: {exc}", max_length=MAX_ERROR)


def result_for(raw: InboundRaw, *, replay: bool = False) -> IngestResult:
    """The result of an already processed payload (replays, concurrent processing)."""
    message = getattr(raw, "message", None) if raw.status == InboundStatus.PROCESSED else None
    return IngestResult(
        status=raw.status,
        raw_id=raw.pk,
        replay=replay,
        contact_id=message.contact_id if message else raw.meta.get("contact_id"),
        message_id=message.pk if message else None,
        threaded=bool(raw.meta.get("threaded")),
        new_contact=bool(raw.meta.get("new_contact")),
        reason=raw.error,
        duplicate_of=raw.meta.get("duplicate_of"),
        detail=raw.meta.get("result"),
    )


def lock_key(key: str) -> None:
    """Serialise concurrent writers on `key` until the end of the transaction.

    PostgreSQL: a transaction-scoped advisory lock. SQLite (development) runs write
    transactions one at a time already, so nothing is needed there.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def mark_quarantined(raw: InboundRaw, reason: str, *, extra_meta: dict | None = None) -> None:
    raw.status = InboundStatus.QUARANTINED
    raw.error = clean_text(reason, max_length=MAX_ERROR)
    raw.processed_at = timezone.now()
    if extra_meta:
        raw.meta = clean_json({**raw.meta, **extra_meta})
    raw.save(update_fields=["status", "error", "processed_at", "meta", "attempts"])
    # The reason can quote the sender or subject: it stays with the payload, not in the log.
    # The demo data quarantines a few malformed mails on purpose (meta "demo", set only by
    # channels/demo_ingestion.py, never from inbound data): that is no reason to warn anyone.
    level = logging.INFO if raw.meta.get("demo") is True else logging.WARNING
    logger.log(level, "Inbound payload %s (%s) quarantined", raw.pk, raw.source)


def process_locked(raw_id: int, *, reprocess: bool, handler) -> IngestResult:
    """Lock the stored payload and run ``handler(raw)`` on it in a savepoint.

    Only a PENDING payload is processed (or a QUARANTINED one with ``reprocess``); anything
    else returns its existing result, so a second call changes nothing. Any exception of the
    handler quarantines the payload with the reason, except a lost database connection, which
    propagates and leaves it PENDING for the sweep.
    """
    with transaction.atomic():
        raw = InboundRaw.objects.select_for_update().get(pk=raw_id)
        allowed = {InboundStatus.PENDING, InboundStatus.QUARANTINED} if reprocess else {InboundStatus.PENDING}
        if raw.status not in allowed:
            return result_for(raw)
        raw.attempts += 1
        try:
            with transaction.atomic():
                return handler(raw)
        except (OperationalError, InterfaceError):
            raise
        except Exception as exc:  # noqa: BLE001 - the contract: quarantine, never crash
            logger.exception("Inbound payload %s could not be processed", raw.pk)
            mark_quarantined(raw, reason_for(exc))
            return IngestResult(status=InboundStatus.QUARANTINED, raw_id=raw.pk, reason=raw.error)


def process_raw(raw_id: int, *, reprocess: bool = False) -> IngestResult:
    """Process a stored payload with the handler of its source."""
    from .email_ingest import process_email
    from .phone import process_phone_event
    from .social import process_meta
    from .webform import process_webform

    source = InboundRaw.objects.filter(pk=raw_id).values_list("source", flat=True).first()
    if source in EMAIL_SOURCES:
        return process_email(raw_id, reprocess=reprocess)
    if source == InboundSource.PHONE_WEBHOOK:
        return process_phone_event(raw_id, reprocess=reprocess)
    if source == InboundSource.SOCIAL_META:
        return process_meta(raw_id, reprocess=reprocess)
    if source == InboundSource.WEBFORM_WEBHOOK:
        return process_webform(raw_id, reprocess=reprocess)
    raise ValueError(f"unknown inbound payload {raw_id} (source {source!r})")


def inbound_process_pending(*, older_than_seconds: int = 120, limit: int = 500) -> dict:
    """Process payloads that were stored but never processed (a crash in between). Only
    those older than `older_than_seconds`, so a request that is still processing its own
    payload is left alone (it holds the row lock anyway). Then send the acknowledgements of
    receipt whose task was lost (see acknowledge.acknowledgement_send_missed)."""
    from datetime import timedelta

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        InboundRaw.objects.filter(status=InboundStatus.PENDING, received_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for raw_id in ids:
        try:
            result = process_raw(raw_id)
        except Exception:  # noqa: BLE001 - one bad payload must not stop the sweep
            logger.exception("Pending inbound payload %s could not be processed", raw_id)
            counts["failed"] = counts.get("failed", 0) + 1
            continue
        counts[result.label] = counts.get(result.label, 0) + 1
    # Acknowledgements whose task was lost with the broker (Redis down, restarted or flushed).
    from .acknowledge import acknowledgement_send_missed

    acknowledged = acknowledgement_send_missed()
    if acknowledged:
        counts["acknowledged"] = acknowledged
    if ids or acknowledged:
        logger.info("Pending inbound sweep: %s", counts)
    return counts
