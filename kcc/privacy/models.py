"""Privacy bookkeeping: legal holds, and the log of retention runs (counts only, never whose
data). The processing log itself lives in core (ProcessingLogEntry)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kcc.core.models import Customer

from .constants import RetentionKind, RunMode, RunStatus


class LegalHoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """A legal hold (bewaarplicht wegens een procedure, bezwaar of onderzoek) exempts records
    from retention and erasure: on a customer it covers that customer's whole merge chain and
    everything linked to it; on a contact or callback request, that record."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="legal_holds", verbose_name=_("customer"),
    )
    contact = models.ForeignKey(
        "inbox.Contact", on_delete=models.CASCADE, null=True, blank=True, related_name="legal_holds", verbose_name=_("contact"),
    )
    callback = models.ForeignKey(
        "callbacks.CallbackRequest", on_delete=models.CASCADE, null=True, blank=True, related_name="legal_holds",
        verbose_name=_("callback request"),
    )
    reason = models.CharField(
        _("reason"), max_length=200,
        help_text=_("Why the records must be kept, e.g. 'bezwaarprocedure 2026-123'. No personal data."),
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("set by"))
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("lifted by"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True, help_text=_("After this the records follow the normal retention rules again."))

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-set_at", "-pk"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(customer__isnull=False, contact__isnull=True, callback__isnull=True)
                    | Q(customer__isnull=True, contact__isnull=False, callback__isnull=True)
                    | Q(customer__isnull=True, contact__isnull=True, callback__isnull=False)
                ),
                name="legalhold_exactly_one_target",
            ),
        ]

    def __str__(self):
        target = f"customer {self.customer_id}" if self.customer_id else f"contact {self.contact_id}" if self.contact_id else f"callback {self.callback_id}"
        return f"{target}: {self.reason}"


class RetentionRun(models.Model):
    """One run of the retention job: a destruction list (dry run) or a deletion. `as_of` is the
    moment against which periods are counted, so approving a list deletes exactly what had
    expired when the list was made (minus records put on hold since)."""

    mode = models.CharField(_("mode"), max_length=10, choices=RunMode.choices)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, db_index=True)
    as_of = models.DateTimeField(_("counted at"), help_text=_("Retention periods are counted back from this moment."))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    triggered_by = models.CharField(
        _("started by"), max_length=150, help_text=_("Username, or 'nightly job'."),
    )
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    source = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="executions", verbose_name=_("approved list"),
        help_text=_("The destruction list this deletion carried out."),
    )
    periods = models.JSONField(_("retention periods"), default=dict, help_text=_("The periods in force, per kind, e.g. {'phone': 'P1Y'}."))
    error = models.TextField(_("error"), blank=True, help_text=_("Error type only; never record contents."))

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self):
        return f"{self.get_mode_display()} {self.as_of:%Y-%m-%d %H:%M}"

    def count(self, kind: str) -> int:
        return sum(e.count for e in self.entries.all() if e.kind == kind)


class RetentionLogEntry(models.Model):
    """How many records of one kind (and channel) a run removed or would remove. Counts only."""

    run = models.ForeignKey(RetentionRun, on_delete=models.CASCADE, related_name="entries", verbose_name=_("run"))
    kind = models.CharField(_("kind"), max_length=20, choices=RetentionKind.choices)
    channel = models.CharField(_("contact type"), max_length=20, blank=True, help_text=_("The channel, for contacts and their messages."))
    count = models.PositiveIntegerField(_("number"))

    class Meta:
        ordering = ["kind", "channel"]
        verbose_name = _("retention log entry")
        verbose_name_plural = _("retention log")
        constraints = [models.UniqueConstraint(fields=["run", "kind", "channel"], name="retentionlog_unique")]

    def __str__(self):
        return f"{self.kind} {self.channel} {self.count}"
