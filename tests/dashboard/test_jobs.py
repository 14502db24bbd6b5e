"""The metrics jobs, checked against figures computed by hand on small fixed datasets."""

import random
import uuid
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from channels.constants import Channel, ContactStatus, Direction, Outcome
from channels.models import Contact
from kcc.dashboard import services
from kcc.dashboard.constants import (
    ACW_BUCKET_EDGES,
    HANDLE_BUCKET_EDGES,
    JOB_METRICS,
    ReasonCategory,
)
from kcc.dashboard.models import ContactFact, JobState, TransferFact
from tests.core.factories import CustomerFactory, DepartmentFactory

from .conftest import day_totals, snapshot
from .factories import ContactFactory, TransferFactory, local

pytestmark = pytest.mark.django_db

NOW = local(2026, 11, 20, 12, 0)


def bucket(seconds: int) -> str:
    index = max(i for i, edge in enumerate(HANDLE_BUCKET_EDGES) if edge <= seconds)
    return f"h{index:02d}"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_outcomes_base_and_fcr_of_one_day(clock, agent, belastingen):
    day = date(2026, 3, 10)
    at = local(2026, 3, 10, 9, 0)
    for outcome in [Outcome.RESOLVED, Outcome.RESOLVED, Outcome.RESOLVED_AFTER_CONSULT, Outcome.TRANSFERRED, Outcome.CALLBACK,
                    Outcome.REFERRED, Outcome.CUSTOMER_WILL_CALL_BACK, Outcome.DISCONNECTED]:
        ContactFactory(outcome=outcome, started_at=at, assigned_to=agent, topic_department=belastingen)
    ContactFactory(open=True, started_at=at, assigned_to=agent, topic_department=belastingen)
    ContactFactory(outbound=True, started_at=at, assigned_to=agent, topic_department=belastingen)

    services.metrics_rebuild()

    totals = day_totals(day)
    assert (totals["inbound"], totals["closed"], totals["base"]) == (9, 8, 7)  # outbound excluded; disconnected not in base
    assert (totals["resolved"], totals["resolved_after_consult"], totals["fcr"], totals["fcr_adjusted"]) == (2, 1, 3, 3)
    assert (totals["transferred"], totals["callback"], totals["referred"], totals["customer_will_call_back"], totals["disconnected"]) == (1, 1, 1, 1, 1)
    # Handle time over the 7 contacts in the base: 5 minutes each.
    assert (totals["handle_count"], totals["handle_sum"], totals[bucket(300)]) == (7, 2100, 7)
    fact = ContactFact.objects.get(day=day)
    assert (fact.agent_id, fact.department_id, fact.channel) == (agent.pk, belastingen.pk, Channel.PHONE)
    assert (fact.handle_min, fact.handle_max) == (300, 300)


def test_facts_are_keyed_by_agent_department_and_channel(clock, agent, agent2, belastingen, burgerzaken):
    at = local(2026, 3, 10, 9, 0)
    ContactFactory(started_at=at, assigned_to=agent, topic_department=belastingen)
    ContactFactory(started_at=at, assigned_to=agent, topic_department=belastingen, channel=Channel.EMAIL)
    ContactFactory(started_at=at, assigned_to=agent2, closed_by=agent, topic_department=burgerzaken)  # closer is credited
    ContactFactory(started_at=at, assigned_to=None, topic_department=None)
    ContactFactory(open=True, started_at=at, assigned_to=agent2, topic_department=None)  # open: the assignee

    services.metrics_rebuild()

    keys = sorted(
        (f.department_id or 0, f.channel, f.agent_id or 0, f.inbound, f.base)
        for f in ContactFact.objects.all()
    )
    assert keys == sorted([
        (belastingen.pk, "phone", agent.pk, 1, 1),
        (belastingen.pk, "email", agent.pk, 1, 1),
        (burgerzaken.pk, "phone", agent.pk, 1, 1),
        (0, "phone", 0, 1, 1),
        (0, "phone", agent2.pk, 1, 0),
    ])


