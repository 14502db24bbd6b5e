import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kcc.core.exceptions import DomainError
from kcc.core.models import OutboundEmail
from signals import services
from signals.constants import Impact, NotificationKind, SignalCategory, SignalStatus
from signals.models import Comment, Evidence, Signal, StatusChange, Supporter

from .factories import ContactFactory, EvidenceFactory, SignalFactory

pytestmark = pytest.mark.django_db


def raise_signal(user, department, **kwargs):
    defaults = {
        "title": "Aannemer komt afspraken niet na",
        "description": "Bewoners wachten tevergeefs op de aannemer voor het herstel van de stoep.",
        "category": SignalCategory.CONTRACTOR,
        "department": department,
        "impact": Impact.HIGH,
    }
    return services.signal_raise(user=user, **(defaults | kwargs))


# --- raising ---------------------------------------------------------------------------------


def test_raising_from_a_contact_links_it_as_first_evidence_and_makes_the_raiser_a_supporter(agent, belastingen):
    contact = ContactFactory(subject="Aanslag niet ontvangen", topic_department=belastingen)
    signal = raise_signal(agent, belastingen, contact=contact, note="Derde beller vandaag")
    evidence = Evidence.objects.get(signal=signal)
    assert evidence.contact == contact
    assert evidence.added_by == agent
    assert evidence.note == "Derde beller vandaag"
    assert Supporter.objects.filter(signal=signal, user=agent).exists()
    assert signal.status == SignalStatus.NEW
    assert signal.raised_by == agent


def test_standalone_signal_has_no_evidence(agent, belastingen):
    signal = raise_signal(agent, belastingen)
    assert signal.evidence.count() == 0


@time_machine.travel(dt.datetime(2026, 3, 6, 16, 0, tzinfo=dt.UTC), tick=False)  # a Friday
def test_acknowledgement_deadline_counts_working_days_from_the_raise_date(agent, belastingen, settings):
    settings.KCC_SIGNAL_ACK_DAYS = 3
    signal = raise_signal(agent, belastingen)
    assert signal.ack_due == dt.date(2026, 3, 11)  # Mon, Tue, Wed


@time_machine.travel(dt.datetime(2026, 4, 24, 10, 0, tzinfo=dt.UTC), tick=False)  # Friday before King's Day
def test_acknowledgement_deadline_skips_dutch_public_holidays(agent, belastingen, settings):
    settings.KCC_SIGNAL_ACK_DAYS = 2
    signal = raise_signal(agent, belastingen)
    # Monday 27 April is King's Day: Tuesday and Wednesday count.
    assert signal.ack_due == dt.date(2026, 4, 29)


@time_machine.travel(dt.datetime(2026, 5, 13, 10, 0, tzinfo=dt.UTC), tick=False)  # Wednesday before Ascension
def test_acknowledgement_deadline_skips_the_organisations_closure_days(agent, belastingen, settings):
    # The same closure day that moves callback deadlines moves signal deadlines.
    from tests.core.factories import ClosureDayFactory

    ClosureDayFactory(date=dt.date(2026, 5, 15), description="Brugdag na Hemelvaart")
    settings.KCC_SIGNAL_ACK_DAYS = 2
    signal = raise_signal(agent, belastingen)
    # Thu 14 May is Ascension Day, Fri 15 a closure day, then the weekend: Mon 18 and Tue 19 count.
    assert signal.ack_due == dt.date(2026, 5, 19)


def test_reminder_waits_while_the_organisation_is_closed(agent, belastingen, settings, mailoutbox):
    """A deadline on Thursday with Friday a closure day: no reminder on Friday, one on Monday."""
    from signals.services import signal_ack_sweep
    from tests.core.factories import ClosureDayFactory

    ClosureDayFactory(date=dt.date(2026, 3, 13), description="Heidag")
    signal = raise_signal(agent, belastingen)
    Signal.objects.filter(pk=signal.pk).update(ack_due=dt.date(2026, 3, 12))
    friday = dt.datetime(2026, 3, 13, 9, 0, tzinfo=dt.UTC)
    signal_ack_sweep(now=friday)
    assert not OutboundEmail.objects.filter(signal=signal, kind="ack_reminder").exists()
    monday = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)
    signal_ack_sweep(now=monday)
    assert OutboundEmail.objects.filter(signal=signal, kind="ack_reminder").count() == 1


@pytest.mark.parametrize("field", ["title", "description"])
def test_raising_needs_title_and_description(agent, belastingen, field):
    with pytest.raises(DomainError) as exc:
        raise_signal(agent, belastingen, **{field: "   "})
    assert exc.value.field == field
    assert not Signal.objects.exists()


def test_raising_refuses_an_unknown_category(agent, belastingen):
    with pytest.raises(DomainError) as exc:
        raise_signal(agent, belastingen, category="complaint")
    assert exc.value.field == "category"


