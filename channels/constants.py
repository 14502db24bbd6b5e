from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")
    FACEBOOK = "facebook", _("Facebook")
    INSTAGRAM = "instagram", _("Instagram")
    X = "x", _("X")
    WEBFORM = "webform", _("Web form")
    COUNTER = "counter", _("Counter")


SOCIAL_CHANNELS = frozenset({Channel.WHATSAPP, Channel.FACEBOOK, Channel.INSTAGRAM, Channel.X})


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class ContactStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved independently")
    RESOLVED_AFTER_CONSULT = "resolved_after_consult", _("Resolved after consulting a colleague")
    TRANSFERRED = "transferred", _("Transferred")
    CALLBACK = "callback", _("Callback request created")
    REFERRED = "referred", _("Referred to another organisation")
    CUSTOMER_WILL_CALL_BACK = "customer_will_call_back", _("Customer will call back")
    DISCONNECTED = "disconnected", _("Disconnected")


FCR_OUTCOMES = frozenset({Outcome.RESOLVED, Outcome.RESOLVED_AFTER_CONSULT})


class InboundSource(models.TextChoices):
    EMAIL_FILE = "email_file", _("E-mail file")
    IMAP = "imap", _("IMAP mailbox")
    EMAIL_WEBHOOK = "email_webhook", _("E-mail webhook")
    PHONE_WEBHOOK = "phone_webhook", _("Telephony webhook")
    SOCIAL_META = "social_meta", _("Meta webhook (WhatsApp, Messenger)")
    WEBFORM_WEBHOOK = "webform_webhook", _("Web form / portal webhook")


class ReplyRoute(models.TextChoices):
    """How the resident wants the answer to a web-form submission (the contract's "reply.channel")."""

    EMAIL = "email", _("E-mail")
    PORTAL = "portal", _("Portal")


class InboundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROCESSED = "processed", _("Processed")
    DUPLICATE = "duplicate", _("Duplicate")
    QUARANTINED = "quarantined", _("Quarantined")


# Statuses that make up the work queue (werkvoorraad). Closed contacts never show in the inbox.
QUEUE_STATUSES = (ContactStatus.NEW, ContactStatus.OPEN, ContactStatus.WAITING)


class DeliveryStatus(models.TextChoices):
    """Delivery of an outbound message (e-mail replies are sent after the commit)."""

    PENDING = "pending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Sending failed")


class AssignedFilter(models.TextChoices):
    ME = "me", _("Assigned to me")
    UNASSIGNED = "unassigned", _("Unassigned")
    ANYONE = "anyone", _("Anyone")


class AgeFilter(models.TextChoices):
    """Minimum waiting time in the inbox filter; the value is a number of minutes."""

    HOUR = "60", _("Waiting more than 1 hour")
    FOUR_HOURS = "240", _("Waiting more than 4 hours")
    DAY = "1440", _("Waiting more than 1 day")
    THREE_DAYS = "4320", _("Waiting more than 3 days")
    WEEK = "10080", _("Waiting more than 1 week")


# Subject token that makes a resident's reply thread back to its contact, e.g.
# "Re: Uw vraag over de afvalpas [KCC-1234]". The ingestion side parses it with SUBJECT_TOKEN_RE.
SUBJECT_TOKEN_FORMAT = "[KCC-{pk}]"  # noqa: S105 - not a secret
SUBJECT_TOKEN_RE = r"\[KCC-(\d+)\]"  # noqa: S105 - not a secret