def test_days_are_local_dates_around_midnight_and_both_dst_changes(clock):
    starts = {
        date(2026, 3, 10): [local(2026, 3, 10, 23, 59, 59)],
        date(2026, 3, 11): [local(2026, 3, 11, 0, 0, 0), local(2026, 3, 11, 0, 30)],  # 23:00 and 23:30 UTC on the 10th
        # Last Sunday of March: 02:00 CET becomes 03:00 CEST.
        date(2026, 3, 28): [local(2026, 3, 28, 23, 59)],
        date(2026, 3, 29): [local(2026, 3, 29, 0, 30), local(2026, 3, 29, 3, 30), local(2026, 3, 29, 23, 30)],
        date(2026, 3, 30): [local(2026, 3, 30, 0, 15)],  # 22:15 UTC on the 29th
        # Last Sunday of October: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
        date(2026, 10, 24): [local(2026, 10, 24, 23, 50)],
        date(2026, 10, 25): [
            local(2026, 10, 25, 0, 30), local(2026, 10, 25, 2, 30, fold=0), local(2026, 10, 25, 2, 30, fold=1),
            local(2026, 10, 25, 23, 30),
        ],
        date(2026, 10, 26): [local(2026, 10, 26, 0, 10)],  # 23:10 UTC on the 25th
    }
    for moments in starts.values():
        for at in moments:
            ContactFactory(started_at=at)

    services.metrics_rebuild()

    got = {f.day: f.inbound for f in ContactFact.objects.all()}
    assert got == {day: len(moments) for day, moments in starts.items()}


def test_handle_time_is_elapsed_time_across_the_dst_changes(clock):
    # 01:50 CET -> 03:10 CEST is 20 minutes, not 80; 02:50 CEST -> 02:10 CET is 20 minutes, not -40.
    ContactFactory(started_at=local(2026, 3, 29, 1, 45), answered_at=local(2026, 3, 29, 1, 50), ended_at=local(2026, 3, 29, 3, 10))
    ContactFactory(
        started_at=local(2026, 10, 25, 2, 45, fold=0), answered_at=local(2026, 10, 25, 2, 50, fold=0), ended_at=local(2026, 10, 25, 2, 10, fold=1)
    )
    services.metrics_rebuild()
    for day in (date(2026, 3, 29), date(2026, 10, 25)):
        totals = day_totals(day)
        assert (totals["handle_count"], totals["handle_sum"], totals[bucket(1200)]) == (1, 1200, 1)


def test_handle_time_histogram_min_and_max(clock):
    start = local(2026, 3, 10, 9, 0)
    for seconds in (20, 100, 100, 400, 4000):
        ContactFactory(started_at=start, answered_at=start, ended_at=start + timedelta(seconds=seconds))
    ContactFactory(started_at=start, answered_at=None, ended_at=start + timedelta(minutes=3))  # never answered: no handle time
    ContactFactory(disconnected=True, started_at=start, answered_at=start, ended_at=start + timedelta(seconds=5))  # not in the base
    services.metrics_rebuild()
    totals = day_totals(date(2026, 3, 10))
    assert (totals["base"], totals["handle_count"], totals["handle_sum"]) == (6, 5, 4620)
    assert (totals["h01"], totals["h06"], totals["h18"], totals["h34"]) == (1, 2, 1, 1)  # [15,30) [90,105) [360,420) [3600,5400)
    assert sum(totals[f"h{i:02d}"] for i in range(len(HANDLE_BUCKET_EDGES))) == 5
    fact = ContactFact.objects.get()
    assert (fact.handle_min, fact.handle_max) == (20, 4000)


def acw_bucket(seconds: int) -> str:
    index = max(i for i, edge in enumerate(ACW_BUCKET_EDGES) if edge <= seconds)
    return f"a{index:02d}"


