from datetime import timedelta

import pytest
from django.utils import timezone

from callbacks import demo
from callbacks.constants import AttemptResult, CallbackStatus
from callbacks.models import CallbackRequest
from callbacks.selectors import department_overview
from channels.constants import ContactStatus, Outcome
from kcc.core import demo as core_demo
from kcc.core.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture
def core_data():
    core_demo.seed(lambda msg: None)


def test_seed_makes_one_callback_per_callback_contact_and_is_idempotent(core_data, make_contact):
    belastingen = Department.objects.get(code="belastingen")
    contacts = [
        make_contact(status=ContactStatus.CLOSED, outcome=Outcome.CALLBACK, topic_department=belastingen,
                     started_at=timezone.now() - timedelta(days=d), ended_at=timezone.now() - timedelta(days=d))
        for d in (1, 5, 20)
    ]
    make_contact(status=ContactStatus.CLOSED, outcome=Outcome.RESOLVED, ended_at=timezone.now())
    demo.seed(lambda msg: None)
    assert set(CallbackRequest.objects.filter(source_contact__isnull=False).values_list("source_contact", flat=True)) == {c.pk for c in contacts}
    total = CallbackRequest.objects.count()
    assert total == 3 + demo.STANDALONE_TARGET
    demo.seed(lambda msg: None)
    assert CallbackRequest.objects.count() == total


def test_seed_leaves_no_contact_closed_as_a_callback_without_its_callback(core_data, make_contact, django_assert_num_queries):
    """The invariant holds after seeding, also for a callback contact older than the demo's 90
    days (the inbox demo inserts contacts directly)."""
    from channels.models import Contact

    belastingen = Department.objects.get(code="belastingen")
    for days in (2, 120, 400):
        moment = timezone.now() - timedelta(days=days)
        make_contact(status=ContactStatus.CLOSED, outcome=Outcome.CALLBACK, topic_department=belastingen, started_at=moment, ended_at=moment)
    demo.seed(lambda msg: None)
    with django_assert_num_queries(1):
        assert not Contact.objects.filter(status=ContactStatus.CLOSED, outcome=Outcome.CALLBACK, callbacks__isnull=True).exists()


def test_seed_without_callback_contacts_fills_90_days_with_realistic_callbacks(core_data):
    demo.seed(lambda msg: None)
    qs = CallbackRequest.objects.all()
    assert qs.count() == demo.STANDALONE_TARGET_WITHOUT_CONTACTS
    assert qs.filter(created_at__lt=timezone.now() - timedelta(days=80)).exists()
    # Every done callback has a reached attempt; every unreachable one the failed attempts.
    for cb in qs.filter(status=CallbackStatus.DONE).prefetch_related("attempts")[:200]:
        assert any(a.result == AttemptResult.REACHED for a in cb.attempts.all())
    for cb in qs.filter(status=CallbackStatus.UNREACHABLE).prefetch_related("attempts")[:50]:
        assert len(cb.attempts.all()) == 3
    from django.contrib.auth import get_user_model

    teamlead = get_user_model().objects.get(username="teamleider")
    rows = {r.department.code: r for r in department_overview(user=teamlead, period_days=90)["rows"]}
    assert 60 <= rows["belastingen"].on_time_pct <= 78
    for code in ("burgerzaken", "werk-inkomen", "wmo"):
        assert rows[code].on_time_pct >= 84
