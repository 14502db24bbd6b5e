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


class InboundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROCESSED = "processed", _("Processed")
    DUPLICATE = "duplicate", _("Duplicate")
    QUARANTINED = "quarantined", _("Quarantined")