def test_after_call_work_is_closing_minus_end_of_conversation_for_closed_contacts(clock, agent, agent2, belastingen):
    start = local(2026, 3, 10, 9, 0)
    talk_end = start + timedelta(minutes=4)
    for seconds in (0, 25, 90, 90, 400):  # closed this long after the conversation ended
        ContactFactory(started_at=start, answered_at=start, conversation_ended_at=talk_end, ended_at=talk_end + timedelta(seconds=seconds),
                       assigned_to=agent, topic_department=belastingen)
    # Counted although not in the base: the agent still wrapped it up.
    ContactFactory(disconnected=True, started_at=start, conversation_ended_at=talk_end, ended_at=talk_end + timedelta(seconds=30),
                   assigned_to=agent2, topic_department=belastingen)
    # Not counted: no recorded end of the conversation; still open; closed "before" the end (clock skew).
    ContactFactory(started_at=start, assigned_to=agent, topic_department=belastingen)
    ContactFactory(open=True, started_at=start, conversation_ended_at=talk_end, assigned_to=agent, topic_department=belastingen)
    ContactFactory(started_at=start, conversation_ended_at=talk_end, ended_at=talk_end - timedelta(seconds=5), assigned_to=agent)

    services.metrics_rebuild()

    totals = day_totals(date(2026, 3, 10))
    assert (totals["acw_count"], totals["acw_sum"]) == (6, 635)
    assert (totals[acw_bucket(0)], totals[acw_bucket(25)], totals[acw_bucket(30)], totals[acw_bucket(90)], totals[acw_bucket(400)]) == (1, 1, 1, 2, 1)
    assert sum(totals[f"a{i:02d}"] for i in range(len(ACW_BUCKET_EDGES))) == 6
    mine = ContactFact.objects.get(agent=agent, department=belastingen)
    assert (mine.acw_count, mine.acw_min, mine.acw_max) == (5, 0, 400)
    other = ContactFact.objects.get(agent=agent2)
    assert (other.acw_count, other.acw_min, other.acw_max) == (1, 30, 30)
    # Handle time stays what it was (answer to closing, contacts in the base): the five, the one
    # without a recorded end of the conversation, and the skewed one.
    assert totals["handle_count"] == 7


def test_after_call_work_recorded_later_is_picked_up_by_the_incremental_job(clock):
    start = local(2026, 11, 2, 9, 0)
    contact = ContactFactory(started_at=start, answered_at=start, ended_at=start + timedelta(minutes=6))
    services.metrics_refresh()
    assert day_totals(date(2026, 11, 2))["acw_count"] == 0
    clock.shift(timedelta(hours=1))
    contact.conversation_ended_at = start + timedelta(minutes=5)
    contact.save()
    clock.shift(timedelta(minutes=1))
    services.metrics_refresh()
    totals = day_totals(date(2026, 11, 2))
    assert (totals["acw_count"], totals["acw_sum"], totals[acw_bucket(60)]) == (1, 60, 1)


def test_repeat_contact_on_day_7_counts_but_on_day_8_does_not(clock, belastingen, burgerzaken):
    d0 = local(2026, 3, 2, 10, 0)
    c1, c2, c3, c4 = CustomerFactory.create_batch(4)
    # c1 calls again on day 7, late in the evening: more than 7 x 24 hours later, still a repeat.
    ContactFactory(customer=c1, topic_department=belastingen, started_at=d0)
    ContactFactory(customer=c1, topic_department=belastingen, started_at=local(2026, 3, 9, 23, 30), outcome=Outcome.TRANSFERRED)
    # c2 calls again on day 8, just after midnight: not a repeat.
    ContactFactory(customer=c2, topic_department=belastingen, started_at=d0)
    ContactFactory(customer=c2, topic_department=belastingen, started_at=local(2026, 3, 10, 0, 30))
    # c3 asks a second question about the same department in the same call: not a repeat.
    conversation = uuid.uuid4()
    ContactFactory(customer=c3, topic_department=belastingen, started_at=d0, conversation_key=conversation)
    ContactFactory(customer=c3, topic_department=belastingen, started_at=d0 + timedelta(minutes=5), conversation_key=conversation)
    # c4 calls later about another department, and the KCC calls c4 back (outbound): no repeat.
    ContactFactory(customer=c4, topic_department=belastingen, started_at=d0)
    ContactFactory(customer=c4, topic_department=burgerzaken, started_at=d0 + timedelta(hours=4))
    ContactFactory(customer=c4, topic_department=belastingen, started_at=d0 + timedelta(hours=5), outbound=True)
    # Anonymous contacts count as their agent reported them.
    ContactFactory(customer=None, topic_department=belastingen, started_at=d0 + timedelta(hours=1))
    ContactFactory(customer=None, topic_department=belastingen, started_at=d0 + timedelta(hours=2))

    services.metrics_rebuild()

    day0 = day_totals(date(2026, 3, 2), department=belastingen)
    assert (day0["base"], day0["fcr"], day0["fcr_adjusted"]) == (7, 7, 6)  # only c1's first contact is a repeat
    assert day_totals(date(2026, 3, 2), department=burgerzaken)["fcr_adjusted"] == 1
    assert (day_totals(date(2026, 3, 9))["fcr"], day_totals(date(2026, 3, 9))["transferred"]) == (0, 1)
    assert day_totals(date(2026, 3, 10))["fcr_adjusted"] == 1


