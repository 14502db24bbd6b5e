"""E-mail ingestion: one function for every source (file, IMAP, webhook).

``ingest_email(raw=..., source=..., dedupe_key=...)`` guarantees that every message ends up
exactly once, as one of:

* a new message in a contact thread (PROCESSED);
* a duplicate of a message already stored (DUPLICATE; nothing else is created);
* quarantined with its raw bytes kept and the reason (QUARANTINED), for a team lead to look at
  and reprocess.

Invariants and races:

* The raw bytes are committed before parsing starts (``store_raw``). A crash after that leaves
  the payload PENDING and the periodic sweep processes it.
* Transport identity: ``dedupe_key`` (webhook id, ``imap:<mailbox>:<uidvalidity>:<uid>``) is
  unique in InboundRaw, so a replay or a second IMAP fetch stores nothing.
* Content identity: the normalised fingerprint (see ``mail.fingerprint``) is claimed in
  EmailFingerprint inside the processing transaction. The same message arriving by file, IMAP
  and webhook at the same moment: the second claim waits for the first transaction, then fails
  on the unique key, and its payload becomes a DUPLICATE. A duplicate of a quarantined message
  is also a duplicate: reprocessing the first one is enough.
* Parsing runs in a savepoint that catches every exception: the payload is quarantined and the
  exception never escapes. Files written for attachments are removed again on rollback.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..constants import Channel, ContactStatus, Direction, InboundStatus
from ..models import Contact, InboundRaw, Message
from ..models_ingestion import EmailFingerprint
from .files import attachment_files_delete, attachment_store, skipped_attachment_note
from .mail import ParsedEmail, fingerprint, parse_email, safe_summary
from .matching import customer_for_email
from .store import (
    IngestResult,
    logger,
    mark_quarantined,
    reason_for,
    result_for,
    sha256_hex,
    store_raw,
)
from .text import clean_json
from .threads import find_thread

__all__ = ["ingest_email", "process_email"]

log = logging.getLogger("channels.ingestion.email")


def ingest_email(*, raw: bytes, source: str, dedupe_key: str | None = None, meta: dict | None = None) -> IngestResult:
    """Store, then process one raw RFC 822 message. Never raises for bad input.

    Raises only when the payload could not be stored at all (database unavailable). A failure
    after storing leaves it PENDING (status "pending" in the result) for the periodic sweep.
    """
    stored, created = store_raw(source=source, payload=raw, dedupe_key=dedupe_key, meta=meta)
    if not created:
        return result_for(stored, replay=True)
    try:
        return process_email(stored.pk)
    except Exception as exc:  # noqa: BLE001 - stored safely; the sweep retries it
        log.exception("Inbound e-mail %s stored but not processed; it will be retried", stored.pk)
        return IngestResult(status=InboundStatus.PENDING, raw_id=stored.pk, reason=reason_for(exc))


def _claim_fingerprint(value: str, raw: InboundRaw) -> int:
    """Claim the content fingerprint for `raw`; returns the id of the payload that owns it.

    One statement in the usual case: INSERT ... ON CONFLICT DO NOTHING. When another
    transaction has inserted the same fingerprint and not committed yet, PostgreSQL makes this
    INSERT wait for it; after its commit nothing is inserted and the owner is read."""
    table = EmailFingerprint._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (fingerprint, raw_id, created_at) VALUES (%s, %s, %s) "  # noqa: S608 - table name from the model
            "ON CONFLICT DO NOTHING RETURNING raw_id",
            [value, raw.pk, timezone.now()],
        )
        if cursor.fetchone():
            return raw.pk
    owner = EmailFingerprint.objects.filter(fingerprint=value).values_list("raw_id", flat=True).first()
    # No owner of this fingerprint: the conflict was on `raw` itself (it claimed before, e.g.
    # when it was quarantined), so it owns its content.
    return owner or raw.pk


def process_email(raw_id: int, *, reprocess: bool = False) -> IngestResult:
    """Parse a stored e-mail and file it in a contact thread (see the module docstring).

    Only PENDING payloads are processed, or QUARANTINED ones with ``reprocess=True``; anything
    else returns its existing result, so a second call changes nothing.
    """
    saved_files: list[str] = []
    acknowledge_message_id = None
    try:
        with transaction.atomic():
            raw = InboundRaw.objects.select_for_update().get(pk=raw_id)
            allowed = {InboundStatus.PENDING, InboundStatus.QUARANTINED} if reprocess else {InboundStatus.PENDING}
            if raw.status not in allowed:
                return result_for(raw)
            raw.attempts += 1
            payload = bytes(raw.payload)
            try:
                content_key = fingerprint(payload)
            except Exception:  # noqa: BLE001 - cannot happen for bytes, but never lose a message over it
                content_key = sha256_hex(payload)
            owner_id = _claim_fingerprint(content_key, raw)
            if owner_id != raw.pk:
                return _mark_duplicate(raw, owner_id, content_key)
            try:
                with transaction.atomic():
                    parsed = parse_email(
                        payload, received_at=raw.received_at, max_attachment_bytes=settings.KCC_ATTACHMENT_MAX_BYTES
                    )
                    result = _file_message(raw, parsed, saved_files)
            except (OperationalError, InterfaceError):
                raise
            except Exception as exc:  # noqa: BLE001 - the contract: quarantine, never crash
                attachment_files_delete(saved_files)
                saved_files.clear()
                mark_quarantined(
                    raw, reason_for(exc), extra_meta={"summary": safe_summary(payload), "fingerprint": content_key}
                )
                return IngestResult(status=InboundStatus.QUARANTINED, raw_id=raw.pk, reason=raw.error)
            raw.status = InboundStatus.PROCESSED
            raw.error = ""
            raw.processed_at = timezone.now()
            raw.meta = clean_json({**raw.meta, **result.detail, "fingerprint": content_key})
            raw.save(update_fields=["status", "error", "processed_at", "meta", "attempts"])
            if result.detail.get("acknowledge"):
                acknowledge_message_id = result.message_id
                transaction.on_commit(lambda: _schedule_acknowledgement(acknowledge_message_id))
            return result
    except DatabaseError:
        attachment_files_delete(saved_files)
        raise


def _mark_duplicate(raw: InboundRaw, owner_id: int, content_key: str) -> IngestResult:
    raw.status = InboundStatus.DUPLICATE
    raw.error = ""
    raw.processed_at = timezone.now()
    owner_message = Message.objects.filter(raw_id=owner_id).values_list("contact_id", flat=True).first()
    raw.meta = {**raw.meta, "duplicate_of": owner_id, "fingerprint": content_key, "contact_id": owner_message}
    raw.save(update_fields=["status", "error", "processed_at", "meta", "attempts"])
    log.info("Inbound e-mail %s is a duplicate of %s", raw.pk, owner_id)
    return IngestResult(status=InboundStatus.DUPLICATE, raw_id=raw.pk, duplicate_of=owner_id, contact_id=owner_message)


def _file_message(raw: InboundRaw, parsed: ParsedEmail, saved_files: list[str]) -> IngestResult:
    contact, how = find_thread(parsed, raw_id=raw.pk)
    follow_up_of = None
    if contact is not None and contact.status == ContactStatus.CLOSED:
        # A closed contact keeps its outcome (the metrics depend on it): the reply starts a
        # new contact in the same conversation, for the same resident.
        follow_up_of, contact = contact, None
    received = raw.received_at
    new_contact = contact is None
    if new_contact:
        customer = customer_for_email(parsed.sender_address)
        if customer is None and follow_up_of is not None:
            customer = follow_up_of.customer
        contact = Contact.objects.create(
            channel=Channel.EMAIL,
            direction=Direction.INBOUND,
            customer=customer,
            subject=(parsed.subject or _("(no subject)"))[:255],
            status=ContactStatus.NEW,
            started_at=parsed.date or received,
            **({"conversation_key": follow_up_of.conversation_key} if follow_up_of else {}),
        )
    elif contact.status == ContactStatus.WAITING:
        # The resident answered: the contact is back in the queue.
        contact.status = ContactStatus.OPEN
        contact.save(update_fields=["status", "updated_at"])
    else:
        Contact.objects.filter(pk=contact.pk).update(updated_at=timezone.now())

    body_text = parsed.body_text
    for skipped in parsed.skipped_attachments:
        body_text += "\n\n" + skipped_attachment_note(skipped)
    message = Message.objects.create(
        contact=contact,
        direction=Direction.INBOUND,
        channel=Channel.EMAIL,
        raw=raw,
        sender=parsed.sender,
        sender_address=parsed.sender_address,
        recipients=parsed.recipients,
        subject=parsed.subject,
        message_id=parsed.message_id,
        in_reply_to=parsed.in_reply_to,
        references=" ".join(parsed.references),
        body_text=body_text,
        body_html=parsed.body_html,
        is_auto_reply=parsed.is_auto_reply,
        sent_at=parsed.date or received,
    )
    for item in parsed.attachments:
        attachment_store(message=message, filename=item.filename, content_type=item.content_type, data=item.data, saved_files=saved_files)

    acknowledge = new_contact and _acknowledgement_wanted(parsed)
    detail = {
        "contact_id": contact.pk,
        "message_pk": message.pk,
        "new_contact": new_contact,
        "threaded": not new_contact,
        "thread_match": how,
        "follow_up_of": follow_up_of.pk if follow_up_of else None,
        "sender_problem": parsed.sender_problem,
        "auto_reply_reason": parsed.auto_reply_reason,
        "no_acknowledgement_reason": parsed.no_acknowledgement_reason,
        "acknowledge": acknowledge,
        "notes": parsed.notes[:30],
        "skipped_attachments": parsed.skipped_attachments,
    }
    logger.info("Inbound e-mail %s filed in contact %s (%s)", raw.pk, contact.pk, how or "new")
    return IngestResult(
        status=InboundStatus.PROCESSED,
        raw_id=raw.pk,
        contact_id=contact.pk,
        message_id=message.pk,
        new_contact=new_contact,
        threaded=not new_contact,
        detail=detail,
    )


def _acknowledgement_wanted(parsed: ParsedEmail) -> bool:
    """An acknowledgement goes only to a person: never to an automatic message, a mailing
    list, a system address, an ambiguous sender, or ourselves (mail loops)."""
    if not settings.KCC_EMAIL_ACKNOWLEDGE:
        return False
    if parsed.no_acknowledgement_reason or not parsed.sender_address:
        return False
    own = (settings.KCC_MAIL_REPLY_ADDRESS or "").lower()
    domain = (settings.KCC_MAIL_DOMAIN or "").lower()
    address = parsed.sender_address.lower()
    return address != own and not (domain and address.endswith("@" + domain))


def _schedule_acknowledgement(message_id: int) -> None:
    """After commit. With the broker down the e-mail is stored all the same; the pending
    sweep sends the acknowledgement later (acknowledge.acknowledgement_send_missed)."""
    from ..tasks import inbound_email_acknowledge

    try:
        inbound_email_acknowledge.delay(message_id)
    except Exception as exc:  # noqa: BLE001 - broker unavailable; logged, the sweep sends it
        log.warning("acknowledgement of message %s not queued (%s: %s); the pending sweep will send it", message_id, exc.__class__.__name__, exc)
