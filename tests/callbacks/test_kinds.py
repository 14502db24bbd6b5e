"""Request kinds and their deadline norms (callbacks/kinds.py, docs/callbacks.md "Request kinds")."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from callbacks.constants import CallbackStatus, RequestKindCode, Urgency
from callbacks.kinds import available_kinds
from callbacks.services import callback_attempt_log, callback_close
from kcc.core.exceptions import DomainError

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")


def at(*args):
    return datetime(*args, tzinfo=AMS)


def test_callback_kind_keeps_the_department_norm_in_working_days(make_callback, belastingen):
    belastingen.callback_norm_days = 2
    belastingen.save()
    # Friday 4 December 2026, 16:59: day 0 is that Friday; two working days later is Tuesday.
    callback = make_callback(now=at(2026, 12, 4, 16, 59))
    assert (callback.kind, callback.urgency, callback.due_at) == (RequestKindCode.CALLBACK, "", None)
    assert callback.deadline.isoformat() == "2026-12-08"


def test_repair_is_only_offered_to_a_housing_corporation(settings, make_callback):
    settings.KCC_ORGANISATION_KIND = "gemeente"
    assert [k.code for k in available_kinds()] == [RequestKindCode.CALLBACK]
    with pytest.raises(DomainError) as exc:
        make_callback(kind=RequestKindCode.REPAIR, urgency=Urgency.NORMAL)
    assert exc.value.field == "kind"


def test_normal_repair_counts_the_configured_working_days(corporation_profile, settings, make_callback, belastingen):
    settings.KCC_REPAIR_NORM_DAYS = 3
    belastingen.callback_norm_days = 1  # the department's callback norm does not apply to repairs
    belastingen.save()
    # Made on Saturday: counts from Monday 7 December; three working days later is Thursday.
    repair = make_callback(kind=RequestKindCode.REPAIR, urgency=Urgency.NORMAL, now=at(2026, 12, 5, 10, 0))
    assert (repair.deadline.isoformat(), repair.due_at) == ("2026-12-10", None)


def test_emergency_repair_is_due_within_hours_the_same_day(corporation_profile, settings, make_callback):
    settings.KCC_REPAIR_EMERGENCY_HOURS = 4
    # A leak reported on a Saturday morning (no working day): due the same day at 14:00.
    repair = make_callback(kind=RequestKindCode.REPAIR, urgency=Urgency.EMERGENCY, now=at(2026, 12, 5, 10, 0))
    assert repair.due_at == at(2026, 12, 5, 14, 0)
    assert repair.deadline.isoformat() == "2026-12-05"
    assert not repair.is_overdue(now=at(2026, 12, 5, 13, 59))
    assert repair.is_overdue(now=at(2026, 12, 5, 14, 1))


def test_emergency_after_hours_rule_runs_through_the_night(corporation_profile, settings, make_callback):
    """After-hours rule: the hours run around the clock (the emergency service works nights), so
    an emergency reported at 22:30 on Christmas Eve is due at 02:30 on Christmas Day."""
    settings.KCC_REPAIR_EMERGENCY_HOURS = 4
    repair = make_callback(kind=RequestKindCode.REPAIR, urgency=Urgency.EMERGENCY, now=at(2026, 12, 24, 22, 30))
    assert repair.due_at == at(2026, 12, 25, 2, 30)
    assert repair.deadline.isoformat() == "2026-12-25"


@pytest.mark.parametrize("urgency", ["", "whenever"])
def test_repair_needs_a_known_urgency(corporation_profile, make_callback, urgency):
    with pytest.raises(DomainError) as exc:
        make_callback(kind=RequestKindCode.REPAIR, urgency=urgency)
    assert exc.value.field == "urgency"


def test_callback_has_no_urgency(make_callback):
    with pytest.raises(DomainError) as exc:
        make_callback(urgency=Urgency.EMERGENCY)
    assert exc.value.field == "urgency"


def test_emergency_on_time_is_judged_by_the_moment(corporation_profile, settings, make_callback, backoffice_belastingen):
    from django.utils import timezone

    settings.KCC_REPAIR_EMERGENCY_HOURS = 4
    made = timezone.now() - timezone.timedelta(hours=5)
    repair = make_callback(kind=RequestKindCode.REPAIR, urgency=Urgency.EMERGENCY, now=made)
    callback_attempt_log(user=backoffice_belastingen, callback=repair, result="reached")
    repair = callback_close(user=backoffice_belastingen, callback=repair, outcome="Loodgieter geweest")
    # Same local date perhaps, but five hours after it was made: one hour late.
    assert (repair.status, repair.closed_on_time) == (CallbackStatus.DONE, False)
