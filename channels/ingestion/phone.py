"""Telephony call events (ringing, answered, ended) and the screen-pops they offer.

One phone contact per call (``Contact.external_id`` = call id, unique per channel). Events may
arrive twice or out of order; each (call, event) is applied once (CallEvent is unique on it)
and the contact's times only ever move the right way:

* ``started_at`` is the earliest event time seen (the ringing time once it arrives);
* ``answered_at`` is set by ``answered``, which also assigns the call to the agent (status
  new → open) unless someone already has it;
* ``ended`` records the end of the conversation (``conversation_ended_at``, on the open
  contacts of the call's conversation) without closing: the after-call work runs until the
  agent closes the contact with an outcome, which sets ``ended_at``.

``ringing`` offers a screen-pop to the named agent.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kcc.core.access import has_role
from kcc.core.constants import Role
from kcc.core.normalize import normalize_phone

from ..constants import Channel, ContactStatus, Direction, InboundStatus
from ..models import Contact, InboundRaw
from ..models_ingestion import CallEvent, CallEventKind, ScreenPop
from .matching import customer_for_phone
from .store import (
    IngestResult,
    PayloadError,
    json_object,
    lock_key,
    logger,
    mark_quarantined,
    parse_moment,
    process_locked,
)

WITHHELD_NUMBERS = frozenset({"", "anonymous", "anoniem", "unknown", "onbekend", "private", "restricted", "withheld", "afgeschermd"})
SCREEN_POP_MINUTES = 30
MAX_CALL_ID = 200


@dataclass
class PhoneEvent:
    event: str
    call_id: str
    caller: str
    dialled: str
    agent: object
    at: datetime


def _number(data: dict, key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PayloadError(_("'%(field)s' must be a phone number.") % {"field": key}, field=key)
    value = str(value).strip()
    if value.lower() in WITHHELD_NUMBERS:
        return ""
    try:
        return normalize_phone(value)
    except ValidationError:
        raise PayloadError(
            _("'%(field)s' is not a valid phone number: %(value)s") % {"field": key, "value": value[:40]}, field=key
        ) from None


def _agent(data: dict, event: str):
    username = data.get("agent")
    if username in (None, ""):
        if event == CallEventKind.ANSWERED:
            raise PayloadError(_("'agent' is required for an answered call."), field="agent")
        return None
    if not isinstance(username, str) or len(username) > 150 or not username.isprintable():
        raise PayloadError(_("'agent' must be a user name."), field="agent")
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None or not has_role(user, Role.AGENT, Role.TEAMLEAD):
        raise PayloadError(_("Unknown agent: %(agent)s") % {"agent": username[:60]}, field="agent")
    return user


def _at(data: dict, received: datetime) -> datetime:
    return parse_moment(data.get("at"), received=received, field="at")


def parse_phone_event(payload: bytes, *, received: datetime) -> PhoneEvent:
    """Validate a call event; raises PayloadError with a clear Dutch message."""
    data = json_object(payload)
    event = data.get("event")
    if event not in CallEventKind.values:
        raise PayloadError(
            _("Unknown event %(event)s: expected ringing, answered or ended.") % {"event": json.dumps(event)[:40]}, field="event"
        )
    call_id = data.get("call_id")
    if isinstance(call_id, int) and not isinstance(call_id, bool):
        call_id = str(call_id)
    if not isinstance(call_id, str) or not call_id.strip() or len(call_id) > MAX_CALL_ID or not call_id.isprintable():
        raise PayloadError(_("'call_id' is required: a text of at most 200 characters."), field="call_id")
    return PhoneEvent(
        event=event,
        call_id=call_id.strip(),
        caller=_number(data, "from"),
        dialled=_number(data, "to"),
        agent=_agent(data, event),
        at=_at(data, received),
    )


def process_phone_event(raw_id: int, *, reprocess: bool = False) -> IngestResult:
    """Apply one stored call event (see the module docstring). Invalid events are quarantined
    with the reason; a second copy of an event is a DUPLICATE and changes nothing."""
    return process_locked(raw_id, reprocess=reprocess, handler=_process_event)


def _process_event(raw: InboundRaw) -> IngestResult:
    try:
        event = parse_phone_event(bytes(raw.payload), received=raw.received_at)
    except PayloadError as exc:
        mark_quarantined(raw, exc.message, extra_meta={"field": exc.field})
        return IngestResult(status=InboundStatus.QUARANTINED, raw_id=raw.pk, reason=raw.error, detail={"field": exc.field})

    lock_key(f"call:{event.call_id}")
    contact = Contact.objects.filter(channel=Channel.PHONE, external_id=event.call_id).first()
    new_contact = contact is None
    if new_contact:
        contact = Contact.objects.create(
            channel=Channel.PHONE,
            direction=Direction.INBOUND,
            external_id=event.call_id,
            caller_address=event.caller,
            customer=customer_for_phone(event.caller) if event.caller else None,
            subject=_("Phone call"),
            status=ContactStatus.NEW,
            started_at=event.at,
        )
    try:
        with transaction.atomic():
            CallEvent.objects.create(
                contact=contact, raw=raw, call_id=event.call_id, event=event.event, at=event.at,
                caller=event.caller, dialled=event.dialled, agent=event.agent,
            )
    except IntegrityError:
        first = CallEvent.objects.filter(call_id=event.call_id, event=event.event).values_list("raw_id", flat=True).first()
        raw.status = InboundStatus.DUPLICATE
        raw.error = ""
        raw.processed_at = timezone.now()
        raw.meta = {**raw.meta, "duplicate_of": first, "contact_id": contact.pk}
        raw.save(update_fields=["status", "error", "processed_at", "meta", "attempts"])
        return IngestResult(status=InboundStatus.DUPLICATE, raw_id=raw.pk, contact_id=contact.pk, duplicate_of=first)

    _apply(contact, event)
    raw.status = InboundStatus.PROCESSED
    raw.error = ""
    raw.processed_at = timezone.now()
    raw.meta = {**raw.meta, "contact_id": contact.pk, "event": event.event, "call_id": event.call_id, "new_contact": new_contact}
    raw.save(update_fields=["status", "error", "processed_at", "meta", "attempts"])
    logger.info("Call event %s %s applied to contact %s", event.call_id, event.event, contact.pk)
    return IngestResult(status=InboundStatus.PROCESSED, raw_id=raw.pk, contact_id=contact.pk, new_contact=new_contact)


def _apply(contact: Contact, event: PhoneEvent) -> None:
    changed = set()
    if event.at < contact.started_at:
        contact.started_at = event.at
        changed.add("started_at")
    if event.caller and not contact.caller_address:
        contact.caller_address = event.caller
        changed.add("caller_address")
        if contact.customer_id is None:
            customer = customer_for_phone(event.caller)
            if customer is not None:
                contact.customer = customer
                changed.add("customer")
    is_open = contact.status != ContactStatus.CLOSED
    if event.event == CallEventKind.ANSWERED and is_open:
        if contact.answered_at is None or event.at < contact.answered_at:
            contact.answered_at = event.at
            changed.add("answered_at")
        if contact.assigned_to_id is None and event.agent is not None:
            contact.assigned_to = event.agent
            contact.claimed_at = event.at
            changed.update({"assigned_to", "claimed_at"})
        if contact.status == ContactStatus.NEW:
            contact.status = ContactStatus.OPEN
            changed.add("status")
    elif event.event == CallEventKind.ENDED and is_open:
        if contact.conversation_ended_at is None or event.at < contact.conversation_ended_at:
            contact.conversation_ended_at = event.at
            changed.add("conversation_ended_at")
    elif event.event == CallEventKind.RINGING and event.agent is not None:
        ScreenPop.objects.get_or_create(
            user=event.agent, call_id=event.call_id, defaults={"contact": contact, "caller": event.caller}
        )
    # `updated_at` always moves: the inbox's change detection depends on it.
    contact.save(update_fields=[*sorted(changed), "updated_at"])
    if "conversation_ended_at" in changed:
        # "Nog een vraag" contacts of the same call end with it.
        from ..desk import conversation_end

        conversation_end(contact=contact, at=event.at)


# --- screen-pops -----------------------------------------------------------------------


def screen_pops_for(user, *, now: datetime | None = None) -> list[ScreenPop]:
    """The calls currently offered to `user`: offered in the last 30 minutes, not dismissed,
    not closed, and still ringing or taken by this user (a call answered by a colleague or
    hung up before anyone answered disappears)."""
    if not getattr(user, "is_authenticated", False):
        return []
    since = (now or timezone.now()) - timedelta(minutes=SCREEN_POP_MINUTES)
    return list(
        ScreenPop.objects.undismissed()
        .filter(user=user, created_at__gte=since)
        .exclude(contact__status=ContactStatus.CLOSED)
        .filter(Q(contact__answered_at__isnull=True, contact__conversation_ended_at__isnull=True) | Q(contact__assigned_to=user))
        .select_related("contact")
        .order_by("-created_at", "-id")[:5]
    )


@transaction.atomic
def screen_pop_dismiss(*, user, pop_id: int) -> bool:
    """Dismiss one of the user's own screen-pops; False when it is not theirs or already gone."""
    return bool(ScreenPop.objects.filter(pk=pop_id, user=user, dismissed_at__isnull=True).update(dismissed_at=timezone.now()))


@transaction.atomic
def screen_pops_dismiss_for_call(*, user, call_id: str) -> int:
    """Dismiss the user's screen-pop for a call (e.g. when the registration screen opens it)."""
    return ScreenPop.objects.filter(user=user, call_id=call_id, dismissed_at__isnull=True).update(dismissed_at=timezone.now())
