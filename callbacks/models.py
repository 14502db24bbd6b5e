"""Callback requests (terugbelverzoeken): the promise that a department calls a resident back
before a deadline in working days, every attempt to do so, and the activity log."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kcc.core.models import Customer, Department
from kcc.core.normalize import format_phone

from .constants import (
    ACTIVE_STATUSES,
    HANDLED_STATUSES,
    ActivityKind,
    AttemptResult,
    CallbackStatus,
    Priority,
    QuestionType,
    RequestKindCode,
    TimeWindow,
    Urgency,
)


class CallbackQuerySet(models.QuerySet):
    def active(self):
        """Still to be called: open or claimed."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def overdue(self, today):
        """Active callbacks whose deadline has passed on `today` (a local date)."""
        return self.active().filter(deadline__lt=today)

    def for_department(self, department):
        return self.filter(target_department=department)

    def for_customer(self, customer):
        return self.filter(customer=customer)

    def handled(self):
        return self.filter(status__in=HANDLED_STATUSES)

    def on_time(self):
        """Handled (reached, or finally unreachable) on or before the deadline."""
        return self.handled().filter(closed_on_time=True)


class CallbackRequest(models.Model):
    """Terugbelverzoek: a department (or a named colleague in it) must call the resident back
    before `deadline`. Every change goes through callbacks.services and bumps `updated_at`."""

    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="callbacks", verbose_name=_("customer"),
        help_text=_("Empty for an anonymous caller: then the caller's name is filled in."),
    )
    caller_name = models.CharField(
        _("caller's name"), max_length=200, blank=True,
        help_text=_("Name the caller gave, for anonymous callers (no customer record)."),
    )
    phone = models.CharField(_("phone number"), max_length=20, help_text=_("Number to call back, in E.164 (+31...)."))
    question = models.TextField(_("question"), help_text=_("What the resident wants to discuss, in the agent's words."))
    source_contact = models.ForeignKey(
        "inbox.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="callbacks",
        verbose_name=_("source contact"), help_text=_("The contact in which the callback was promised, if any."),
    )
    target_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="callbacks", verbose_name=_("department"),
        help_text=_("The department that must call back."),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_callbacks",
        verbose_name=_("colleague"), help_text=_("Optional named colleague in the department; always a member of it."),
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    time_window = models.CharField(
        _("preferred time"), max_length=10, choices=TimeWindow.choices, default=TimeWindow.ANYTIME,
        help_text=_("When the resident prefers to be called."),
    )
    note = models.TextField(_("note for the colleague"), blank=True, help_text=_("Internal; never shown to the resident."))
    case_identification = models.CharField(
        _("case number"), max_length=64, blank=True, default="", db_default="",
        help_text=_("The case (zaak) the callback is about, taken from the contact it came from."),
    )
    case_url = models.URLField(_("case URL"), max_length=1000, blank=True, default="", db_default="", help_text=_("The case's URL in the Zaken API."))
    deadline = models.DateField(
        _("deadline"),
        help_text=_("Last working day to call back: the department's norm in working days from the day it was made."),
    )
    kind = models.CharField(
        _("kind of request"), max_length=12, choices=RequestKindCode.choices, default=RequestKindCode.CALLBACK,
        db_default=RequestKindCode.CALLBACK, help_text=_("Decides the deadline norm (callbacks/kinds.py)."),
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, blank=True, default="", db_default="",
        help_text=_("Repair requests only: an emergency is due within hours, the same day."),
    )
    due_at = models.DateTimeField(
        _("due at"), null=True, blank=True,
        help_text=_("For a norm in hours (emergency repairs): the moment it is due. Empty for a norm in working days."),
    )
    status = models.CharField(_("status"), max_length=12, choices=CallbackStatus.choices, default=CallbackStatus.OPEN)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="claimed_callbacks",
        verbose_name=_("claimed by"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    closed_at = models.DateTimeField(
        _("closed at"), null=True, blank=True,
        help_text=_("When it became done, unreachable or cancelled."),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("closed by"),
    )
    closed_on_time = models.BooleanField(
        _("closed on time"), null=True, blank=True,
        help_text=_("Done or finally unreachable on or before the deadline. Empty while active or when cancelled."),
    )
    outcome = models.TextField(_("result"), blank=True, help_text=_("How it ended: what was agreed, or why it was cancelled."))
    overdue_at = models.DateTimeField(
        _("marked overdue at"), null=True, blank=True,
        help_text=_("Set once by the daily sweep when the deadline passed while still active."),
    )
    escalated_at = models.DateTimeField(
        _("escalated at"), null=True, blank=True,
        help_text=_("When the department's manager was told it is overdue (once)."),
    )
    failed_attempts = models.PositiveSmallIntegerField(
        _("failed attempts"), default=0, help_text=_("Attempts without reaching the resident; at the maximum it becomes unreachable."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="created_callbacks", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(
        _("updated"), auto_now=True, db_index=True,
        help_text=_("Any change; drives the dashboard's incremental metrics."),
    )

    # Its e-mails in the one outbox (core.OutboundEmail); deleted with it.
    outbound_emails = GenericRelation("core.OutboundEmail", related_query_name="callback")

    objects = CallbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("callback request")
        verbose_name_plural = _("callback requests")
        indexes = [
            # Lists are sorted by (deadline, priority, id) and show active callbacks by default:
            # partial indexes on the active ones serve the department queue, the team lead's
            # all-departments list and the sweeps; the full one serves "all statuses" and the
            # overview's deadline ranges. "My callbacks" use the claimer/assignee indexes.
            models.Index(fields=["target_department", "deadline", "priority", "id"], condition=Q(status__in=["open", "claimed"]), name="callback_dept_active_idx"),
            models.Index(fields=["deadline", "priority", "id"], condition=Q(status__in=["open", "claimed"]), name="callback_active_idx"),
            models.Index(fields=["target_department", "deadline", "priority", "id"], name="callback_dept_deadline_idx"),
            # The overview's on-time share aggregates every callback due in a period: covering
            # index, so that is an index-only scan instead of a table scan.
            # (Key columns rather than INCLUDE: SQLite, used by `make run`, has no INCLUDE.)
            models.Index(fields=["deadline", "target_department", "status", "closed_on_time"], name="callback_due_idx"),
            models.Index(fields=["claimed_by", "status", "deadline"], name="callback_claimed_idx"),
            models.Index(fields=["assigned_to", "status", "deadline"], name="callback_assigned_idx"),
            models.Index(fields=["created_by", "status", "deadline"], name="callback_creator_idx"),
            models.Index(fields=["customer", "created_at"], name="callback_customer_idx"),
        ]
        constraints = [
            # One callback per contact: a contact has one outcome, and the demo seed and the
            # combined close form rely on it for idempotency.
            models.UniqueConstraint(fields=["source_contact"], condition=Q(source_contact__isnull=False), name="callback_one_per_contact"),
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | ~Q(caller_name=""),
                name="callback_customer_or_caller_name",
            ),
            models.CheckConstraint(
                condition=~Q(status=CallbackStatus.CLAIMED) | Q(claimed_by__isnull=False),
                name="callback_claimed_has_claimer",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[CallbackStatus.OPEN, CallbackStatus.CLAIMED]) | Q(closed_at__isnull=False),
                name="callback_closed_has_closed_at",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.display_name}"

    @property
    def display_name(self) -> str:
        if self.customer_id:
            return self.customer.full_name
        return self.caller_name

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def is_overdue(self, today=None, now=None) -> bool:
        """Past its deadline while active: the date for working-day norms, the moment
        (``due_at``) for hour norms."""
        if not self.is_active:
            return False
        if self.due_at is not None:
            return (now or timezone.now()) > self.due_at
        return self.deadline < (today or timezone.localdate())


class CallbackAttempt(models.Model):
    """Belpoging: one try to call the resident back."""

    callback = models.ForeignKey(CallbackRequest, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("callback request"))
    at = models.DateTimeField(_("when"), default=timezone.now, help_text=_("When the call was made."))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))
    result = models.CharField(_("result"), max_length=15, choices=AttemptResult.choices)
    note = models.TextField(_("note"), blank=True, help_text=_("What was discussed or agreed, or what happened."))
    created_at = models.DateTimeField(_("logged at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")
        indexes = [models.Index(fields=["callback", "at"])]

    def __str__(self):
        return f"{self.at:%d-%m-%Y %H:%M} {self.get_result_display()}"


class CallbackActivity(models.Model):
    """Activity log: every change to a callback, by whom (empty: the system) and when."""

    callback = models.ForeignKey(CallbackRequest, on_delete=models.CASCADE, related_name="activities", verbose_name=_("callback request"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("who"),
        help_text=_("Empty when the system did it (sweeps, e-mails)."),
    )
    actor_name = models.CharField(_("who (name)"), max_length=150, blank=True, help_text=_("Kept when the account is removed."))
    kind = models.CharField(_("what"), max_length=20, choices=ActivityKind.choices)
    details = models.JSONField(_("details"), default=dict, blank=True, help_text=_("What changed: old and new values, reason, result."))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activity log")
        indexes = [models.Index(fields=["callback", "at"])]

    def __str__(self):
        return f"{self.at:%d-%m-%Y %H:%M} {self.actor_name or '-'} {self.get_kind_display()}"

    @property
    def summary(self) -> str:
        """The details in words, for the activity log on screen."""
        d = self.details or {}
        if self.kind == ActivityKind.CREATED:
            text = _("For %(department)s, deadline %(deadline)s.") % {
                "department": d.get("department", ""), "deadline": _format_iso_date(d.get("deadline")),
            }
            if d.get("assigned_to"):
                text += " " + _("Named colleague: %(name)s.") % {"name": d["assigned_to"]}
            return text
        if self.kind == ActivityKind.ATTEMPT:
            result = AttemptResult(d["result"]).label if d.get("result") in AttemptResult.values else d.get("result", "")
            return f"{result}. {d.get('note', '')}".strip()
        if self.kind == ActivityKind.REASSIGNED:
            source = " / ".join(p for p in (d.get("from_department"), d.get("from_user")) if p)
            target = " / ".join(p for p in (d.get("to_department"), d.get("to_user")) if p)
            return _("From %(source)s to %(target)s. Reason: %(reason)s") % {"source": source, "target": target, "reason": d.get("reason", "")}
        if self.kind == ActivityKind.DONE:
            return d.get("outcome", "")
        if self.kind == ActivityKind.CANCELLED:
            return _("Reason: %(reason)s") % {"reason": d.get("reason", "")}
        if self.kind == ActivityKind.UNREACHABLE:
            return _("After %(n)s failed attempts.") % {"n": d.get("attempts", "")}
        if self.kind == ActivityKind.ESCALATED:
            return _("Sent to: %(to)s") % {"to": ", ".join(d.get("to") or []) or "-"}
        if self.kind == ActivityKind.NOTIFIED:
            return _("The resident was told by e-mail that we could not reach them.")
        if self.kind == ActivityKind.MERGED:
            return _("The customer record was merged into another one.")
        return ""


def _format_iso_date(value) -> str:
    from datetime import date

    from django.utils.formats import date_format

    try:
        return date_format(date.fromisoformat(value))
    except (TypeError, ValueError):
        return value or ""


class QuestionSet(models.Model):
    """Vragenset: the intake questions the agent answers when making a request of one kind for one
    (topic) department. Maintained by editors in the admin (docs/callbacks.md, "Question sets")."""

    kind = models.CharField(_("kind of request"), max_length=12, choices=RequestKindCode.choices)
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="question_sets", verbose_name=_("department"),
        help_text=_("The department the request is for; empty: for every department without a set of its own."),
    )
    title = models.CharField(_("title"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("question set")
        verbose_name_plural = _("question sets")
        ordering = ["kind", "department__name", "title"]
        constraints = [
            # One active set per kind and department, so the agent gets one list of questions.
            models.UniqueConstraint(fields=["kind", "department"], condition=Q(active=True), name="questionset_one_active"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(active=True, department__isnull=True), name="questionset_one_active_default",
            ),
        ]

    def __str__(self):
        return self.title


class Question(models.Model):
    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="questions", verbose_name=_("question set"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    type = models.CharField(_("type"), max_length=12, choices=QuestionType.choices, default=QuestionType.TEXT)
    choices = models.TextField(_("choices"), blank=True, help_text=_("For a choice question: one option per line."))
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "id"]

    def __str__(self):
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.type == QuestionType.CHOICE and len(self.choice_list) < 2:
            raise ValidationError({"choices": _("A choice question needs at least two options, one per line.")})


class RequestAnswer(models.Model):
    """The agent's answer to one intake question, with the question's text as it was asked (a
    snapshot: editing or deleting the question later does not change what was answered)."""

    request = models.ForeignKey(CallbackRequest, on_delete=models.CASCADE, related_name="answers", verbose_name=_("request"))
    question = models.ForeignKey(Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("question"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    question_text = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.question_text}: {self.answer}"
