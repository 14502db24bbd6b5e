"""Outbound adapters: e-mail replies (threaded) and social replies (HTTP adapter).

E-mail: a reply is stored first (``email_reply_store``) and sent after the commit
(``email_deliver``), so that a rolled-back transaction never sends mail and a failed send never
loses the text. Threading headers follow RFC 5322 §3.6.4:
* Message-ID is generated on ``settings.KCC_MAIL_DOMAIN``;
* In-Reply-To is the Message-ID of the last inbound message;
* References is that message's References (or In-Reply-To) followed by its Message-ID;
* the subject carries the token ``[KCC-<contact id>]``, so that a reply from a mail client
  that drops the headers still finds its contact.

Social: one JSON POST to ``settings.KCC_SOCIAL_OUTBOUND_URL`` with a bearer token. The adapter
(a small service next to the WhatsApp Cloud API / Messenger) answers 2xx with an optional
``{"message_id": "..."}``. Anything else is a DomainError and nothing is stored. Without a URL,
`make run` (dev settings only) uses a loopback that accepts the reply without sending it.
"""

import json
import logging
import re
import urllib.error
import urllib.request
import uuid
from email.utils import formataddr, make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _

from kcc.core.constants import AddressKind
from kcc.core.exceptions import DomainError

from .constants import SUBJECT_TOKEN_FORMAT, SUBJECT_TOKEN_RE, Channel, DeliveryStatus, Direction
from .models import Contact, Message

logger = logging.getLogger(__name__)

