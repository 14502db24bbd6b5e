"""The metric definitions: the contract behind every figure on the dashboard.

Each definition carries the version in which it last changed. METRICS_VERSION is the highest of
them and is stored on every fact row, so that facts computed under an older definition can be
recognised (and rebuilt with `manage.py rebuild_metrics`). docs/metrics.md keeps the history.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MetricDefinition:
    key: str
    version: int
    name: str | Promise
    formula: str | Promise
    # "rate" (a share, shown as a percentage), "count", or "duration" (seconds)
    kind: str = "rate"
    # True when a higher value is better (colours the delta against the previous period).
    higher_is_better: bool = True


METRIC_DEFINITIONS: dict[str, MetricDefinition] = {
    d.key: d
    for d in (
        MetricDefinition(
            "base", 1, _("Contacts in the base"),
            _("Closed inbound contacts whose outcome is not 'disconnected'. Day: the local date "
              "(Europe/Amsterdam) on which the contact started. Department: the contact's topic department."),
            kind="count",
        ),
        MetricDefinition(
            "fcr", 1, _("First-contact resolution (FCR)"),
            _("(Resolved independently + resolved after consulting a colleague) / base."),
        ),
        MetricDefinition(
            "fcr_adjusted", 1, _("Repeat-adjusted FCR"),
            _("FCR contacts after which the same customer had no other inbound contact about the same "
              "topic department, started later on the same local day or up to 7 local days later "
              "(not counting other questions in the same conversation), divided by the base. "
              "Anonymous contacts count as their agent reported them."),
        ),
        MetricDefinition(
            "transfer_rate", 1, _("Transfer rate"),
            _("Contacts with outcome 'transferred' / base."),
            higher_is_better=False,
        ),
        MetricDefinition(
            "misroute_rate", 1, _("Misroute rate"),
            _("Transfers that the receiving department marked 'not for us' / all transfers, both "
              "counted over the transfers of the contacts in the base."),
            higher_is_better=False,
        ),
        MetricDefinition(
            "callback_rate", 1, _("Callback rate"),
            _("Contacts with outcome 'callback request created' / base."),
            higher_is_better=False,
        ),
        MetricDefinition(
            "callback_on_time", 1, _("Callbacks on time"),
            _("Callback requests done (an attempt that reached the resident, or finally unreachable "
              "after the required attempts) on or before their deadline / callback requests whose "
              "deadline falls in the period. Cancelled requests, and open requests whose deadline "
              "has not passed yet, are left out of both; they are shown separately."),
        ),
        MetricDefinition(
            "incoming_transfers", 1, _("Incoming transfers"),
            _("Transfers to the department of contacts in the base, by the day the contact started."),
            kind="count", higher_is_better=False,
        ),
        MetricDefinition(
            "incoming_misroute_rate", 1, _("Misroute rate of incoming transfers"),
            _("Transfers to the department that it marked 'not for us' / all transfers to the department."),
            higher_is_better=False,
        ),
        MetricDefinition(
            "missed_transfers", 1, _("Transfers that should have come here"),
            _("Transfers to another department that marked them 'not for us' and named this department as the right one."),
            kind="count", higher_is_better=False,
        ),
        MetricDefinition(
            "open_overdue", 1, _("Open callbacks past their deadline"),
            _("Callback requests of the department that are still open or claimed while their deadline has passed, "
              "whatever the period: what is waiting now."),
            kind="count", higher_is_better=False,
        ),
        MetricDefinition(
            "handle_median", 1, _("Handle time (median)"),
            _("Median of end minus answer over the contacts in the base that have both times. "
              "Estimated from a histogram with fixed buckets: exact to within one bucket "
              "(15 seconds below 3 minutes, 30 seconds below 6, 1 minute below 12)."),
            kind="duration", higher_is_better=False,
        ),
        MetricDefinition(
            "handle_p90", 1, _("Handle time (90th percentile)"),
            # xgettext:no-python-format
            _("90% of the contacts in the base were handled within this time (end minus answer); "
              "estimated from the same histogram as the median."),
            kind="duration", higher_is_better=False,
        ),
        MetricDefinition(
            "acw_median", 2, _("After-call work (median)"),
            _("Median of closing minus end of the conversation over the closed inbound contacts that have both "
              "times (the end of the conversation comes from the telephony 'ended' event or the agent's "
              "'Conversation ended'). Estimated from a histogram with fixed buckets: exact to within one bucket "
              "(10 seconds below 1 minute, 15 seconds below 2, 30 seconds below 5, 1 minute below 10)."),
            kind="duration", higher_is_better=False,
        ),
        MetricDefinition(
            "acw_p90", 2, _("After-call work (90th percentile)"),
            # xgettext:no-python-format
            _("90% of the closed inbound contacts with a recorded end of the conversation were closed within this "
              "time after it; estimated from the same histogram as the median."),
            kind="duration", higher_is_better=False,
        ),
    )
}

METRICS_VERSION: int = max(d.version for d in METRIC_DEFINITIONS.values())