def test_repeat_check_looks_across_the_end_of_a_chunk(clock, belastingen):
    """A chunk's repeat check reads the contacts of the 7 days after it: a contact on a chunk's last
    day is a repeat through a contact in the next chunk, and a conversation that runs over the
    boundary is skipped as a whole, exactly as when both days are one chunk."""
    c1, c2, c3, c4, c5 = CustomerFactory.create_batch(5)
    last = local(2026, 3, 10, 23, 50)  # the first chunk is 1-10 March, the second 11-20 March
    ContactFactory(customer=c1, topic_department=belastingen, started_at=last)
    ContactFactory(customer=c1, topic_department=belastingen, started_at=local(2026, 3, 13, 9, 0))  # day 3: repeat
    ContactFactory(customer=c2, topic_department=belastingen, started_at=last)
    ContactFactory(customer=c2, topic_department=belastingen, started_at=local(2026, 3, 17, 23, 30))  # day 7: repeat
    ContactFactory(customer=c3, topic_department=belastingen, started_at=last)
    ContactFactory(customer=c3, topic_department=belastingen, started_at=local(2026, 3, 18, 0, 10))  # day 8: not a repeat
    # c4: a second question in the same call just after midnight (next chunk), then another call on
    # 12 March: both questions of the call are repeats, the second one in the next chunk.
    call = uuid.uuid4()
    ContactFactory(customer=c4, topic_department=belastingen, started_at=last, conversation_key=call)
    ContactFactory(customer=c4, topic_department=belastingen, started_at=local(2026, 3, 11, 0, 5), conversation_key=call)
    ContactFactory(customer=c4, topic_department=belastingen, started_at=local(2026, 3, 12, 9, 0))
    # c5: only a second question in the same call, over the boundary: no repeat at all.
    other_call = uuid.uuid4()
    ContactFactory(customer=c5, topic_department=belastingen, started_at=last, conversation_key=other_call)
    ContactFactory(customer=c5, topic_department=belastingen, started_at=local(2026, 3, 11, 0, 5), conversation_key=other_call)
    # c1 on 9 March, later than any other c1 contact of the day: the 10 March contact is its repeat.
    ContactFactory(customer=c1, topic_department=belastingen, started_at=local(2026, 3, 9, 16, 0))

    JobState.objects.create(name=JOB_METRICS)
    services.contact_days_write(day_from=date(2026, 3, 1), day_to=date(2026, 3, 10), now=NOW)
    services.contact_days_write(day_from=date(2026, 3, 11), day_to=date(2026, 3, 20), now=NOW)
    chunked = snapshot()

    day10 = day_totals(date(2026, 3, 10))
    assert (day10["fcr"], day10["fcr_adjusted"]) == (5, 2)  # c1, c2 and c4 repeat; c3 (day 8) and c5 (same call) do not
    assert (day_totals(date(2026, 3, 11))["fcr"], day_totals(date(2026, 3, 11))["fcr_adjusted"]) == (2, 1)  # c4's second question repeats
    assert day_totals(date(2026, 3, 9))["fcr_adjusted"] == 0

    services.contact_days_write(day_from=date(2026, 3, 1), day_to=date(2026, 3, 20), now=NOW)
    assert snapshot() == chunked  # one chunk over both: the same facts

    # Chunks of one day each (the incremental job's dirty days can be that short): the same again.
    for offset in range(20):
        day = date(2026, 3, 1) + timedelta(days=offset)
        services.contact_days_write(day_from=day, day_to=day, now=NOW)
    assert snapshot() == chunked


