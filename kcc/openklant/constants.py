from django.db import models
from django.utils.translation import gettext_lazy as _


class SyncKind(models.TextChoices):
    """What an outbox item sends to the Klantinteracties register (docs/integrations.md)."""

    CUSTOMER = "customer", _("Customer (partij)")
    CONTACT = "contact", _("Contact (klantcontact)")
    CALLBACK = "callback", _("Callback request (interne taak)")
    ATTEMPT = "attempt", _("Callback attempt (klantcontact)")


class SyncStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# Stable identifiers the KCC writes into the register, so a retry finds what an interrupted send
# already created (lookup before create). Ten characters at most (the spec's maxLength).
NUMBER_PREFIX = {
    SyncKind.CUSTOMER: "K",   # partij.nummer
    SyncKind.CONTACT: "C",    # klantcontact.referentienummer
    SyncKind.ATTEMPT: "P",    # klantcontact.referentienummer (terugbelpoging)
    SyncKind.CALLBACK: "T",   # internetaak.referentienummer
}

# ISO 639-2/B, as the spec asks for `taal`.
LANGUAGE_DUTCH = "dut"
# The actoridentificator register of the KCC's own staff and departments.
ACTOR_REGISTER = "kcc"

# The desk panel's lookup (two requests: the party by BSN, then its addresses): each request's
# deadline, and when the browser gives up on the panel (a little over both).
PANEL_REQUEST_TIMEOUT = 1.5
PANEL_GIVE_UP_MS = 3500
