"""Request kinds: what the KCC can ask a department to do, each with its own deadline norm.

A callback request (``callback``) is one kind; a repair request (``repair``, corporation profile
only) is another. Both are rows of ``CallbackRequest`` with ``kind`` (and, for repairs,
``urgency``) set; the kind decides the deadline:

* a norm in **working days** gives only the date ``deadline`` (``due_at`` stays empty): the
  department's ``callback_norm_days`` for callbacks, ``KCC_REPAIR_NORM_DAYS`` for normal repairs,
  counted with ``kcc.core.workdays.WorkCalendar`` (no cut-off hour);
* a norm in **hours** (emergency repairs) gives ``due_at``, a moment, and ``deadline`` is its local
  date, so the lists, sweeps and figures that sort and count on the date keep working.

See docs/callbacks.md, "Request kinds".
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from kcc.core import terminology
from kcc.core.models import Department
from kcc.core.workdays import WorkCalendar

from .constants import RequestKindCode, Urgency


@dataclass(frozen=True)
class Deadline:
    """A request's deadline: always a date; for hour norms also the moment (``due_at``)."""

    date: date
    due_at: datetime | None = None
    hours: int | None = None
    days: int | None = None


@dataclass(frozen=True)
class RequestKind:
    code: str
    profiles: tuple[str, ...]
    urgencies: tuple[str, ...] = ()

    @property
    def label(self):
        return RequestKindCode(self.code).label

    def available(self) -> bool:
        return terminology.kind() in self.profiles

    def deadline(self, *, made_at: datetime, department: Department, urgency: str = "", calendar: WorkCalendar | None = None) -> Deadline:
        calendar = calendar or WorkCalendar()
        if self.code == RequestKindCode.REPAIR:
            if urgency == Urgency.EMERGENCY:
                # Around the clock: the emergency service works nights, weekends and holidays.
                hours = settings.KCC_REPAIR_EMERGENCY_HOURS
                due_at = timezone.localtime(made_at) + timedelta(hours=hours)
                return Deadline(date=due_at.date(), due_at=due_at, hours=hours)
            days = settings.KCC_REPAIR_NORM_DAYS
            return Deadline(date=calendar.deadline(made_at, days), days=days)
        days = department.callback_norm_days
        return Deadline(date=calendar.deadline(made_at, days), days=days)


KINDS: dict[str, RequestKind] = {
    RequestKindCode.CALLBACK: RequestKind(RequestKindCode.CALLBACK, profiles=terminology.KINDS),
    RequestKindCode.REPAIR: RequestKind(
        RequestKindCode.REPAIR, profiles=(terminology.CORPORATION,), urgencies=(Urgency.EMERGENCY, Urgency.NORMAL),
    ),
}


def request_kind(code: str) -> RequestKind:
    return KINDS[code]


def available_kinds() -> list[RequestKind]:
    """The kinds this organisation profile offers (repairs only for a housing corporation)."""
    return [k for k in KINDS.values() if k.available()]