def test_transfer_marked_not_for_us_is_a_misroute(clock, belastingen, burgerzaken):
    at = local(2026, 3, 12, 11, 0)
    wrong = ContactFactory(transferred=True, started_at=at)
    TransferFactory(contact=wrong, to_department=belastingen, reason="Vraag over de aanslag", not_for_us_at=NOW, correct_department=burgerzaken)
    TransferFactory(contact=wrong, to_department=burgerzaken, reason="Doorverbonden met de specialist")
    TransferFactory(contact=ContactFactory(transferred=True, started_at=at), to_department=burgerzaken, reason="Klacht over de behandeling")
    # A disconnected contact is not in the base, so neither is its transfer.
    TransferFactory(contact=ContactFactory(disconnected=True, started_at=at), to_department=belastingen, reason="Afspraak maken")

    services.metrics_rebuild()

    totals = day_totals(date(2026, 3, 12))
    assert (totals["base"], totals["transferred"], totals["transfers"], totals["misroutes"]) == (2, 2, 3, 1)
    rows = sorted(
        (t.to_department_id, t.reason_category, t.correct_department_id or 0, t.transfers, t.misroutes) for t in TransferFact.objects.all()
    )
    assert rows == sorted([
        (belastingen.pk, ReasonCategory.PAYMENT, burgerzaken.pk, 1, 1),
        (burgerzaken.pk, ReasonCategory.SPECIALIST, 0, 1, 0),
        (burgerzaken.pk, ReasonCategory.COMPLAINT, 0, 1, 0),  # "klacht" wins over "behandeling" (status)
    ])


def test_incremental_run_picks_up_a_contact_closed_today_for_last_month(clock):
    last_month = local(2026, 10, 14, 16, 0)
    contact = ContactFactory(open=True, started_at=last_month)
    services.metrics_rebuild()
    assert day_totals(date(2026, 10, 14))["base"] == 0

    clock.shift(timedelta(hours=1))
    contact.status, contact.outcome, contact.ended_at = ContactStatus.CLOSED, Outcome.RESOLVED, NOW
    contact.save()
    clock.shift(timedelta(minutes=2))
    result = services.metrics_refresh()

    totals = day_totals(date(2026, 10, 14))
    assert (totals["closed"], totals["base"], totals["fcr"]) == (1, 1, 1)
    assert result.kind == "incremental"
    assert result.contact_days == 8  # the day and the 7 before it (repeat window)


def test_new_contact_dirties_the_seven_days_before_it(clock, belastingen):
    customer = CustomerFactory()
    ContactFactory(customer=customer, topic_department=belastingen, started_at=local(2026, 11, 2, 9, 0))
    services.metrics_rebuild()
    assert day_totals(date(2026, 11, 2))["fcr_adjusted"] == 1

    clock.shift(timedelta(hours=1))
    ContactFactory(customer=customer, topic_department=belastingen, started_at=local(2026, 11, 9, 9, 0))  # day 7
    services.metrics_refresh()
    assert day_totals(date(2026, 11, 2))["fcr_adjusted"] == 0


def test_marking_not_for_us_later_is_picked_up_without_a_contact_change(clock, belastingen, burgerzaken):
    transfer = TransferFactory(contact=ContactFactory(started_at=local(2026, 9, 1, 9, 0), transferred=True), to_department=belastingen)
    services.metrics_rebuild()
    assert day_totals(date(2026, 9, 1))["misroutes"] == 0

    clock.shift(timedelta(hours=2))
    type(transfer).objects.filter(pk=transfer.pk).update(not_for_us_at=NOW + timedelta(hours=2), correct_department=burgerzaken)
    services.metrics_refresh()
    assert day_totals(date(2026, 9, 1))["misroutes"] == 1
    assert TransferFact.objects.get().correct_department_id == burgerzaken.pk


def test_first_incremental_run_is_a_full_rebuild_and_sets_the_watermark(clock):
    ContactFactory(started_at=local(2026, 1, 5, 9, 0))
    result = services.metrics_refresh()
    assert result.kind == "rebuild"
    state = JobState.objects.get(name=JOB_METRICS)
    assert state.watermark == NOW - services.WATERMARK_OVERLAP
    assert state.last_success_at == NOW
    assert day_totals(date(2026, 1, 5))["base"] == 1


def test_an_incremental_run_without_changes_recomputes_nothing(clock):
    ContactFactory(started_at=local(2026, 1, 5, 9, 0))
    clock.shift(timedelta(hours=1))  # beyond the watermark overlap
    services.metrics_rebuild()
    before = snapshot()
    clock.shift(timedelta(hours=1))
    result = services.metrics_refresh()
    assert (result.contact_days, result.callback_days) == (0, 0)
    assert snapshot() == before
    assert JobState.objects.get().last_success_at == NOW + timedelta(hours=2)


