"""Metric facts: small daily aggregates that the dashboards read instead of the raw contacts.

Facts hold no customer identity (no customer ids, names or free text), so they survive the
erasure of a customer's personal data. Department and agent are plain references without a
database constraint: removing a user account or department never deletes or blocks facts.

Every fact table is unique per key. Keys with an empty department or agent are covered by
partial unique constraints (one per combination of empty columns), which both PostgreSQL and
SQLite enforce.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kcc.core.models import Department

from .constants import (
    ACW_BUCKET_EDGES,
    ACW_BUCKET_FIELDS,
    HANDLE_BUCKET_EDGES,
    HANDLE_BUCKET_FIELDS,
    ReasonCategory,
)


def _nullable_unique(prefix: str, always: list[str], nullable: list[str]) -> list[models.UniqueConstraint]:
    """One partial unique constraint per combination of NULL / NOT NULL in `nullable` columns:
    NULL never equals NULL in a unique index, so each combination needs its own."""
    constraints = []
    for mask in range(2 ** len(nullable)):
        fields, cond = list(always), Q()
        suffix = ""
        for i, col in enumerate(nullable):
            if mask & (1 << i):
                cond &= Q(**{f"{col}__isnull": True})
                suffix += "n"
            else:
                fields.append(col)
                cond &= Q(**{f"{col}__isnull": False})
                suffix += "v"
        constraints.append(models.UniqueConstraint(fields=fields, condition=cond, name=f"{prefix}_uniq_{suffix}"))
    return constraints


class ContactCounts(models.Model):
    """The counts of a group of inbound contacts. Outcome counts are over closed contacts;
    `base` excludes 'disconnected'. Transfers and misroutes count the transfer records of the
    contacts in the base. The handle-time histogram (h00..hNN, bucket edges in
    constants.HANDLE_BUCKET_EDGES) lets any period's median and p90 be estimated by summing; so
    does the after-call-work histogram (a00..aNN, constants.ACW_BUCKET_EDGES) for the closed
    contacts with a recorded end of the conversation.

    Plain integer columns, not PositiveIntegerField: counts are never negative by construction,
    and 65 CHECK constraints on every inserted row only slow the rebuild down."""

    inbound = models.IntegerField(_("inbound contacts"), default=0, help_text=_("All inbound contacts, in any status."))
    closed = models.IntegerField(_("closed"), default=0)
    base = models.IntegerField(_("base"), default=0, help_text=_("Closed, outcome not 'disconnected'."))
    resolved = models.IntegerField(_("resolved independently"), default=0)
    resolved_after_consult = models.IntegerField(_("resolved after consult"), default=0)
    transferred = models.IntegerField(_("transferred"), default=0)
    callback = models.IntegerField(_("callback request created"), default=0)
    referred = models.IntegerField(_("referred"), default=0)
    customer_will_call_back = models.IntegerField(_("customer will call back"), default=0)
    disconnected = models.IntegerField(_("disconnected"), default=0)
    fcr = models.IntegerField(_("FCR contacts"), default=0)
    fcr_adjusted = models.IntegerField(_("FCR contacts without a repeat"), default=0)
    transfers = models.IntegerField(_("transfers"), default=0, help_text=_("Transfer records of the contacts in the base."))
    misroutes = models.IntegerField(_("misroutes"), default=0, help_text=_("Of those, marked 'not for us'."))
    handle_count = models.IntegerField(_("contacts with a handle time"), default=0)
    handle_sum = models.BigIntegerField(_("total handle time (s)"), default=0)
    handle_min = models.IntegerField(_("shortest handle time (s)"), null=True, blank=True)
    handle_max = models.IntegerField(_("longest handle time (s)"), null=True, blank=True)
    acw_count = models.IntegerField(_("contacts with after-call work"), default=0)
    acw_sum = models.BigIntegerField(_("total after-call work (s)"), default=0)
    acw_min = models.IntegerField(_("shortest after-call work (s)"), null=True, blank=True)
    acw_max = models.IntegerField(_("longest after-call work (s)"), null=True, blank=True)
    version = models.PositiveSmallIntegerField(_("definitions version"), help_text=_("METRICS_VERSION the fact was computed with."))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        abstract = True


for _i, _field in enumerate(HANDLE_BUCKET_FIELDS):
    _upper = HANDLE_BUCKET_EDGES[_i + 1] if _i + 1 < len(HANDLE_BUCKET_EDGES) else None
    ContactCounts.add_to_class(
        _field,
        models.IntegerField(
            default=0,
            help_text=f"Contacts with handle time >= {HANDLE_BUCKET_EDGES[_i]} s" + (f" and < {_upper} s." if _upper else "."),
        ),
    )
for _i, _field in enumerate(ACW_BUCKET_FIELDS):
    _upper = ACW_BUCKET_EDGES[_i + 1] if _i + 1 < len(ACW_BUCKET_EDGES) else None
    ContactCounts.add_to_class(
        _field,
        models.IntegerField(
            default=0,
            help_text=f"Contacts with after-call work >= {ACW_BUCKET_EDGES[_i]} s" + (f" and < {_upper} s." if _upper else "."),
        ),
    )


class ContactFact(ContactCounts):
    """Inbound contacts per (day, topic department, channel, agent).

    `day` is the local date (Europe/Amsterdam) on which the contact started; the agent is who
    closed the contact, else who it is assigned to.
    """

    day = models.DateField(_("day"), help_text=_("Local date (Europe/Amsterdam) on which the contacts started."))
    department = models.ForeignKey(
        Department, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+",
        verbose_name=_("topic department"), help_text=_("Empty for contacts without a topic department."),
    )
    channel = models.CharField(_("channel"), max_length=20)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+",
        verbose_name=_("agent"), help_text=_("The agent credited with the outcome (closed by), else the assigned agent."),
    )

    class Meta:
        verbose_name = _("contact fact")
        verbose_name_plural = _("contact facts")
        constraints = _nullable_unique("dashboard_cf", ["day", "channel"], ["department", "agent"])
        # Read only when agents are involved (selectors.contact_facts); every index costs on
        # the rebuild of 600,000 rows, so only these two.
        indexes = [
            models.Index(fields=["day"], name="dashboard_cf_day_idx"),
            models.Index(fields=["agent", "day"], name="dashboard_cf_agent_day_idx"),
        ]

    def __str__(self):
        return f"{self.day} {self.department_id} {self.channel} {self.agent_id}"


class ContactRollup(ContactCounts):
    """The contact facts with the agent summed out: per (day, topic department, channel). Written
    in the same transaction as the contact facts of its days. The pages read it whenever they do
    not need agents: a few dozen rows per day instead of one per agent."""

    day = models.DateField(_("day"), help_text=_("Local date (Europe/Amsterdam) on which the contacts started."))
    department = models.ForeignKey(
        Department, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+",
        verbose_name=_("topic department"), help_text=_("Empty for contacts without a topic department."),
    )
    channel = models.CharField(_("channel"), max_length=20)

    class Meta:
        verbose_name = _("contact roll-up")
        verbose_name_plural = _("contact roll-ups")
        constraints = _nullable_unique("dashboard_cr", ["day", "channel"], ["department"])
        indexes = [
            models.Index(fields=["day"], name="dashboard_cr_day_idx"),
            models.Index(fields=["department", "day"], name="dashboard_cr_dept_day_idx"),
        ]

    def __str__(self):
        return f"{self.day} {self.department_id} {self.channel}"


class AgentRollup(ContactCounts):
    """The contact facts with department and channel summed out: per (day, agent). Written in the
    same transaction as the contact facts of its days; read for the figures per agent."""

    day = models.DateField(_("day"), help_text=_("Local date (Europe/Amsterdam) on which the contacts started."))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+",
        verbose_name=_("agent"), help_text=_("The agent credited with the outcome (closed by), else the assigned agent."),
    )

    class Meta:
        verbose_name = _("agent roll-up")
        verbose_name_plural = _("agent roll-ups")
        constraints = _nullable_unique("dashboard_ar", ["day"], ["agent"])
        indexes = [
            models.Index(fields=["day"], name="dashboard_ar_day_idx"),
            models.Index(fields=["agent", "day"], name="dashboard_ar_agent_day_idx"),
        ]

    def __str__(self):
        return f"{self.day} {self.agent_id}"


class TransferFact(models.Model):
    """Transfers of the contacts in the base per (contact's day, channel, receiving department,
    reason category, correct department). `correct_department` is set only for transfers marked
    'not for us'; it is where the contact should have gone."""

    day = models.DateField(_("day"), help_text=_("Local date on which the transferred contact started."))
    channel = models.CharField(_("channel"), max_length=20)
    to_department = models.ForeignKey(
        Department, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=_("to department"),
    )
    reason_category = models.CharField(_("reason category"), max_length=20, choices=ReasonCategory.choices)
    correct_department = models.ForeignKey(
        Department, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+",
        verbose_name=_("correct department"),
    )
    transfers = models.PositiveIntegerField(_("transfers"), default=0)
    misroutes = models.PositiveIntegerField(_("marked 'not for us'"), default=0)
    version = models.PositiveSmallIntegerField(_("definitions version"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("transfer fact")
        verbose_name_plural = _("transfer facts")
        constraints = _nullable_unique("dashboard_tf", ["day", "channel", "to_department", "reason_category"], ["correct_department"])
        indexes = [
            models.Index(fields=["day"], name="dashboard_tf_day_idx"),
            models.Index(fields=["to_department", "day"], name="dashboard_tf_dept_day_idx"),
        ]

    def __str__(self):
        return f"{self.day} {self.to_department_id} {self.reason_category} {self.correct_department_id}"


class CallbackFact(models.Model):
    """Callback requests per (deadline, department).

    `due` counts every request with this deadline except cancelled ones; `on_time` those done or
    finally unreachable on or before the deadline (local date of closing); `late` those handled
    after it; `open` those still to be called.
    """

    deadline = models.DateField(_("deadline"))
    department = models.ForeignKey(
        Department, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=_("department"),
    )
    due = models.PositiveIntegerField(_("due"), default=0, help_text=_("Not cancelled."))
    on_time = models.PositiveIntegerField(_("done on time"), default=0)
    late = models.PositiveIntegerField(_("done late"), default=0)
    unreachable = models.PositiveIntegerField(_("finally unreachable"), default=0, help_text=_("Included in on time / late."))
    open = models.PositiveIntegerField(_("still open"), default=0)
    cancelled = models.PositiveIntegerField(_("cancelled"), default=0)
    version = models.PositiveSmallIntegerField(_("definitions version"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("callback fact")
        verbose_name_plural = _("callback facts")
        constraints = [models.UniqueConstraint(fields=["deadline", "department"], name="dashboard_cbf_uniq")]
        indexes = [models.Index(fields=["department", "deadline"], name="dashboard_cbf_dept_idx")]

    def __str__(self):
        return f"{self.deadline} {self.department_id}"


class JobState(models.Model):
    """State of a metrics job: the watermark for incremental runs and what the dashboard shows
    as 'figures computed at'."""

    name = models.CharField(_("job"), max_length=50, unique=True)
    watermark = models.DateTimeField(
        _("watermark"), null=True, blank=True,
        help_text=_("Rows changed after this moment are picked up by the next incremental run."),
    )
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last completed"), null=True, blank=True, help_text=_("The figures are complete up to this moment."))
    last_duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    last_days = models.PositiveIntegerField(_("days recomputed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job state")
        verbose_name_plural = _("job states")

    def __str__(self):
        return self.name
