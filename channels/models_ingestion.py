"""Models of the ingestion side: content fingerprints that make duplicates impossible, call
events from the telephony platform, and screen-pops offered to agents.

Imported at the bottom of ``channels/models.py`` so that they belong to the "inbox" app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Contact, InboundRaw

__all__ = ["CallEvent", "CallEventKind", "EmailFingerprint", "ScreenPop"]


class EmailFingerprint(models.Model):
    """The first stored copy of an e-mail's content claims its fingerprint.

    The fingerprint is the SHA-256 of the message with line endings normalised and the
    transport trace fields (Received, Return-Path, Delivered-To, ...) removed, so the same
    message read from a file (LF), from IMAP (CRLF, with Received lines) and from the webhook
    gives one fingerprint. The unique key makes a second copy a duplicate even when two
    copies are processed at the same moment: the second INSERT waits for the first
    transaction and then fails.
    """

    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True, help_text=_("SHA-256 of the normalised message."))
    raw = models.OneToOneField(
        InboundRaw, on_delete=models.CASCADE, related_name="email_fingerprint", verbose_name=_("owner"),
        help_text=_("The stored copy that is processed (or quarantined); later copies are duplicates of it."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail fingerprint")
        verbose_name_plural = _("e-mail fingerprints")

    def __str__(self):
        return self.fingerprint


class CallEventKind(models.TextChoices):
    RINGING = "ringing", _("Ringing")
    ANSWERED = "answered", _("Answered")
    ENDED = "ended", _("Ended")


class CallEvent(models.Model):
    """One event of a phone call as the telephony platform reported it.

    Unique per (call, event): the platform may send an event twice or out of order; the
    second copy changes nothing.
    """

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="call_events", verbose_name=_("contact"))
    raw = models.OneToOneField(
        InboundRaw, on_delete=models.SET_NULL, null=True, blank=True, related_name="call_event", verbose_name=_("raw payload"),
    )
    call_id = models.CharField(_("call id"), max_length=200, help_text=_("The telephony platform's id of the call."))
    event = models.CharField(_("event"), max_length=10, choices=CallEventKind.choices)
    at = models.DateTimeField(_("at"), help_text=_("When the event happened according to the platform."))
    caller = models.CharField(_("caller"), max_length=32, blank=True, help_text=_("Caller number in E.164; empty when withheld."))
    dialled = models.CharField(_("dialled number"), max_length=32, blank=True, help_text=_("The KCC number the resident called, in E.164."))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("agent"),
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("call event")
        verbose_name_plural = _("call events")
        constraints = [models.UniqueConstraint(fields=["call_id", "event"], name="callevent_once_per_call")]

    def __str__(self):
        return f"{self.call_id} {self.event}"


class ScreenPopQuerySet(models.QuerySet):
    def undismissed(self):
        return self.filter(dismissed_at__isnull=True)


class ScreenPop(models.Model):
    """A ringing call offered to an agent: 'Inkomend gesprek van 06-… — open registratiescherm'."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screen_pops", verbose_name=_("agent"))
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="screen_pops", verbose_name=_("contact"))
    call_id = models.CharField(_("call id"), max_length=200)
    caller = models.CharField(_("caller"), max_length=32, blank=True, help_text=_("Caller number in E.164; empty when withheld."))
    created_at = models.DateTimeField(_("offered at"), auto_now_add=True)
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True, help_text=_("Closed by the agent or opened."))

    objects = ScreenPopQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("screen-pop")
        verbose_name_plural = _("screen-pops")
        constraints = [models.UniqueConstraint(fields=["user", "call_id"], name="screenpop_once_per_agent_call")]
        indexes = [
            models.Index(fields=["user", "created_at"], condition=Q(dismissed_at__isnull=True), name="screenpop_open_idx"),
        ]

    def __str__(self):
        return f"{self.call_id} → {self.user_id}"
