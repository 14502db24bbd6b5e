"""The signals board: problems in the organisation that the KCC notices (signalen), the
contacts that prove them (evidence), the departments' responses, threaded comments, who
supported each signal. Its reminders and escalations go through the one e-mail outbox
(core.OutboundEmail, kcc.core.outbox)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kcc.core.models import Department

from .constants import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    TEXT_MAX,
    TITLE_MAX,
    Impact,
    SignalCategory,
    SignalStatus,
)


class SignalQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def closed(self):
        return self.filter(status__in=CLOSED_STATUSES)

    def for_departments(self, department_ids):
        return self.filter(department_id__in=department_ids)

    def awaiting_acknowledgement(self):
        return self.filter(status=SignalStatus.NEW)

    def ack_overdue(self, today):
        """New signals whose acknowledgement deadline (end of `ack_due`) has passed."""
        return self.filter(status=SignalStatus.NEW, ack_due__lt=today)


class Signal(models.Model):
    """Signaal (knelpunt): something in the organisation that goes wrong, noticed by the KCC and
    addressed to the department that can fix it."""

    title = models.CharField(_("title"), max_length=TITLE_MAX, help_text=_("What goes wrong, in one line."))
    description = models.TextField(
        _("description"), max_length=TEXT_MAX,
        help_text=_("What the KCC sees happening, since when, and any examples."),
    )
    category = models.CharField(_("category"), max_length=20, choices=SignalCategory.choices, db_index=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="signals", verbose_name=_("concerned department"),
        help_text=_("The department that can solve it; it must acknowledge the signal."),
    )
    impact = models.CharField(
        _("impact"), max_length=10, choices=Impact.choices, default=Impact.MEDIUM,
        help_text=_("How badly residents are affected."),
    )
    impact_description = models.TextField(
        _("what residents notice"), max_length=TEXT_MAX, blank=True,
        help_text=_("The consequence for the resident: waiting, calling again, costs, ..."),
    )
    status = models.CharField(_("status"), max_length=20, choices=SignalStatus.choices, default=SignalStatus.NEW, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_signals",
        verbose_name=_("owner"), help_text=_("The person in the concerned department who follows the signal up."),
    )
    target_date = models.DateField(_("target date"), null=True, blank=True, help_text=_("When the department expects to have solved it."))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="raised_signals", verbose_name=_("raised by"),
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now, db_index=True)
    ack_due = models.DateField(
        _("acknowledge by"),
        help_text=_("The department must respond by the end of this day (KCC_SIGNAL_ACK_DAYS working days after raising)."),
    )
    responded_at = models.DateTimeField(
        _("first response at"), null=True, blank=True,
        help_text=_("The department's first status change (acknowledged or rejected); ends the acknowledgement clock."),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, help_text=_("When it was resolved or rejected."))
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from", verbose_name=_("merged into"),
        help_text=_("Set when a team lead merged this duplicate into another signal; its evidence moved there."),
    )
    resolution_article = models.ForeignKey(
        "knowledgebase.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="resolved_signals",
        verbose_name=_("changed knowledge article"),
        help_text=_("The article the department changed to solve the signal, so the fix reaches the front line."),
    )
    resolution_required_reading = models.BooleanField(
        _("flagged as mandatory read"), default=False,
        help_text=_("The article's current version was flagged as a mandatory read when resolving."),
    )
    evidence_count = models.PositiveIntegerField(
        _("number of contacts"), default=0, editable=False,
        help_text=_("Linked contacts (evidence), kept by the services so that the board sorts without counting."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Its e-mails in the one outbox (core.OutboundEmail); deleted with it.
    outbound_emails = GenericRelation("core.OutboundEmail", related_query_name="signal")

    objects = SignalQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        indexes = [
            models.Index(fields=["department", "status"], name="signal_dept_status_idx"),
            models.Index(fields=["status", "ack_due"], name="signal_status_ackdue_idx"),
            models.Index(fields=["department", "raised_at"], name="signal_dept_raised_idx"),
            # The board's and list's default order within a status.
            models.Index(fields=["status", "-evidence_count", "raised_at"], name="signal_priority_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status=SignalStatus.REJECTED),
                name="signal_merged_is_rejected",
            ),
            models.CheckConstraint(condition=~Q(merged_into=models.F("pk")), name="signal_not_merged_into_self"),
            models.CheckConstraint(
                condition=Q(status__in=OPEN_STATUSES, closed_at__isnull=True) | Q(status__in=CLOSED_STATUSES, closed_at__isnull=False),
                name="signal_closed_at_matches_status",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def ack_overdue_on(self, today) -> bool:
        return self.status == SignalStatus.NEW and self.ack_due < today

    @property
    def ack_overdue(self) -> bool:
        """The department has not responded and the deadline (end of `ack_due`) has passed."""
        return self.ack_overdue_on(timezone.localdate())

    @property
    def target_overdue(self) -> bool:
        return self.is_open and self.target_date is not None and self.target_date < timezone.localdate()

    @property
    def status_badge(self) -> str:
        """The Utrecht status-badge modifier for this status."""
        return {
            SignalStatus.NEW: "warning",
            SignalStatus.ACKNOWLEDGED: "neutral",
            SignalStatus.IN_PROGRESS: "active",
            SignalStatus.RESOLVED: "success",
            SignalStatus.REJECTED: "inactive",
        }[self.status]


class Evidence(models.Model):
    """"Ik zie dit ook": a contact that shows the signal happening."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("signal"))
    contact = models.ForeignKey(
        "inbox.Contact", on_delete=models.SET_NULL, null=True, related_name="signal_evidence", verbose_name=_("contact"),
        help_text=_("Empty when the contact was erased under the retention rules; the evidence still counts."),
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by"))
    added_at = models.DateTimeField(_("added at"), default=timezone.now, db_index=True)
    note = models.CharField(_("note"), max_length=500, blank=True, help_text=_("What this contact adds, in a few words."))

    class Meta:
        ordering = ["-added_at", "-pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [models.UniqueConstraint(fields=["signal", "contact"], name="signal_evidence_unique")]
        indexes = [models.Index(fields=["signal", "added_at"], name="evidence_signal_added_idx")]

    def __str__(self):
        return f"{self.signal_id} ← contact {self.contact_id}"


class StatusChange(models.Model):
    """A status change with the response text the KCC reads: who, from, to, why, when."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("signal"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))
    from_status = models.CharField(_("from status"), max_length=20, choices=SignalStatus.choices)
    to_status = models.CharField(_("to status"), max_length=20, choices=SignalStatus.choices)
    response = models.TextField(_("response"), max_length=TEXT_MAX, help_text=_("The department's answer to the KCC. Required."))
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        constraints = [
            models.CheckConstraint(condition=~Q(response=""), name="statuschange_response_required"),
            models.CheckConstraint(condition=~Q(from_status=models.F("to_status")), name="statuschange_changes_status"),
        ]

    def __str__(self):
        return f"{self.signal_id}: {self.from_status} → {self.to_status}"


class Comment(models.Model):
    """A comment in a signal's discussion; `parent` makes it a reply (threaded)."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="comments", verbose_name=_("signal"))
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", verbose_name=_("reply to"),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author"))
    body = models.TextField(_("comment"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="signal_comment_not_empty")]

    def __str__(self):
        return f"{self.signal_id}: {self.body[:40]}"


class Supporter(models.Model):
    """Someone who raised the signal or added evidence. They see its outcome on their home page
    until they have seen it (`seen_at`)."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="supporters", verbose_name=_("signal"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supported_signals", verbose_name=_("user"))
    since = models.DateTimeField(_("supporting since"), default=timezone.now)
    seen_at = models.DateTimeField(
        _("outcome seen at"), null=True, blank=True,
        help_text=_("When the user saw or dismissed the resolution; empty while it is still to be shown."),
    )

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        constraints = [models.UniqueConstraint(fields=["signal", "user"], name="signal_supporter_unique")]
        indexes = [models.Index(fields=["user", "seen_at"], name="supporter_user_seen_idx")]

    def __str__(self):
        return f"{self.user_id} supports {self.signal_id}"
