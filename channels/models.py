"""The unified inbox: contacts on every channel, their message threads, transfers, and the raw
inbound payloads they were made from."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kcc.core.models import Customer, Department
from kcc.core.storage import private_storage

from .constants import (
    Channel,
    ContactStatus,
    DeliveryStatus,
    Direction,
    InboundSource,
    InboundStatus,
    Outcome,
)


class ContactQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=ContactStatus.CLOSED)

    def closed(self):
        return self.filter(status=ContactStatus.CLOSED)

    def for_customer(self, customer):
        return self.filter(customer=customer)

    def assigned_to_user(self, user):
        return self.filter(assigned_to=user)


class Contact(models.Model):
    """Klantcontact: one interaction with a resident on one channel, about one question."""

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, db_index=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.INBOUND)
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts", verbose_name=_("customer"),
        help_text=_("Empty for an anonymous contact or one not yet identified."),
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True, help_text=_("Short summary shown in the inbox."))
    question = models.TextField(_("question"), blank=True, help_text=_("The resident's question in the agent's words."))
    notes = models.TextField(_("notes"), blank=True, help_text=_("Internal notes of the agent."))
    topic_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="topic_contacts",
        verbose_name=_("topic department"), help_text=_("The department whose subject the question is about."),
    )
    status = models.CharField(_("status"), max_length=10, choices=ContactStatus.choices, default=ContactStatus.NEW, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_contacts",
        verbose_name=_("assigned agent"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), db_index=True, help_text=_("When the resident started the contact (call rang, mail received)."))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, help_text=_("When an agent picked it up: the call was answered or the message opened."))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True, help_text=_("When the call ended or the contact was closed."))
    conversation_ended_at = models.DateTimeField(
        _("conversation ended"), null=True, blank=True,
        help_text=_("When the conversation itself ended (telephony 'ended' or the agent's 'Gesprek beëindigd'), "
                    "before the after-call work that ends when the contact is closed."),
    )
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=Outcome.choices, blank=True,
        help_text=_("How the contact ended. Every closed inbound contact has exactly one."),
    )
    conversation_key = models.UUIDField(
        _("conversation"), default=uuid.uuid4, db_index=True,
        help_text=_("Groups several questions asked in one call or thread."),
    )
    # The case (zaak) in the zaaksysteem this contact is about, linked from the desk's case panel
    # (kcc.commonground). Until December 2026 this was a free-text "zaaknummer"
    # (`case_reference`): those values live on as an identification without a URL.
    case_identification = models.CharField(
        _("case number"), max_length=64, blank=True, default="", db_default="",
        help_text=_("Identification of the case (zaak) in the case system, e.g. ZAAK-2026-00042. Older contacts may hold a free-text number without a link."),
    )
    case_url = models.URLField(
        _("case URL"), max_length=1000, blank=True, default="", db_default="",
        help_text=_("The case's URL in the Zaken API, set when the agent linked the case in the desk."),
    )
    external_id = models.CharField(
        _("external id"), max_length=200, blank=True,
        help_text=_("The telephony call id or social conversation id that created this contact."),
    )
    caller_address = models.CharField(
        _("caller number"), max_length=32, blank=True,
        help_text=_("The caller's phone number in E.164 (+31612345678), from the telephony event or typed by the agent."),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("closed by"), help_text=_("The agent credited with the outcome."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True, help_text=_("Any change; drives incremental metrics."))

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["status", "started_at", "id"], name="contact_inbox_idx"),
            models.Index(fields=["customer", "started_at"], name="contact_customer_idx"),
            models.Index(fields=["topic_department", "status"], name="contact_dept_status_idx"),
            models.Index(fields=["assigned_to", "status"], name="contact_assignee_idx"),
            # The work queue: only the few open contacts, in keyset order. The inbox always
            # filters on "not closed", so PostgreSQL answers every inbox page from this index.
            models.Index(fields=["started_at", "id"], condition=~Q(status=ContactStatus.CLOSED), name="contact_queue_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], condition=~Q(external_id=""), name="contact_external_id_unique"),
            models.CheckConstraint(
                condition=~Q(status=ContactStatus.CLOSED, direction=Direction.INBOUND, outcome=""),
                name="contact_closed_inbound_has_outcome",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.subject}"


class InboundRaw(models.Model):
    """An inbound payload exactly as received, stored before anything parses it.

    A parse failure leaves it QUARANTINED with the reason, visible to team leads, who can
    reprocess it. `dedupe_key` makes a replayed or re-fetched payload a no-op.
    """

    source = models.CharField(_("source"), max_length=20, choices=InboundSource.choices)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    payload = models.BinaryField(_("raw payload"), help_text=_("Byte for byte as received."))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    dedupe_key = models.CharField(
        _("deduplication key"), max_length=300, null=True, blank=True, unique=True,
        help_text=_("E.g. webhook id, IMAP mailbox/UIDVALIDITY/UID, or provider message id."),
    )
    meta = models.JSONField(_("metadata"), default=dict, blank=True, help_text=_("Transport details: headers, mailbox, file name."))
    status = models.CharField(_("status"), max_length=12, choices=InboundStatus.choices, default=InboundStatus.PENDING, db_index=True)
    error = models.TextField(_("reason"), blank=True, help_text=_("Why it was quarantined."))
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("inbound payload")
        verbose_name_plural = _("inbound payloads")

    def __str__(self):
        return f"{self.get_source_display()} {self.pk} ({self.get_status_display()})"


class Message(models.Model):
    """One message in a contact's thread: an e-mail or social message, in or out."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="messages", verbose_name=_("contact"))
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    raw = models.OneToOneField(
        InboundRaw, on_delete=models.PROTECT, null=True, blank=True, related_name="message", verbose_name=_("raw source"),
    )
    sender = models.CharField(_("from"), max_length=500, blank=True, help_text=_("The From header or provider sender as received."))
    sender_address = models.CharField(_("sender address"), max_length=254, blank=True, db_index=True, help_text=_("Normalised e-mail address or phone/handle; empty when ambiguous."))
    recipients = models.TextField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=500, blank=True, db_index=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=500, blank=True)
    references = models.TextField(_("References"), blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=200, blank=True, db_index=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("sanitised HTML"), blank=True, help_text=_("Cleaned with nh3; safe to render."))
    is_auto_reply = models.BooleanField(_("automatic message"), default=False, help_text=_("Auto-Submitted, Precedence: bulk, or empty Return-Path."))
    sent_at = models.DateTimeField(_("sent"), db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    delivery_status = models.CharField(
        _("delivery"), max_length=10, choices=DeliveryStatus.choices, blank=True,
        help_text=_("Outbound only: whether the reply left the building. Empty for inbound messages."),
    )
    delivery_error = models.TextField(_("delivery error"), blank=True, help_text=_("Why sending failed; the agent can send it again."))
    delivery_attempts = models.PositiveSmallIntegerField(
        _("delivery attempts"), default=0, db_default=0,
        help_text=_("Failed deliveries so far of a reply that is retried from the outbox (portal replies)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.get_direction_display()} {self.subject}"


class Attachment(models.Model):
    """A file from a message, in private storage; downloaded only through a permission check."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message"))
    filename = models.CharField(_("file name"), max_length=255, help_text=_("Sanitised: no path components."))
    content_type = models.CharField(_("content type"), max_length=100, help_text=_("Sniffed from the bytes, not trusted from the sender."))
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/", storage=private_storage)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename


class Transfer(models.Model):
    """Doorverbinding: the agent passed the contact to a department or colleague."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("contact"))
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("from"))
    to_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="incoming_transfers", verbose_name=_("to department"))
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("to colleague"))
    reason = models.TextField(_("reason"), help_text=_("Why the contact was transferred."))
    created_at = models.DateTimeField(_("transferred at"), auto_now_add=True, db_index=True)
    not_for_us_at = models.DateTimeField(_("marked 'not for us' at"), null=True, blank=True)
    not_for_us_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("marked by"))
    correct_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("correct department"),
        help_text=_("Where the transfer should have gone; feeds the misroute metric."),
    )
    not_for_us_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        indexes = [models.Index(fields=["to_department", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(not_for_us_at__isnull=True) | Q(correct_department__isnull=False),
                name="transfer_not_for_us_names_department",
            ),
        ]

    def __str__(self):
        return f"#{self.contact_id} → {self.to_department_id}"

    @property
    def is_misrouted(self) -> bool:
        return self.not_for_us_at is not None


class ContactArticle(models.Model):
    """A knowledge article used to answer a contact; counts as usage of the article."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="article_links", verbose_name=_("contact"))
    article = models.ForeignKey("knowledgebase.Article", on_delete=models.CASCADE, related_name="contact_links", verbose_name=_("article"))
    answered = models.BooleanField(_("answered the question"), default=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("marked by"))
    created_at = models.DateTimeField(_("marked at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("article used")
        verbose_name_plural = _("articles used")
        constraints = [models.UniqueConstraint(fields=["contact", "article"], name="contactarticle_unique")]

    def __str__(self):
        return f"#{self.contact_id} – {self.article_id}"


from .models_ingestion import *  # noqa: E402,F401,F403
from .models_webform import *  # noqa: E402,F401,F403
