"""The automatic acknowledgement ('ontvangstbevestiging') of a new e-mail contact.

Off unless ``settings.KCC_EMAIL_ACKNOWLEDGE`` is true. Sent after the commit, at most once per
contact and at most once per address per 24 hours, and never to automatic messages (the
ingestion decides that, see ``_acknowledgement_wanted``). The acknowledgement itself carries
``Auto-Submitted: auto-replied`` (RFC 3834), so well-behaved auto-responders do not answer it,
and it is stored as an outbound message in the thread so the agent sees what the resident got.
If its task is never run (the broker was down at the commit, or lost the job in a restart or
flush), the pending-inbound sweep sends it later (``acknowledgement_send_missed``).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from ..constants import SUBJECT_TOKEN_FORMAT, Channel, DeliveryStatus, Direction, InboundStatus
from ..models import Contact, Message

log = logging.getLogger("channels.ingestion.acknowledge")
RATE_LIMIT = timedelta(hours=24)


def _from_address() -> str:
    from email.utils import formataddr

    return formataddr((f"KCC {settings.KCC_ORGANISATION_NAME}", settings.KCC_MAIL_REPLY_ADDRESS))


def acknowledgement_send(*, message_id: int) -> Message | None:
    """Send the acknowledgement for inbound message `message_id`; returns the stored outbound
    message, or None when none is due. Idempotent: the contact row is locked while checking,
    so two workers running it at once send one acknowledgement."""
    from email.utils import make_msgid

    with transaction.atomic():
        inbound = Message.objects.filter(pk=message_id, direction=Direction.INBOUND, channel=Channel.EMAIL).first()
        if inbound is None or inbound.is_auto_reply or not inbound.sender_address:
            return None
        contact = Contact.objects.select_for_update().get(pk=inbound.contact_id)
        if contact.messages.filter(direction=Direction.OUTBOUND, is_auto_reply=True).exists():
            return None
        address = inbound.sender_address
        if Message.objects.filter(
            direction=Direction.OUTBOUND, is_auto_reply=True, recipients=address, sent_at__gte=timezone.now() - RATE_LIMIT
        ).exists():
            log.info("No acknowledgement to %s for contact %s: one was sent in the last 24 hours", address, contact.pk)
            return None
        token = SUBJECT_TOKEN_FORMAT.format(pk=contact.pk)
        subject = _("Acknowledgement of receipt: %(subject)s") % {"subject": (inbound.subject or _("your e-mail"))[:200]}
        body = _(
            "Dear Sir or Madam,\n\n"
            "Thank you for your e-mail. We have received it and registered it under number %(number)s. "
            "A member of staff will answer you as soon as possible.\n\n"
            "Please keep %(token)s in the subject when you reply.\n\n"
            "Kind regards,\n\nContact centre %(organisation)s\n\n"
            "This is an automatic message."
        ) % {"number": contact.pk, "token": token, "organisation": settings.KCC_ORGANISATION_NAME}
        references = " ".join(x for x in (inbound.references, inbound.message_id) if x).strip()
        outbound = Message.objects.create(
            contact=contact,
            direction=Direction.OUTBOUND,
            channel=Channel.EMAIL,
            sender=_from_address(),
            sender_address=settings.KCC_MAIL_REPLY_ADDRESS,
            recipients=address,
            subject=f"{subject} {token}"[:500],
            message_id=make_msgid(domain=settings.KCC_MAIL_DOMAIN),
            in_reply_to=inbound.message_id,
            references=references,
            body_text=body,
            is_auto_reply=True,
            sent_at=timezone.now(),
            delivery_status=DeliveryStatus.PENDING,
        )
    headers = {
        "Message-ID": outbound.message_id,
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
    }
    if outbound.in_reply_to:
        headers["In-Reply-To"] = outbound.in_reply_to
    if outbound.references:
        headers["References"] = outbound.references
    mail = EmailMessage(
        subject=outbound.subject,
        body=outbound.body_text,
        from_email=outbound.sender,
        to=[address],
        reply_to=[settings.KCC_MAIL_REPLY_ADDRESS],
        headers=headers,
    )
    try:
        mail.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - recorded on the message; the agent can see it
        log.warning("Acknowledgement for contact %s could not be sent: %s", contact.pk, exc.__class__.__name__)
        Message.objects.filter(pk=outbound.pk).update(
            delivery_status=DeliveryStatus.FAILED, delivery_error=f"{exc.__class__.__name__}: {exc}"[:1000]
        )
        return outbound
    Message.objects.filter(pk=outbound.pk).update(delivery_status=DeliveryStatus.SENT)
    return outbound


def acknowledgement_send_missed(*, older_than: timedelta = timedelta(minutes=2), now=None, limit: int = 500) -> int:
    """Send the acknowledgements whose task never ran; returns how many were sent.

    Candidates: e-mails processed more than `older_than` ago (fresh ones are left to their
    task) and received within the rate-limit window (later, an acknowledgement is no use),
    whose ingestion asked for an acknowledgement and whose contact has none. Idempotent and
    safe next to a late task: ``acknowledgement_send`` locks the contact and sends nothing
    when the acknowledgement exists or the address had one in the last 24 hours."""
    if not settings.KCC_EMAIL_ACKNOWLEDGE:
        return 0
    now = now or timezone.now()
    acknowledged = Message.objects.filter(contact=OuterRef("contact"), direction=Direction.OUTBOUND, is_auto_reply=True)
    ids = list(
        Message.objects.filter(
            direction=Direction.INBOUND, channel=Channel.EMAIL, raw__status=InboundStatus.PROCESSED,
            raw__received_at__gte=now - RATE_LIMIT, raw__processed_at__lt=now - older_than, raw__meta__acknowledge=True,
        )
        .exclude(Exists(acknowledged))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for message_id in ids if acknowledgement_send(message_id=message_id) is not None)
