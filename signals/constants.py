from django.db import models
from django.utils.translation import gettext_lazy as _


class SignalCategory(models.TextChoices):
    PROCESS = "process", _("Process")
    KNOWLEDGE = "knowledge", _("Knowledge")
    REACHABILITY = "reachability", _("Reachability")
    CONTRACTOR = "contractor", _("Contractor")
    SYSTEM = "system", _("System")
    OTHER = "other", _("Other")


class SignalStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    REJECTED = "rejected", _("Rejected")


class Impact(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class NotificationKind(models.TextChoices):
    NEW_SIGNAL = "new_signal", _("New signal for the department")
    ACK_REMINDER = "ack_reminder", _("Acknowledgement reminder")
    ACK_ESCALATION = "ack_escalation", _("Escalation to the manager")


OPEN_STATUSES = (SignalStatus.NEW, SignalStatus.ACKNOWLEDGED, SignalStatus.IN_PROGRESS)
CLOSED_STATUSES = (SignalStatus.RESOLVED, SignalStatus.REJECTED)

# The workflow. Every transition carries a response text. Any open signal can be rejected.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    SignalStatus.NEW: (SignalStatus.ACKNOWLEDGED, SignalStatus.REJECTED),
    SignalStatus.ACKNOWLEDGED: (SignalStatus.IN_PROGRESS, SignalStatus.REJECTED),
    SignalStatus.IN_PROGRESS: (SignalStatus.RESOLVED, SignalStatus.REJECTED),
    SignalStatus.RESOLVED: (),
    SignalStatus.REJECTED: (),
}

# Order of the board's columns.
BOARD_COLUMNS = (
    SignalStatus.NEW, SignalStatus.ACKNOWLEDGED, SignalStatus.IN_PROGRESS, SignalStatus.RESOLVED, SignalStatus.REJECTED,
)
# Cards per column on the board; the list view shows everything.
BOARD_COLUMN_LIMIT = 30
# Closed columns on the board show only signals closed within this many days.
BOARD_CLOSED_DAYS = 30

# Similar-signal suggestions: minimum score to show a signal as "possibly the same".
SIMILAR_MIN_SCORE = 0.3
SIMILAR_DEFAULT_LIMIT = 5

TITLE_MAX = 200
TEXT_MAX = 5000