def test_running_a_job_twice_gives_the_same_facts(clock, belastingen):
    for i in range(10):
        ContactFactory(started_at=local(2026, 2, 1 + i, 9, 0), topic_department=belastingen)
    services.metrics_rebuild()
    first = snapshot()
    services.metrics_rebuild()
    services.metrics_refresh()
    assert snapshot() == first
    assert ContactFact.objects.count() == 10


def test_rebuild_from_a_date_keeps_earlier_facts(clock):
    ContactFactory(started_at=local(2026, 1, 5, 9, 0))
    ContactFactory(started_at=local(2026, 3, 5, 9, 0))
    services.metrics_rebuild()
    Contact.objects.all().delete()  # e.g. removed under the retention rules
    call_command("rebuild_metrics", "--from", "2026-02-01", stdout=open("/dev/null", "w"))
    assert list(ContactFact.objects.values_list("day", flat=True)) == [date(2026, 1, 5)]


def test_rebuild_command_refuses_a_malformed_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("rebuild_metrics", "--from", "5-3-2026")


def test_facts_hold_no_customer_identity_and_survive_erasure(clock, belastingen):
    customer = CustomerFactory()
    ContactFactory(customer=customer, topic_department=belastingen, started_at=local(2026, 5, 4, 9, 0))
    ContactFactory(customer=customer, topic_department=belastingen, started_at=local(2026, 5, 6, 9, 0))
    clock.shift(timedelta(hours=1))
    services.metrics_refresh()
    before = snapshot()
    for model in (ContactFact, TransferFact):
        names = {f.name for f in model._meta.get_fields()}
        assert not names & {"customer", "contact", "subject", "question", "reason"}
    customer.delete()
    clock.shift(timedelta(hours=1))
    services.metrics_refresh()
    assert snapshot() == before
    assert day_totals(date(2026, 5, 4))["fcr_adjusted"] == 0


def test_the_aggregation_runs_in_the_database_in_a_fixed_number_of_queries(clock):
    ContactFactory.create_batch(3, started_at=local(2026, 6, 1, 8, 0))
    services.metrics_rebuild()
    clock.shift(timedelta(hours=1))
    ContactFactory.create_batch(3, started_at=local(2026, 6, 1, 9, 0))
    with CaptureQueriesContext(connection) as few:
        services.metrics_refresh()
    clock.shift(timedelta(hours=1))
    ContactFactory.create_batch(60, started_at=local(2026, 6, 1, 10, 0))
    with CaptureQueriesContext(connection) as many:
        services.metrics_refresh()
    assert len(few) == len(many)  # independent of the number of contacts: no per-row work in Python
    assert any("INSERT INTO" in q["sql"] and "GROUP BY" in q["sql"] for q in many.captured_queries)
    assert day_totals(date(2026, 6, 1))["base"] == 66


# --- crash safety and incremental == rebuild ---------------------------------------------------


def _random_dataset(rng: random.Random, departments, agents, customers, n: int, first: date, days: int):
    outcomes = [o for o in Outcome.values]
    created = []
    for _ in range(n):
        start = local(first.year, first.month, first.day, 0, 0) + timedelta(days=rng.randrange(days), minutes=rng.randrange(24 * 60))
        kwargs = dict(
            started_at=start,
            channel=rng.choice([Channel.PHONE, Channel.EMAIL, Channel.WHATSAPP]),
            topic_department=rng.choice(departments + [None]),
            customer=rng.choice(customers + [None]),
            assigned_to=rng.choice(agents + [None]),
            answered_at=start + timedelta(seconds=rng.randrange(5, 600)),
        )
        kwargs["ended_at"] = kwargs["answered_at"] + timedelta(seconds=rng.randrange(10, 3000))
        if rng.random() < 0.6:  # the end of the conversation recorded: after-call work
            kwargs["conversation_ended_at"] = kwargs["ended_at"] - timedelta(seconds=rng.randrange(0, 1500))
        if rng.random() < 0.15:
            contact = ContactFactory(open=True, **kwargs)
        elif rng.random() < 0.05:
            contact = ContactFactory(outbound=True, outcome=rng.choice(outcomes), **kwargs)
        else:
            contact = ContactFactory(outcome=rng.choice(outcomes), **kwargs)
        if contact.outcome == Outcome.TRANSFERRED:
            for _ in range(rng.choice([1, 1, 2])):
                wrong = rng.random() < 0.3
                TransferFactory(
                    contact=contact, to_department=rng.choice(departments),
                    reason=rng.choice(["Vraag over de aanslag", "Klacht", "Afspraak", "Wil een specialist", "Onbekend"]),
                    not_for_us_at=start if wrong else None, correct_department=rng.choice(departments) if wrong else None,
                )
        created.append(contact)
    return created