def test_backoffice_cannot_raise_signals(backoffice_belastingen, belastingen):
    with pytest.raises(PermissionDenied):
        raise_signal(backoffice_belastingen, belastingen)


def test_raising_queues_one_notice_for_the_department(agent, belastingen, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signal = raise_signal(agent, belastingen)
    note = OutboundEmail.objects.get(signal=signal)
    assert note.kind == NotificationKind.NEW_SIGNAL
    assert note.sent_at is not None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["belastingen@voorbeeldstad.example"]
    assert "Aannemer komt afspraken niet na" in mailoutbox[0].subject


# --- evidence ----------------------------------------------------------------------------------


def test_i_see_this_too_adds_evidence_and_a_supporter(agent, agent2, belastingen):
    signal = raise_signal(agent, belastingen, contact=ContactFactory())
    evidence, created, landed = services.signal_evidence_add(user=agent2, signal=signal, contact=ContactFactory(), note="ook hier")
    assert created and landed == signal
    assert signal.evidence.count() == 2
    assert Supporter.objects.filter(signal=signal).count() == 2


def test_linking_the_same_contact_twice_keeps_one_evidence(agent, agent2, belastingen):
    contact = ContactFactory()
    signal = raise_signal(agent, belastingen, contact=contact)
    _evidence, created, _ = services.signal_evidence_add(user=agent2, signal=signal, contact=contact)
    assert not created
    assert signal.evidence.count() == 1


def test_evidence_cannot_be_added_to_a_closed_signal(agent, belastingen):
    signal = SignalFactory(department=belastingen, resolved=True)
    with pytest.raises(DomainError):
        services.signal_evidence_add(user=agent, signal=signal, contact=ContactFactory())
    assert not signal.evidence.exists()


def test_evidence_for_a_merged_signal_lands_on_the_surviving_signal(agent, teamlead, belastingen):
    target = SignalFactory(department=belastingen)
    source = SignalFactory(department=belastingen)
    services.signal_merge(user=teamlead, source=source, target=target, response="Dubbel")
    _e, created, landed = services.signal_evidence_add(user=agent, signal=source, contact=ContactFactory())
    assert created and landed.pk == target.pk
    assert target.evidence.count() == 1 and source.evidence.count() == 0


def test_only_the_agent_who_linked_it_or_a_teamlead_may_unlink_evidence(agent, agent2, teamlead, belastingen):
    signal = raise_signal(agent, belastingen, contact=ContactFactory())
    evidence = signal.evidence.get()
    with pytest.raises(PermissionDenied):
        services.signal_evidence_remove(user=agent2, evidence=evidence)
    services.signal_evidence_remove(user=teamlead, evidence=evidence)
    assert not signal.evidence.exists()


# --- workflow --------------------------------------------------------------------------------


def test_department_walks_the_workflow_with_a_response_at_every_step(agent, backoffice_belastingen, belastingen):
    signal = raise_signal(agent, belastingen)
    services.signal_transition(user=backoffice_belastingen, signal=signal, to_status=SignalStatus.ACKNOWLEDGED, response="Gezien, we zoeken het uit.")
    services.signal_transition(user=backoffice_belastingen, signal=signal, to_status=SignalStatus.IN_PROGRESS, response="Brief wordt herschreven.")
    services.signal_transition(user=backoffice_belastingen, signal=signal, to_status=SignalStatus.RESOLVED, response="Nieuwe brief gaat vanaf 1 mei mee.")
    signal.refresh_from_db()
    assert signal.status == SignalStatus.RESOLVED
    assert signal.responded_at and signal.acknowledged_at and signal.resolved_at and signal.closed_at
    changes = list(StatusChange.objects.filter(signal=signal).values_list("from_status", "to_status", "response", "by"))
    assert changes == [
        ("new", "acknowledged", "Gezien, we zoeken het uit.", backoffice_belastingen.pk),
        ("acknowledged", "in_progress", "Brief wordt herschreven.", backoffice_belastingen.pk),
        ("in_progress", "resolved", "Nieuwe brief gaat vanaf 1 mei mee.", backoffice_belastingen.pk),
    ]


def test_acknowledging_makes_the_department_member_the_owner(agent, backoffice_belastingen, belastingen):
    signal = raise_signal(agent, belastingen)
    services.signal_transition(user=backoffice_belastingen, signal=signal, to_status=SignalStatus.ACKNOWLEDGED, response="Ik pak het op.")
    signal.refresh_from_db()
    assert signal.owner == backoffice_belastingen


@pytest.mark.parametrize("response", ["", "   \n "])
def test_a_status_change_without_response_is_refused(agent, backoffice_belastingen, belastingen, response):
    signal = raise_signal(agent, belastingen)
    with pytest.raises(DomainError) as exc:
        services.signal_transition(user=backoffice_belastingen, signal=signal, to_status=SignalStatus.ACKNOWLEDGED, response=response)
    assert exc.value.field == "response"
    signal.refresh_from_db()
    assert signal.status == SignalStatus.NEW
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("new", SignalStatus.IN_PROGRESS),
        ("new", SignalStatus.RESOLVED),
        ("acknowledged", SignalStatus.RESOLVED),
        ("acknowledged", SignalStatus.NEW),
        ("resolved", SignalStatus.IN_PROGRESS),
        ("rejected", SignalStatus.ACKNOWLEDGED),
        ("new", "bogus"),
    ],
)
def test_invalid_transitions_are_refused(backoffice_belastingen, belastingen, start, to):
    traits = {"new": {}, "acknowledged": {"acknowledged": True}, "resolved": {"resolved": True}, "rejected": {"rejected": True}}[start]
    signal = SignalFactory(department=belastingen, **traits)
    with pytest.raises(DomainError) as exc:
        services.signal_transition(user=backoffice_belastingen, signal=signal, to_status=to, response="Antwoord")
    assert exc.value.code == "invalid_transition"
    assert Signal.objects.get(pk=signal.pk).status == start


