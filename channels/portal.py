"""Replies to the resident or tenant portal: a signed outbound POST, sent from the outbox and retried.

The reply is stored first as an outbound Message on the web-form channel with delivery status
"pending" (the outbox row); a worker sends it after the commit (task ``channels.portal_deliver``)
and the periodic sweep (``channels.portal_deliver_pending``, kcc/settings/beat.py) retries what is
still pending. So a portal that is down costs a delay, not the reply, and the agent sees the state
on the message ("Being sent…", or "could not be sent" with "Send again").

The request (docs/integrations.md, "Webformulier en huurdersportaal"):

* ``POST settings.KCC_PORTAL_OUTBOUND_URL`` with a JSON body (``portal_reply_payload``);
* signed per Standard Webhooks with ``settings.KCC_PORTAL_OUTBOUND_SECRET`` (whsec_<base64>):
  headers ``webhook-id`` (``kcc-reply-<message id>``: the same on every retry, so the portal can
  drop a second copy), ``webhook-timestamp`` and ``webhook-signature``;
* any 2xx is delivered (an optional ``{"message_id": "..."}`` is kept); anything else, or no answer
  within 10 seconds, is retried up to PORTAL_MAX_ATTEMPTS times, then marked failed.

Races: each send claims the message under a row lock with SKIP LOCKED and sets the outcome in the
same transaction, so two workers never send one reply at once. A worker killed after the portal
accepted but before the commit sends it once more, with the same webhook-id.
"""

import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kcc.core.exceptions import DomainError
from kcc.core.terminology import term

from .constants import Channel, DeliveryStatus, Direction
from .models import Contact, Message
from .models_webform import FormSubmission
from .webhooks import WebhookNotConfigured, sign

logger = logging.getLogger(__name__)

PORTAL_TIMEOUT_SECONDS = 10
# The sweep runs every 5 minutes: twelve attempts keep a reply trying for about an hour.
PORTAL_MAX_ATTEMPTS = 12
MAX_RESPONSE_BYTES = 65536


def portal_configured() -> bool:
    return bool(settings.KCC_PORTAL_OUTBOUND_URL) or settings.KCC_PORTAL_OUTBOUND_LOOPBACK


def portal_check_configured() -> None:
    """Refuse a portal reply the adapter cannot take (checked before anything is stored)."""
    url = settings.KCC_PORTAL_OUTBOUND_URL
    if not url and settings.KCC_PORTAL_OUTBOUND_LOOPBACK:
        return
    if not url:
        raise DomainError(
            _("Replies to the %(portal)s are not switched on for this organisation yet, so your reply was not sent. "
              "Please answer another way, for example by phone or e-mail, and tell the functional administrator.")
            % {"portal": term("portal")},
            code="not_configured",
        )
    if urlsplit(url).scheme not in ("http", "https"):
        raise DomainError(_("The portal adapter address is not an http(s) URL. Your reply was not sent."), code="not_configured")


def portal_reply_store(*, contact: Contact, submission: FormSubmission, text: str, author) -> Message:
    """Store the reply for the portal (delivery pending); the caller sends it after commit."""
    return Message.objects.create(
        contact=contact,
        direction=Direction.OUTBOUND,
        channel=Channel.WEBFORM,
        sender=settings.KCC_ORGANISATION_NAME,
        recipients=submission.portal_reference,
        subject=submission.form_name,
        body_text=text,
        sent_at=timezone.now(),
        author=author,
        delivery_status=DeliveryStatus.PENDING,
    )


def portal_webhook_id(message: Message) -> str:
    return f"kcc-reply-{message.pk}"


def portal_reply_payload(message: Message, submission: FormSubmission | None) -> dict:
    """The JSON body posted to the portal (documented in docs/openapi/webform.yaml, PortalReply)."""
    return {
        "type": "reply",
        "id": portal_webhook_id(message),
        "portal_reference": message.recipients,
        "form_id": submission.form_id if submission else "",
        "submission_id": submission.submission_id if submission else "",
        "contact_id": message.contact_id,
        "subject": message.subject,
        "text": message.body_text,
        "sent_at": message.sent_at.isoformat(),
        "organisation": settings.KCC_ORGANISATION_NAME,
    }