def _mutate(rng: random.Random, contacts, departments, customers):
    """Changes a KCC makes over a day: close open contacts, correct outcomes, identify callers,
    mark transfers 'not for us'."""
    for contact in rng.sample(contacts, k=len(contacts) // 5):
        choice = rng.random()
        if contact.status != ContactStatus.CLOSED and contact.direction == Direction.INBOUND:
            contact.status, contact.outcome = ContactStatus.CLOSED, rng.choice([Outcome.RESOLVED, Outcome.CALLBACK])
        elif choice < 0.4 and contact.direction == Direction.INBOUND:
            contact.outcome = rng.choice([Outcome.RESOLVED, Outcome.RESOLVED_AFTER_CONSULT, Outcome.REFERRED, Outcome.DISCONNECTED])
        elif choice < 0.55 and contact.ended_at:
            contact.conversation_ended_at = contact.ended_at - timedelta(seconds=rng.randrange(0, 900))
        elif choice < 0.7:
            contact.customer = rng.choice(customers)
        else:
            contact.topic_department = rng.choice(departments)
        contact.save()
    for transfer in [t for c in rng.sample(contacts, k=len(contacts) // 4) for t in c.transfers.filter(not_for_us_at__isnull=True)]:
        transfer.not_for_us_at, transfer.correct_department = local(2026, 11, 20, 13, 0), rng.choice(departments)
        transfer.save()


@pytest.fixture
def world(agent, agent2, belastingen, burgerzaken):
    departments = [belastingen, burgerzaken, DepartmentFactory(code="wmo", name="Wmo")]
    customers = CustomerFactory.create_batch(8)
    return departments, [agent, agent2], customers


def test_incremental_runs_give_the_same_facts_as_a_full_rebuild(clock, world):
    departments, agents, customers = world
    rng = random.Random(2026)
    contacts = _random_dataset(rng, departments, agents, customers, n=250, first=date(2026, 8, 1), days=100)
    services.metrics_refresh()  # first run: full rebuild
    for _ in range(3):
        clock.shift(timedelta(hours=1))
        _mutate(rng, contacts, departments, customers)
        contacts += _random_dataset(rng, departments, agents, customers, n=20, first=date(2026, 8, 1), days=100)
        clock.shift(timedelta(minutes=1))
        services.metrics_refresh()
    incremental = snapshot()

    ContactFact.objects.all().delete()
    TransferFact.objects.all().delete()
    JobState.objects.all().delete()
    services.metrics_rebuild()
    assert incremental == snapshot()
    assert len(incremental["contact"]) > 100
    assert ContactFact.objects.filter(acw_count__gt=0).count() > 50  # after-call work is part of what is compared


def test_a_job_killed_halfway_and_run_again_gives_the_facts_of_a_clean_run(clock, world, monkeypatch):
    departments, agents, customers = world
    rng = random.Random(7)
    contacts = _random_dataset(rng, departments, agents, customers, n=200, first=date(2026, 5, 1), days=150)
    services.metrics_refresh()
    before_changes = snapshot()
    watermark = JobState.objects.get().watermark

    clock.shift(timedelta(hours=1))
    _mutate(rng, contacts, departments, customers)
    clock.shift(timedelta(minutes=1))

    real_write, calls = services.contact_days_write, []

    def dying_write(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return real_write(**kwargs)

    monkeypatch.setattr(services, "contact_days_write", dying_write)
    with pytest.raises(RuntimeError):
        services.metrics_refresh()
    half_done = snapshot()
    state = JobState.objects.get()
    assert state.watermark == watermark  # not moved: the next run redoes everything
    assert "worker killed" in state.last_error
    assert half_done != before_changes  # two chunks were written...

    monkeypatch.setattr(services, "contact_days_write", real_write)
    services.metrics_refresh()
    recovered = snapshot()
    assert JobState.objects.get().last_error == ""

    ContactFact.objects.all().delete()
    TransferFact.objects.all().delete()
    services.metrics_rebuild()
    clean = snapshot()
    assert recovered == clean
    assert half_done != clean  # ...but not all of them


def test_repeats_in_the_facts_are_those_of_the_definition_on_random_data(clock, world):
    """The job's single-pass repeat check (window functions) counts, per day, exactly the FCR
    contacts that the definition's EXISTS subquery (predicates.later_contact_exists, also behind
    the drill-down list) calls repeats, after incremental runs with chunks of any length."""
    from django.db.models import Count, Q, Sum
    from django.db.models.functions import Coalesce

    from kcc.dashboard.predicates import fcr_q, later_contact_exists, local_day

    departments, agents, customers = world
    rng = random.Random(13)
    contacts = _random_dataset(rng, departments, agents, customers, n=250, first=date(2026, 6, 1), days=80)
    services.metrics_refresh()
    for _ in range(2):
        clock.shift(timedelta(hours=1))
        _mutate(rng, contacts, departments, customers)
        clock.shift(timedelta(minutes=1))
        services.metrics_refresh()

    by_definition = dict(
        Contact.objects.filter(fcr_q())
        .annotate(k_day=local_day(), is_repeat=later_contact_exists("k_day"))
        .order_by()
        .values("k_day")
        .annotate(n=Count("pk", filter=Q(is_repeat=True)))
        .values_list("k_day", "n")
    )
    in_facts = dict(
        ContactFact.objects.order_by().values("day").annotate(n=Coalesce(Sum("fcr"), 0) - Coalesce(Sum("fcr_adjusted"), 0)).values_list("day", "n")
    )
    assert {d: n for d, n in in_facts.items() if n} == {d: n for d, n in by_definition.items() if n}
    assert sum(by_definition.values()) > 20  # the random data has repeats to compare


def test_beat_runs_the_incremental_job_every_configured_interval(settings):
    from kcc.celery import app

    app.loader.import_default_modules()  # what worker and beat do at start: autodiscover the tasks
    entry = settings.CELERY_BEAT_SCHEDULE["dashboard-metrics-refresh"]
    assert entry["task"] == "dashboard.metrics_refresh"
    assert entry["task"] in app.tasks
    settings.KCC_METRICS_INTERVAL_SECONDS = 60
    assert entry["schedule"].run_every == timedelta(seconds=60)
    settings.KCC_METRICS_INTERVAL_SECONDS = 120
    assert entry["schedule"].run_every == timedelta(seconds=120)


def test_the_task_runs_the_incremental_job(clock):
    from kcc.dashboard.tasks import metrics_refresh

    ContactFactory(started_at=local(2026, 11, 19, 9, 0))
    metrics_refresh.delay()
    assert JobState.objects.get().last_success_at == NOW
    assert day_totals(date(2026, 11, 19))["base"] == 1


def test_the_rollups_are_the_contact_facts_summed(clock, world):
    from django.db.models import Max, Min, Sum

    from kcc.dashboard.models import AgentRollup, ContactRollup
    from kcc.dashboard.services import ROLLUP_SUMS

    departments, agents, customers = world
    _random_dataset(random.Random(3), departments, agents, customers, n=150, first=date(2026, 9, 1), days=30)
    services.metrics_refresh()

    def grouped(model, *keys):
        rows = model.objects.values(*keys).annotate(
            *[Sum(c) for c in ROLLUP_SUMS], Min("handle_min"), Max("handle_max"), Min("acw_min"), Max("acw_max")
        ).order_by()
        return sorted((tuple(r.values()) for r in rows), key=repr)

    assert grouped(ContactRollup, "day", "department", "channel") == grouped(ContactFact, "day", "department", "channel")
    assert grouped(AgentRollup, "day", "agent") == grouped(ContactFact, "day", "agent")
    assert ContactRollup.objects.count() < ContactFact.objects.count()
    assert AgentRollup.objects.count() < ContactFact.objects.count()