_REPLY_PREFIX_RE = re.compile(r"^\s*((re|aw|antw|antwoord|fw|fwd|doorst)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_MSGID_RE = re.compile(r"<[^<>\s]+>")
# Keep References bounded: the first id (thread root) and the most recent ones.
MAX_REFERENCES = 20
SOCIAL_TIMEOUT_SECONDS = 10


def subject_token(contact: Contact) -> str:
    return SUBJECT_TOKEN_FORMAT.format(pk=contact.pk)


def reply_subject(contact: Contact, parent: Message | None) -> str:
    """'Re: <original subject> [KCC-<id>]' without stacking Re:/Antw: prefixes or tokens."""
    base = (parent.subject if parent and parent.subject else contact.subject) or _("Your question")
    base = re.sub(SUBJECT_TOKEN_RE, "", base)
    base = _REPLY_PREFIX_RE.sub("", base).strip() or _("Your question")
    return f"Re: {base} {subject_token(contact)}"[:500]


def _ids(value: str) -> list[str]:
    """Message-ids in a header value, with angle brackets; a bare id gets them added."""
    value = (value or "").strip()
    if not value:
        return []
    found = _MSGID_RE.findall(value)
    if found:
        return found
    return [f"<{part.strip('<>')}>" for part in value.split() if part.strip("<>")]


def threading_headers(parent: Message | None) -> tuple[str, str]:
    """(In-Reply-To, References) for a reply to `parent`."""
    if parent is None:
        return "", ""
    own = _ids(parent.message_id)
    if not own:
        return "", ""
    chain = _ids(parent.references) or _ids(parent.in_reply_to)
    chain = [i for i in dict.fromkeys(chain) if i != own[0]] + own[:1]
    if len(chain) > MAX_REFERENCES:
        chain = chain[:1] + chain[-(MAX_REFERENCES - 1):]
    return own[0], " ".join(chain)


def reply_recipient(contact: Contact, parent: Message | None) -> str:
    if parent is not None and parent.sender_address and "@" in parent.sender_address:
        return parent.sender_address
    if contact.customer_id:
        address = (
            contact.customer.addresses.filter(kind=AddressKind.EMAIL).order_by("-is_default", "-verified_at", "pk").first()
        )
        if address is not None:
            return address.value
    raise DomainError(_("No e-mail address is known for this resident, so the reply cannot be sent."), code="no_address")


def from_address() -> str:
    return formataddr((f"KCC {settings.KCC_ORGANISATION_NAME}", settings.KCC_MAIL_REPLY_ADDRESS))


def email_reply_store(*, contact: Contact, parent: Message | None, text: str, author) -> Message:
    """Store the outbound reply with its threading headers (delivery pending)."""
    in_reply_to, references = threading_headers(parent)
    return Message.objects.create(
        contact=contact,
        direction=Direction.OUTBOUND,
        channel=Channel.EMAIL,
        sender=from_address(),
        sender_address=settings.KCC_MAIL_REPLY_ADDRESS,
        recipients=reply_recipient(contact, parent),
        subject=reply_subject(contact, parent),
        message_id=make_msgid(domain=settings.KCC_MAIL_DOMAIN),
        in_reply_to=in_reply_to,
        references=references,
        body_text=text,
        sent_at=timezone.now(),
        author=author,
        delivery_status=DeliveryStatus.PENDING,
    )


def email_message_for(message: Message) -> EmailMessage:
    """The EmailMessage for a stored outbound reply (also used to send it again)."""
    headers = {"Message-ID": message.message_id}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
    if message.references:
        headers["References"] = message.references
    return EmailMessage(
        subject=message.subject,
        body=message.body_text,
        from_email=message.sender or from_address(),
        to=[message.recipients],
        reply_to=[settings.KCC_MAIL_REPLY_ADDRESS],
        headers=headers,
    )


def email_deliver(*, message_id: int) -> bool:
    """Send a pending reply; record success or the error on the message. Runs after commit.

    Idempotent: a message that is not pending is left alone, so a retried call sends nothing
    twice.
    """
    updated = Message.objects.filter(pk=message_id, delivery_status=DeliveryStatus.PENDING).update(
        delivery_status=DeliveryStatus.SENT
    )
    if not updated:
        return False
    message = Message.objects.get(pk=message_id)
    try:
        email_message_for(message).send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - any transport failure is recorded, never raised into the request
        logger.warning("E-mail reply %s could not be sent: %s", message_id, exc.__class__.__name__)
        Message.objects.filter(pk=message_id).update(
            delivery_status=DeliveryStatus.FAILED, delivery_error=f"{exc.__class__.__name__}: {exc}"[:1000]
        )
        Contact.objects.filter(pk=message.contact_id).update(updated_at=timezone.now())
        return False
    return True


def _loopback_send(*, contact: Contact) -> str:
    """Development only (`make run`, settings.KCC_SOCIAL_OUTBOUND_LOOPBACK): accept the reply as
    sent without sending it anywhere, so the demo's WhatsApp replies work. The text is not logged."""
    logger.info("Social reply for contact %s accepted by the development loopback (nothing sent)", contact.pk)
    return f"loopback-{uuid.uuid4()}"


def social_send(*, contact: Contact, parent: Message | None, text: str) -> str:
    """POST the reply to the social outbound adapter; returns the provider's message id ('' if
    none). Raises DomainError when not configured or when the adapter does not accept it."""
    url = settings.KCC_SOCIAL_OUTBOUND_URL
    if not url and settings.KCC_SOCIAL_OUTBOUND_LOOPBACK:
        return _loopback_send(contact=contact)
    if not url:
        # Said in the agent's words: the setting's name is for the administrator (docs/integrations.md).
        raise DomainError(
            _("Replies via WhatsApp and social media are not switched on for this organisation yet, so your reply was not sent. Please answer the resident another way, for example by phone or e-mail, and tell the functional administrator."),
            code="not_configured",
        )
    if urlsplit(url).scheme not in ("http", "https"):
        raise DomainError(_("The social media adapter address is not an http(s) URL. Your reply was not sent."), code="not_configured")
    key = str(uuid.uuid4())
    payload = {
        "channel": contact.channel,
        "conversation_id": contact.external_id,
        "recipient": parent.sender_address if parent else "",
        "in_reply_to": parent.provider_message_id if parent else "",
        "text": text,
        "contact_id": contact.pk,
        "idempotency_key": key,
    }
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": f"Bearer {settings.KCC_SOCIAL_OUTBOUND_TOKEN}",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=SOCIAL_TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(65536)
    except urllib.error.HTTPError as exc:
        logger.warning("Social adapter refused reply for contact %s: HTTP %s", contact.pk, exc.code)
        raise DomainError(
            _("The social media channel refused the reply (HTTP %(status)s). It was not sent; your text is still in the form.")
            % {"status": exc.code},
            code="adapter_error",
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        logger.warning("Social adapter unreachable for contact %s: %s", contact.pk, exc)
        raise DomainError(
            _("The social media channel could not be reached. The reply was not sent; your text is still in the form."),
            code="adapter_unreachable",
        ) from None
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        data = {}
    return str(data.get("message_id") or data.get("id") or "") if isinstance(data, dict) else ""