def _post(message: Message, submission: FormSubmission | None) -> str:
    """Send one reply; returns the portal's message id ('' if none). Raises on any failure
    (the reason, without the text, is recorded by the caller)."""
    url = settings.KCC_PORTAL_OUTBOUND_URL
    if not url and settings.KCC_PORTAL_OUTBOUND_LOOPBACK:
        logger.info("Portal reply %s accepted by the development loopback (nothing sent)", message.pk)
        return f"loopback-{uuid.uuid4()}"
    if not url or urlsplit(url).scheme not in ("http", "https"):
        raise WebhookNotConfigured("KCC_PORTAL_OUTBOUND_URL is empty or not an http(s) URL")
    body = json.dumps(portal_reply_payload(message, submission)).encode()
    msg_id = portal_webhook_id(message)
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(settings.KCC_PORTAL_OUTBOUND_SECRET, msg_id, timestamp, body),
            "Idempotency-Key": msg_id,
        },
    )
    with urllib.request.urlopen(request, timeout=PORTAL_TIMEOUT_SECONDS) as response:  # noqa: S310
        answer = response.read(MAX_RESPONSE_BYTES)
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        data = {}
    return str(data.get("message_id") or "")[:200] if isinstance(data, dict) else ""


def _failure(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return _("The portal refused the reply (HTTP %(status)s).") % {"status": exc.code}
    if isinstance(exc, WebhookNotConfigured):
        return _("The portal adapter is not configured.")
    return _("The portal could not be reached (%(error)s).") % {"error": exc.__class__.__name__}


def portal_deliver(*, message_id: int) -> bool:
    """Send one pending portal reply (the task queued after commit); True when delivered.
    Idempotent: only a pending message is sent, claimed under a row lock (skip_locked)."""
    return portal_deliver_batch(queryset=Message.objects.filter(pk=message_id), limit=1) == 1


def portal_deliver_pending(*, older_than: timedelta = timedelta(minutes=1), limit: int = 200) -> int:
    """The sweep: retry portal replies still pending `older_than` after they were stored (so it
    does not race the task queued after commit)."""
    cutoff = timezone.now() - older_than
    return portal_deliver_batch(queryset=Message.objects.filter(created_at__lt=cutoff), limit=limit)


def portal_deliver_batch(*, queryset, limit: int) -> int:
    sent = 0
    tried: list[int] = []
    for _attempt in range(limit):
        with transaction.atomic():
            message = (
                queryset.select_for_update(skip_locked=True, of=("self",))
                .filter(channel=Channel.WEBFORM, direction=Direction.OUTBOUND, delivery_status=DeliveryStatus.PENDING)
                .exclude(pk__in=tried)
                .order_by("pk")
                .first()
            )
            if message is None:
                break
            tried.append(message.pk)
            submission = FormSubmission.objects.filter(message__contact_id=message.contact_id).order_by("-message__sent_at").first()
            try:
                provider_id = _post(message, submission)
            except Exception as exc:  # noqa: BLE001 - every transport failure is recorded and retried
                logger.warning("Portal reply %s not delivered: %s", message.pk, exc.__class__.__name__)
                given_up = message.delivery_attempts + 1 >= PORTAL_MAX_ATTEMPTS
                Message.objects.filter(pk=message.pk).update(
                    delivery_attempts=F("delivery_attempts") + 1,
                    delivery_error=_failure(exc)[:1000],
                    delivery_status=DeliveryStatus.FAILED if given_up else DeliveryStatus.PENDING,
                )
                if given_up:
                    Contact.objects.filter(pk=message.contact_id).update(updated_at=timezone.now())
                continue
            Message.objects.filter(pk=message.pk).update(
                delivery_status=DeliveryStatus.SENT, delivery_error="", provider_message_id=provider_id
            )
            sent += 1
    return sent


def portal_schedule(message_id: int) -> None:
    """After commit, hand the reply to a worker; with the broker down the sweep sends it."""
    from kcc.core.outbox import enqueue_after_commit

    from .tasks import portal_deliver_task

    enqueue_after_commit(portal_deliver_task, message_id, label=f"portal reply {message_id}")
