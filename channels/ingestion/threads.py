"""Which contact an inbound e-mail belongs to.

In order:
1. In-Reply-To, then References (newest first), against the Message-IDs we stored (inbound
   and our own replies);
2. the message's own Message-ID, when another copy with different bytes was stored before
   (it joins that thread instead of starting a second contact);
3. the subject token ``[KCC-<id>]`` that our replies carry, but only when the sender's address
   already belongs to that thread (it wrote to it, we wrote to it, or it is the linked
   resident's address): contact ids are guessable, so a token alone must not let a stranger
   write into someone else's contact;
4. otherwise a new contact.
"""

import re

from django.db.models import Q

from kcc.core.constants import AddressKind
from kcc.core.models import DigitalAddress

from ..constants import SUBJECT_TOKEN_RE, Direction
from ..models import Contact, Message
from .mail import ParsedEmail

_TOKEN_RE = re.compile(SUBJECT_TOKEN_RE)


def _variants(ids: list[str]) -> list[str]:
    result = []
    for value in ids:
        result.extend((value, value.strip("<>")))
    return list(dict.fromkeys(v for v in result if v))


def _known_message_ids(ids: list[str], exclude_raw_id: int | None) -> dict[str, int]:
    """{bare message-id: contact id} for the ids already stored (oldest message wins)."""
    if not ids:
        return {}
    qs = Message.objects.filter(message_id__in=_variants(ids))
    if exclude_raw_id:
        qs = qs.exclude(raw_id=exclude_raw_id)
    found: dict[str, int] = {}
    for message_id, contact_id in qs.order_by("id").values_list("message_id", "contact_id"):
        found.setdefault(message_id.strip("<>"), contact_id)
    return found


def sender_belongs_to(contact: Contact, address: str) -> bool:
    if not address:
        return False
    if contact.messages.filter(
        Q(direction=Direction.INBOUND, sender_address__iexact=address)
        | Q(direction=Direction.OUTBOUND, recipients__iexact=address)
        | Q(direction=Direction.OUTBOUND, recipients__icontains=f"<{address}>")
    ).exists():
        return True
    return bool(
        contact.customer_id
        and DigitalAddress.objects.filter(customer_id=contact.customer_id, kind=AddressKind.EMAIL, value__iexact=address).exists()
    )


def find_thread(parsed: ParsedEmail, *, raw_id: int | None = None) -> tuple[Contact | None, str]:
    """(contact, how) — how is 'in-reply-to', 'message-id', 'subject-token' or ''."""
    chain = list(dict.fromkeys(([parsed.in_reply_to] if parsed.in_reply_to else []) + list(reversed(parsed.references))))
    # One query for the reply chain and the message's own id together.
    known = _known_message_ids(chain + ([parsed.message_id] if parsed.message_id else []), raw_id)
    for value in chain:
        contact_id = known.get(value.strip("<>"))
        if contact_id:
            return Contact.objects.get(pk=contact_id), "in-reply-to"
    if parsed.message_id and known.get(parsed.message_id.strip("<>")):
        return Contact.objects.get(pk=known[parsed.message_id.strip("<>")]), "message-id"
    for token in _TOKEN_RE.findall(parsed.subject or ""):
        contact = Contact.objects.filter(pk=int(token)).first() if len(token) < 19 else None
        if contact is not None and sender_belongs_to(contact, parsed.sender_address):
            return contact, "subject-token"
    return None, ""
