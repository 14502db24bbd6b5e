from django.db import models
from django.utils.translation import gettext_lazy as _


class CallbackStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLAIMED = "claimed", _("Claimed")
    DONE = "done", _("Done")
    UNREACHABLE = "unreachable", _("Unreachable")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses in which somebody still has to call the resident.
ACTIVE_STATUSES = frozenset({CallbackStatus.OPEN, CallbackStatus.CLAIMED})
# Statuses that count as "handled" for the on-time metric: reached, or finally unreachable
# after the required attempts (docs/callbacks.md, ARCHITECTURE "Callback on-time rate").
HANDLED_STATUSES = frozenset({CallbackStatus.DONE, CallbackStatus.UNREACHABLE})
CLOSED_STATUSES = frozenset({CallbackStatus.DONE, CallbackStatus.UNREACHABLE, CallbackStatus.CANCELLED})


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Urgent")


class TimeWindow(models.TextChoices):
    ANYTIME = "anytime", _("Any time during office hours")
    MORNING = "morning", _("Morning (9:00-12:00)")
    AFTERNOON = "afternoon", _("Afternoon (12:00-17:00)")


class AttemptResult(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    VOICEMAIL = "voicemail", _("Voicemail")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


FAILED_RESULTS = frozenset({AttemptResult.NO_ANSWER, AttemptResult.VOICEMAIL, AttemptResult.WRONG_NUMBER})


class ActivityKind(models.TextChoices):
    CREATED = "created", _("Created")
    CLAIMED = "claimed", _("Claimed")
    RELEASED = "released", _("Released")
    ATTEMPT = "attempt", _("Call attempt logged")
    DONE = "done", _("Closed as done")
    UNREACHABLE = "unreachable", _("Marked unreachable")
    CANCELLED = "cancelled", _("Cancelled")
    REASSIGNED = "reassigned", _("Reassigned")
    OVERDUE = "overdue", _("Overdue")
    ESCALATED = "escalated", _("Escalated to the manager")
    NOTIFIED = "notified", _("E-mail sent")
    MERGED = "merged", _("Customer merged")


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assignment")
    DIGEST = "digest", _("Daily digest")
    ESCALATION = "escalation", _("Escalation")
    RESIDENT_UNREACHABLE = "resident_unreachable", _("Resident could not be reached")


class AgeBucket(models.TextChoices):
    """Age of an open callback in working days since it was made."""

    D0_1 = "0-1", _("0-1 working days")
    D2_3 = "2-3", _("2-3 working days")
    D4_5 = "4-5", _("4-5 working days")
    D6_PLUS = ">5", _("more than 5 working days")


def age_bucket(working_days: int) -> str:
    if working_days <= 1:
        return AgeBucket.D0_1
    if working_days <= 3:
        return AgeBucket.D2_3
    if working_days <= 5:
        return AgeBucket.D4_5
    return AgeBucket.D6_PLUS


class RequestKindCode(models.TextChoices):
    """The kinds of request the KCC makes for a department (callbacks/kinds.py holds their norms)."""

    CALLBACK = "callback", _("Callback request")
    REPAIR = "repair", _("Repair request")


class Urgency(models.TextChoices):
    """Urgency of a repair request. Empty for kinds without urgency (callbacks)."""

    EMERGENCY = "emergency", _("Emergency (same day)")
    NORMAL = "normal", _("Normal")


class QuestionType(models.TextChoices):
    """Kinds of intake question (vragensets). Attachments are not in this slice."""

    TEXT = "text", _("Text")
    CHOICE = "choice", _("Choice")
    YES_NO = "yes_no", _("Yes or no")
    DATE = "date", _("Date")
    TIME_WINDOW = "time_window", _("Time window")
