"""Meta webhook payloads: WhatsApp Cloud API and Messenger (and Instagram messaging, which uses
Messenger's shape).

* The whole request body is stored first (parent payload, dedupe key ``meta-body:<sha256>``, so
  Meta's retry of the same delivery stores nothing new).
* Each message in it becomes its own stored item with dedupe key ``meta:<provider message id>``:
  a message delivered again, alone or in another batch, is a duplicate and creates nothing.
* One contact per conversation (the sender on that channel) while it is open; a message after
  the contact was closed starts a new one.
* A resident is linked only on an exact, verified address: the phone number in E.164 for
  WhatsApp, ``facebook:<PSID>`` / ``instagram:<IGSID>`` for Messenger and Instagram.
* Delivery and read receipts, echoes of our own messages and other events are recorded in the
  parent's metadata and otherwise ignored. Media (images, documents) are noted in the text;
  downloading them needs the Graph API and is not done here.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kcc.core.normalize import try_normalize_phone

from ..constants import Channel, ContactStatus, Direction, InboundSource, InboundStatus
from ..models import Contact, InboundRaw, Message
from .matching import customer_for_phone, customer_for_social
from .store import (
    IngestResult,
    lock_key,
    logger,
    mark_quarantined,
    process_locked,
    result_for,
    sha256_hex,
)
from .text import clean_text

OBJECT_CHANNELS = {"whatsapp_business_account": Channel.WHATSAPP, "page": Channel.FACEBOOK, "instagram": Channel.INSTAGRAM}
MAX_TEXT = 20_000


class PayloadError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.reason = message


@dataclass
class SocialMessage:
    channel: str
    provider_id: str
    sender_key: str
    sender_address: str
    sender_display: str
    text: str
    sent_at: datetime
    reply_to: str
    item: dict


def _timestamp(value, *, millis: bool, received: datetime) -> datetime:
    try:
        seconds = float(value) / (1000 if millis else 1)
        moment = datetime.fromtimestamp(seconds, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return received
    return received if moment > received or moment.year < 2000 else moment


def _media_label(kind: str) -> str:
    labels = {
        "image": _("Image"), "video": _("Video"), "audio": _("Audio message"), "voice": _("Audio message"),
        "document": _("Document"), "sticker": _("Sticker"), "file": _("Document"), "location": _("Location"),
        "contacts": _("Contact card"), "reaction": _("Reaction"),
    }
    return labels.get(kind, kind or _("Message"))


def _whatsapp_text(message: dict) -> str:
    kind = str(message.get("type") or "")
    body = message.get(kind) if isinstance(message.get(kind), dict) else {}
    if kind == "text":
        return str(body.get("body") or "")
    if kind in ("image", "video", "audio", "voice", "document", "sticker"):
        parts = [f"[{_media_label(kind)}]", str(body.get("filename") or ""), str(body.get("caption") or "")]
        return " ".join(p for p in parts if p)
    if kind == "location":
        details = [str(body.get(k) or "") for k in ("name", "address")]
        where = f"({body.get('latitude')}, {body.get('longitude')})"
        return " ".join(p for p in (f"[{_media_label(kind)}]", *details, where) if p)
    if kind == "reaction":
        return f"[{_media_label(kind)}] {body.get('emoji') or ''}".strip()
    if kind == "button":
        return str(body.get("text") or "")
    if kind == "interactive":
        reply = body.get("button_reply") or body.get("list_reply") or {}
        return str(reply.get("title") or "") if isinstance(reply, dict) else ""
    return f"[{_media_label(kind)}]"


def _messenger_text(message: dict) -> str:
    parts = [str(message.get("text") or "")]
    for attachment in message.get("attachments") or []:
        if isinstance(attachment, dict):
            parts.append(f"[{_media_label(str(attachment.get('type') or ''))}]")
    return " ".join(p for p in parts if p)


def parse_meta_payload(payload: bytes, *, received: datetime) -> tuple[list[SocialMessage], list[str]]:
    """(messages, notes about skipped events). Raises PayloadError for a body that is not a
    Meta webhook delivery at all."""
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        raise PayloadError(_("The body is not valid JSON.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("entry"), list):
        raise PayloadError(_("Not a Meta webhook delivery: 'entry' is missing."))
    channel = OBJECT_CHANNELS.get(data.get("object"))
    if channel is None:
        raise PayloadError(_("Unsupported Meta object %(object)s.") % {"object": json.dumps(data.get("object"))[:60]})
    messages: list[SocialMessage] = []
    notes: list[str] = []
    for entry in data["entry"]:
        if not isinstance(entry, dict):
            notes.append("entry is not an object")
            continue
        if channel == Channel.WHATSAPP:
            _parse_whatsapp_entry(entry, received, messages, notes)
        else:
            _parse_messenger_entry(entry, channel, received, messages, notes)
    return messages, notes


def _parse_whatsapp_entry(entry, received, messages, notes) -> None:
    for change in entry.get("changes") or []:
        value = change.get("value") if isinstance(change, dict) else None
        if not isinstance(value, dict):
            notes.append("change without value")
            continue
        names = {}
        for person in value.get("contacts") or []:
            if isinstance(person, dict) and person.get("wa_id"):
                profile = person.get("profile") if isinstance(person.get("profile"), dict) else {}
                names[str(person["wa_id"])] = str(profile.get("name") or "")
        if value.get("statuses"):
            notes.append(f"{len(value['statuses'])} status update(s) ignored")
        for message in value.get("messages") or []:
            if not isinstance(message, dict) or not message.get("id") or not message.get("from"):
                notes.append("message without id or sender skipped")
                continue
            wa_id = clean_text(str(message["from"]), max_length=32, single_line=True)
            e164 = try_normalize_phone("+" + wa_id.lstrip("+")) or ""
            name = clean_text(names.get(wa_id, ""), max_length=200, single_line=True)
            context = message.get("context") if isinstance(message.get("context"), dict) else {}
            messages.append(
                SocialMessage(
                    channel=Channel.WHATSAPP,
                    provider_id=clean_text(str(message["id"]), max_length=200, single_line=True),
                    sender_key=e164 or wa_id,
                    sender_address=e164,
                    sender_display=f"{name} ({e164 or wa_id})" if name else (e164 or wa_id),
                    text=clean_text(_whatsapp_text(message), max_length=MAX_TEXT),
                    sent_at=_timestamp(message.get("timestamp"), millis=False, received=received),
                    reply_to=clean_text(str(context.get("id") or ""), max_length=200, single_line=True),
                    item={"object": "whatsapp_business_account", "contact_name": name, "message": message},
                )
            )


def _parse_messenger_entry(entry, channel, received, messages, notes) -> None:
    platform = "instagram" if channel == Channel.INSTAGRAM else "facebook"
    for event in entry.get("messaging") or []:
        if not isinstance(event, dict):
            notes.append("messaging event is not an object")
            continue
        message = event.get("message") if isinstance(event.get("message"), dict) else None
        postback = event.get("postback") if isinstance(event.get("postback"), dict) else None
        if message is None and postback is not None and postback.get("mid"):
            message = {"mid": postback["mid"], "text": postback.get("title") or postback.get("payload") or ""}
        if message is None:
            notes.append(f"{next(iter(k for k in event if k not in ('sender', 'recipient', 'timestamp')), 'event')} ignored")
            continue
        if message.get("is_echo"):
            notes.append("echo of our own message ignored")
            continue
        sender = event.get("sender") if isinstance(event.get("sender"), dict) else {}
        if not message.get("mid") or not sender.get("id"):
            notes.append("message without mid or sender skipped")
            continue
        handle = f"{platform}:{clean_text(str(sender['id']), max_length=100, single_line=True)}"
        reply = message.get("reply_to") if isinstance(message.get("reply_to"), dict) else {}
        messages.append(
            SocialMessage(
                channel=channel,
                provider_id=clean_text(str(message["mid"]), max_length=200, single_line=True),
                sender_key=handle,
                sender_address=handle,
                sender_display=handle,
                text=clean_text(_messenger_text(message), max_length=MAX_TEXT),
                sent_at=_timestamp(event.get("timestamp"), millis=True, received=received),
                reply_to=clean_text(str(reply.get("mid") or ""), max_length=200, single_line=True),
                item={"object": platform, "event": event},
            )
        )


def process_meta(raw_id: int, *, reprocess: bool = False) -> IngestResult:
    """File the messages of one stored Meta delivery (see the module docstring)."""
    return process_locked(raw_id, reprocess=reprocess, handler=_process_delivery)


def _process_delivery(raw: InboundRaw) -> IngestResult:
    if raw.meta.get("item"):
        # A per-message item is filed together with its parent delivery.
        return result_for(raw)
    try:
        items, notes = parse_meta_payload(bytes(raw.payload), received=raw.received_at)
    except PayloadError as exc:
        mark_quarantined(raw, exc.reason)
        return IngestResult(status=InboundStatus.QUARANTINED, raw_id=raw.pk, reason=raw.error)
    notes = [clean_text(n, max_length=200) for n in notes]
    created, duplicates, contact_ids = 0, 0, []
    for item in items:
        # ensure_ascii: a lone surrogate escape in Meta's JSON stays an escape, not invalid UTF-8.
        encoded = json.dumps(item.item, ensure_ascii=True, sort_keys=True).encode()
        child = InboundRaw(
            source=InboundSource.SOCIAL_META,
            payload=encoded,
            sha256=sha256_hex(encoded),
            dedupe_key=f"meta:{item.provider_id}"[:300],
            meta={"item": True, "parent": raw.pk, "channel": item.channel},
            status=InboundStatus.PROCESSED,
            processed_at=timezone.now(),
            attempts=1,
        )
        try:
            with transaction.atomic():
                child.save()
        except IntegrityError:
            duplicates += 1
            continue
        contact_ids.append(_file_social_message(child, item))
        created += 1
    if not items and notes and all("skipped" in n for n in notes):
        mark_quarantined(raw, _("The delivery contains no readable message: %(notes)s") % {"notes": "; ".join(notes)[:500]})
        return IngestResult(status=InboundStatus.QUARANTINED, raw_id=raw.pk, reason=raw.error)
    raw.status = InboundStatus.DUPLICATE if duplicates and not created else InboundStatus.PROCESSED
    raw.error = ""
    raw.processed_at = timezone.now()
    detail = {"created": created, "duplicates": duplicates, "notes": notes[:30], "contact_ids": contact_ids}
    raw.meta = {**raw.meta, "result": detail}
    raw.save(update_fields=["status", "error", "processed_at", "meta", "attempts"])
    logger.info("Meta delivery %s: %s new, %s duplicate message(s)", raw.pk, created, duplicates)
    return IngestResult(status=raw.status, raw_id=raw.pk, contact_id=contact_ids[0] if contact_ids else None, detail=detail)


def _file_social_message(child: InboundRaw, item: SocialMessage) -> int:
    contact = None
    if item.sender_address:
        lock_key(f"social:{item.channel}:{item.sender_address}")
        contact = (
            Contact.objects.open()
            .filter(
                channel=item.channel,
                messages__direction=Direction.INBOUND,
                messages__sender_address=item.sender_address,
            )
            .order_by("-started_at", "-id")
            .first()
        )
    if contact is None:
        if item.channel == Channel.WHATSAPP:
            customer = customer_for_phone(item.sender_address) if item.sender_address else None
        else:
            customer = customer_for_social(item.sender_address)
        first_line = (item.text.strip().splitlines() or [""])[0]
        contact = Contact.objects.create(
            channel=item.channel,
            direction=Direction.INBOUND,
            customer=customer,
            subject=clean_text(first_line, max_length=80, single_line=True) or _("%(channel)s message") % {"channel": Channel(item.channel).label},
            status=ContactStatus.NEW,
            started_at=item.sent_at,
            external_id=f"{item.sender_key}/{item.provider_id}"[:200],
        )
    elif contact.status == ContactStatus.WAITING:
        contact.status = ContactStatus.OPEN
        contact.save(update_fields=["status", "updated_at"])
    else:
        Contact.objects.filter(pk=contact.pk).update(updated_at=timezone.now())
    Message.objects.create(
        contact=contact,
        direction=Direction.INBOUND,
        channel=item.channel,
        raw=child,
        sender=item.sender_display[:500],
        sender_address=item.sender_address[:254],
        provider_message_id=item.provider_id,
        in_reply_to=item.reply_to,
        body_text=item.text,
        sent_at=item.sent_at,
    )
    child.meta = {**child.meta, "contact_id": contact.pk}
    child.save(update_fields=["meta"])
    return contact.pk