@pytest.mark.parametrize("start", [{}, {"acknowledged": True}, {"in_progress": True}])
def test_any_open_signal_can_be_rejected_with_a_reason(backoffice_belastingen, belastingen, start):
    signal = SignalFactory(department=belastingen, **start)
    services.signal_transition(user=backoffice_belastingen, signal=signal, to_status=SignalStatus.REJECTED, response="Niet voor ons: dit is Burgerzaken.")
    signal.refresh_from_db()
    assert signal.status == SignalStatus.REJECTED
    assert signal.closed_at is not None and signal.resolved_at is None


def test_another_department_may_not_change_the_status(backoffice_burgerzaken, agent, belastingen):
    signal = SignalFactory(department=belastingen)
    for user in (backoffice_burgerzaken, agent):
        with pytest.raises(PermissionDenied):
            services.signal_transition(user=user, signal=signal, to_status=SignalStatus.ACKNOWLEDGED, response="x")


def test_teamlead_and_manager_may_change_the_status(teamlead, manager_belastingen, belastingen):
    signal = SignalFactory(department=belastingen)
    services.signal_transition(user=manager_belastingen, signal=signal, to_status=SignalStatus.ACKNOWLEDGED, response="ok")
    services.signal_transition(user=teamlead, signal=signal, to_status=SignalStatus.IN_PROGRESS, response="ok")
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.IN_PROGRESS


def test_owner_must_work_in_the_concerned_department(backoffice_belastingen, backoffice_burgerzaken, belastingen):
    signal = SignalFactory(department=belastingen)
    with pytest.raises(DomainError) as exc:
        services.signal_assign(user=backoffice_belastingen, signal=signal, owner=backoffice_burgerzaken)
    assert exc.value.field == "owner"


def test_target_date_cannot_be_in_the_past(backoffice_belastingen, belastingen):
    signal = SignalFactory(department=belastingen)
    with pytest.raises(DomainError) as exc:
        services.signal_assign(user=backoffice_belastingen, signal=signal, owner=None, target_date=timezone.localdate() - dt.timedelta(days=1))
    assert exc.value.field == "target_date"


# --- comments --------------------------------------------------------------------------------


def test_comments_are_threaded(agent, backoffice_belastingen, belastingen):
    signal = SignalFactory(department=belastingen)
    question = services.signal_comment_add(user=backoffice_belastingen, signal=signal, body="Om welke brief gaat het?")
    answer = services.signal_comment_add(user=agent, signal=signal, body="De herinnering van maart.", parent=question)
    assert answer.parent == question
    assert list(question.replies.all()) == [answer]


def test_a_reply_must_belong_to_the_same_signal(agent, belastingen):
    other = services.signal_comment_add(user=agent, signal=SignalFactory(department=belastingen), body="Elders")
    with pytest.raises(DomainError):
        services.signal_comment_add(user=agent, signal=SignalFactory(department=belastingen), body="Reactie", parent=other)


def test_empty_comment_is_refused(agent, belastingen):
    with pytest.raises(DomainError):
        services.signal_comment_add(user=agent, signal=SignalFactory(department=belastingen), body="  ")


# --- merge -----------------------------------------------------------------------------------


