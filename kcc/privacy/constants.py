from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionKind(models.TextChoices):
    """What a retention run removes, counted per kind in its log (never which person)."""

    CONTACT = "contact", _("Contacts")
    MESSAGE = "message", _("Messages")
    RAW_PAYLOAD = "raw_payload", _("Raw inbound payloads")
    ATTACHMENT = "attachment", _("Attachments")
    ATTACHMENT_FILE = "attachment_file", _("Attachment files in storage")
    CALL_EVENT = "call_event", _("Call events")
    EVIDENCE_NOTE = "evidence_note", _("Signal evidence notes emptied")
    CALLBACK = "callback", _("Callback requests")
    NOTIFICATION = "notification", _("Callback e-mails")
    CUSTOMER = "customer", _("Customers without contacts (search index)")
    HELD = "held", _("Kept: under legal hold")


class RunMode(models.TextChoices):
    DRY_RUN = "dry_run", _("Destruction list (nothing deleted)")
    EXECUTE = "execute", _("Deletion")


class RunStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting", _("Awaiting approval")
    APPROVED = "approved", _("Approved: being carried out")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    SUPERSEDED = "superseded", _("Superseded by a newer list")


class RetentionMode(models.TextChoices):
    """What the nightly job does (KCC_RETENTION_MODE)."""

    APPROVAL = "approval", _("Make a destruction list for approval")
    DELETE = "delete", _("Delete expired records directly")


# Channel of the raw payload sources, for the retention of payloads that no message holds.
# Column names of the retention settings, per contact type (channel).
RETENTION_SETTING_PREFIX = "KCC_RETENTION_"
