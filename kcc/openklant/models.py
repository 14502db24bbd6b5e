from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import SyncKind, SyncStatus


class SyncItemQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(status=SyncStatus.PENDING, next_attempt_at__lte=now)


class SyncItem(models.Model):
    """Outbox of the Klantinteracties register: one row per local change, written in the same
    transaction as the change. The sender reads the object's *current* state, so several rows of
    one object cost one send (the older ones are closed with it)."""

    kind = models.CharField(_("kind"), max_length=10, choices=SyncKind.choices)
    object_id = models.BigIntegerField(_("object id"), help_text=_("Primary key of the local customer, contact, callback or attempt."))
    status = models.CharField(_("status"), max_length=10, choices=SyncStatus.choices, default=SyncStatus.PENDING)
    created_at = models.DateTimeField(_("queued"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, help_text=_("Not sent before this moment (backoff after a failure)."))
    attempts = models.PositiveIntegerField(_("attempts"), default=0, help_text=_("Failed sends so far."))
    error = models.TextField(_("reason"), blank=True, help_text=_("Last error from the register; for a failed item the reason it was given up."))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = SyncItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open Klant outbox item")
        verbose_name_plural = _("Open Klant outbox")
        indexes = [
            models.Index(fields=["next_attempt_at", "id"], condition=Q(status=SyncStatus.PENDING), name="openklant_due_idx"),
            models.Index(fields=["kind", "object_id", "status"], name="openklant_object_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.object_id} ({self.get_status_display()})"


class RemoteObject(models.Model):
    """The register's UUID of a local object (the mapping table). ``key`` names the local side,
    e.g. ``partij:customer:12``, ``actor:user:3`` or ``onderwerpobject:contact:5:case``."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    uuid = models.UUIDField(_("UUID in the register"))
    url = models.URLField(_("URL in the register"), max_length=1000)
    synced_at = models.DateTimeField(_("synchronised"), auto_now=True)

    class Meta:
        verbose_name = _("Open Klant object")
        verbose_name_plural = _("Open Klant objects")

    def __str__(self):
        return self.key


class BackfillCursor(models.Model):
    """How far ``manage.py openklant_backfill`` got per kind, so an interrupted run resumes."""

    kind = models.CharField(_("kind"), max_length=10, choices=SyncKind.choices, unique=True)
    last_id = models.BigIntegerField(_("last id sent"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Open Klant backfill cursor")
        verbose_name_plural = _("Open Klant backfill cursors")

    def __str__(self):
        return f"{self.kind} {self.last_id}"