def test_merge_moves_evidence_without_duplicates_comments_and_supporters(agent, agent2, teamlead, belastingen):
    shared = ContactFactory()
    target = raise_signal(agent, belastingen, title="Belastingen onbereikbaar", contact=shared)
    source = raise_signal(agent2, belastingen, title="Belastingen neemt niet op", contact=ContactFactory())
    services.signal_evidence_add(user=agent2, signal=source, contact=shared)
    thread = services.signal_comment_add(user=agent2, signal=source, body="Al de hele week")
    reply = services.signal_comment_add(user=agent, signal=source, body="Hier ook", parent=thread)

    services.signal_merge(user=teamlead, source=source, target=target, response="Zelfde probleem")

    source.refresh_from_db()
    assert source.status == SignalStatus.REJECTED
    assert source.merged_into == target
    assert source.status_changes.get().response == "Zelfde probleem"
    assert target.evidence.count() == 2  # shared contact once + the other one
    assert set(target.evidence.values_list("contact_id", flat=True)) == {shared.pk, source_contact_id(target, shared)}
    assert source.evidence.count() == 0
    reply.refresh_from_db()
    assert reply.signal == target and reply.parent_id == thread.pk
    assert set(Supporter.objects.filter(signal=target).values_list("user__username", flat=True)) == {"agent", "agent2"}
    assert not Supporter.objects.filter(signal=source).exists()
    assert Comment.objects.filter(signal=target, body__contains=f"#{source.pk}").exists()


def source_contact_id(target, shared):
    return target.evidence.exclude(contact=shared).values_list("contact_id", flat=True).get()


def test_only_teamleads_merge(agent, belastingen):
    a, b = SignalFactory(department=belastingen), SignalFactory(department=belastingen)
    with pytest.raises(PermissionDenied):
        services.signal_merge(user=agent, source=a, target=b, response="x")


def test_cannot_merge_into_itself_or_into_a_closed_signal(teamlead, belastingen):
    a = SignalFactory(department=belastingen)
    with pytest.raises(DomainError):
        services.signal_merge(user=teamlead, source=a, target=a, response="x")
    closed = SignalFactory(department=belastingen, resolved=True)
    with pytest.raises(DomainError):
        services.signal_merge(user=teamlead, source=a, target=closed, response="x")
    assert Signal.objects.get(pk=a.pk).status == SignalStatus.NEW


def test_merge_needs_an_explanation(teamlead, belastingen):
    a, b = SignalFactory(department=belastingen), SignalFactory(department=belastingen)
    with pytest.raises(DomainError):
        services.signal_merge(user=teamlead, source=a, target=b, response="")


# --- closing the loop ------------------------------------------------------------------------


def test_everyone_who_supported_sees_the_outcome_until_seen(agent, agent2, backoffice_belastingen, belastingen):
    from signals.selectors import supported_outcomes

    signal = raise_signal(agent, belastingen, contact=ContactFactory())
    services.signal_evidence_add(user=agent2, signal=signal, contact=ContactFactory())
    assert supported_outcomes(user=agent) == []  # still open: nothing to show
    services.signal_transition(user=backoffice_belastingen, signal=signal, to_status=SignalStatus.REJECTED, response="Bewuste keuze van het college.")
    assert [s.signal_id for s in supported_outcomes(user=agent)] == [signal.pk]
    assert [s.signal_id for s in supported_outcomes(user=agent2)] == [signal.pk]
    assert services.signal_outcome_seen(user=agent, signal=signal) == 1
    assert supported_outcomes(user=agent) == []
    assert [s.signal_id for s in supported_outcomes(user=agent2)] == [signal.pk]


def test_the_evidence_factory_links_a_contact(belastingen):
    evidence = EvidenceFactory(signal__department=belastingen)
    assert evidence.contact is not None


def test_evidence_counter_follows_add_remove_and_merge(agent, agent2, teamlead, belastingen):
    shared = ContactFactory()
    target = raise_signal(agent, belastingen, title="Doel", contact=shared)
    source = raise_signal(agent2, belastingen, title="Dubbel", contact=ContactFactory())
    extra, _, _ = services.signal_evidence_add(user=agent2, signal=source, contact=shared)
    services.signal_evidence_add(user=agent2, signal=source, contact=shared)  # already linked: no change
    assert Signal.objects.get(pk=source.pk).evidence_count == 2
    services.signal_evidence_remove(user=agent2, evidence=extra)
    assert Signal.objects.get(pk=source.pk).evidence_count == 1
    services.signal_evidence_add(user=agent2, signal=source, contact=shared)
    services.signal_merge(user=teamlead, source=source, target=target, response="Dubbel")
    counts = dict(Signal.objects.values_list("title", "evidence_count"))
    assert counts == {"Doel": 2, "Dubbel": 0}
    assert counts["Doel"] == Evidence.objects.filter(signal=target).count()
    Signal.objects.filter(pk=target.pk).update(evidence_count=99)
    services.signal_evidence_recount(signal_ids=[target.pk])
    assert Signal.objects.get(pk=target.pk).evidence_count == 2
