from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from callbacks.constants import ActivityKind, AttemptResult, CallbackStatus, NotificationKind
from callbacks.models import CallbackActivity
from callbacks.services import (
    callback_attempt_log,
    callback_cancel,
    callback_claim,
    callback_close,
    callback_reassign,
    callback_release,
    callbacks_customer_merge,
)
from kcc.core.constants import LogAction, Purpose
from kcc.core.exceptions import DomainError
from kcc.core.models import OutboundEmail, ProcessingLogEntry
from tests.core.factories import CustomerFactory

pytestmark = pytest.mark.django_db


# --- create ------------------------------------------------------------------------------


@pytest.mark.parametrize("notation", ["06-12345678", "06 1234 5678", "+31 6 12345678", "0031612345678", "(06) 12345678"])
def test_phone_in_any_dutch_notation_is_stored_in_e164(make_callback, notation):
    assert make_callback(phone=notation).phone == "+31612345678"


def test_invalid_phone_is_refused_with_a_dutch_error(make_callback):
    with pytest.raises(DomainError) as exc:
        make_callback(phone="06-1234")
    assert exc.value.field == "phone"
    assert "telefoonnummer" in str(exc.value.message).lower()


def test_anonymous_callback_needs_the_callers_name(make_callback):
    with pytest.raises(DomainError) as exc:
        make_callback(caller_name="")
    assert exc.value.field == "caller_name"


def test_named_colleague_must_belong_to_the_target_department(make_callback, backoffice_burgerzaken, backoffice_belastingen, belastingen):
    with pytest.raises(DomainError) as exc:
        make_callback(target_department=belastingen, assigned_to=backoffice_burgerzaken)
    assert exc.value.field == "assigned_to"
    assert make_callback(target_department=belastingen, assigned_to=backoffice_belastingen).assigned_to == backoffice_belastingen


def test_create_logs_activity_and_the_processing_log(make_callback, agent, resident):
    callback = make_callback(customer=resident)
    entry = CallbackActivity.objects.get(callback=callback)
    assert (entry.kind, entry.actor, entry.details["department"]) == (ActivityKind.CREATED, agent, "Belastingen")
    log = ProcessingLogEntry.objects.get(customer=resident, action=LogAction.CREATE)
    assert log.purpose == Purpose.CALLBACK


def test_assignment_mails_the_departments_shared_address_after_commit(make_callback, belastingen, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        callback = make_callback()
    assert mailoutbox == []  # nothing leaves before the commit
    for fn in callbacks:
        fn()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [belastingen.email]
    assert "Nieuw terugbelverzoek voor Belastingen" in mail.subject
    assert f"/terugbellen/{callback.pk}/" in mail.body


def test_assignment_to_a_colleague_mails_the_colleague(make_callback, backoffice_belastingen, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_callback(assigned_to=backoffice_belastingen)
    assert [m.to for m in mailoutbox] == [[backoffice_belastingen.email]]
    assert "Beste Petra Jansen" in mailoutbox[0].body


# --- claim, attempts, close ------------------------------------------------------------


def test_second_claim_of_same_callback_is_refused(make_callback, backoffice_belastingen, backoffice2_belastingen):
    callback = make_callback()
    callback_claim(user=backoffice_belastingen, callback=callback)
    with pytest.raises(DomainError) as exc:
        callback_claim(user=backoffice2_belastingen, callback=callback)
    assert "Petra Jansen" in exc.value.message
    callback.refresh_from_db()
    assert (callback.status, callback.claimed_by) == (CallbackStatus.CLAIMED, backoffice_belastingen)


def test_only_the_departments_colleagues_can_claim(make_callback, backoffice_burgerzaken):
    with pytest.raises(DomainError):
        callback_claim(user=backoffice_burgerzaken, callback=make_callback())


def test_release_puts_it_back_in_the_queue(make_callback, backoffice_belastingen, backoffice2_belastingen):
    callback = make_callback()
    callback_claim(user=backoffice_belastingen, callback=callback)
    with pytest.raises(DomainError):
        callback_release(user=backoffice2_belastingen, callback=callback)
    callback_release(user=backoffice_belastingen, callback=callback)
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.OPEN and callback.claimed_by is None
    callback_claim(user=backoffice2_belastingen, callback=callback)


def test_closing_without_a_reached_attempt_is_refused(make_callback, backoffice_belastingen):
    callback = make_callback()
    callback_claim(user=backoffice_belastingen, callback=callback)
    with pytest.raises(DomainError) as exc:
        callback_close(user=backoffice_belastingen, callback=callback)
    assert exc.value.code == "not_reached"
    callback_attempt_log(user=backoffice_belastingen, callback=callback, result=AttemptResult.VOICEMAIL)
    with pytest.raises(DomainError):
        callback_close(user=backoffice_belastingen, callback=callback)
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.CLAIMED


def test_closing_after_reaching_the_resident_is_done_on_time(make_callback, backoffice_belastingen):
    callback = make_callback()
    callback_attempt_log(user=backoffice_belastingen, callback=callback, result=AttemptResult.NO_ANSWER)
    callback_attempt_log(user=backoffice_belastingen, callback=callback, result=AttemptResult.REACHED, note="Uitleg gegeven")
    callback_close(user=backoffice_belastingen, callback=callback, outcome="Aanslag toegelicht")
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.DONE
    assert callback.closed_on_time is True
    assert callback.outcome == "Aanslag toegelicht"
    with pytest.raises(DomainError):
        callback_attempt_log(user=backoffice_belastingen, callback=callback, result=AttemptResult.REACHED)


def test_attempt_on_an_open_callback_claims_it(make_callback, backoffice_belastingen):
    callback = make_callback()
    callback_attempt_log(user=backoffice_belastingen, callback=callback, result=AttemptResult.NO_ANSWER)
    callback.refresh_from_db()
    assert (callback.status, callback.claimed_by, callback.failed_attempts) == (CallbackStatus.CLAIMED, backoffice_belastingen, 1)


def test_attempt_in_the_future_is_refused(make_callback, backoffice_belastingen):
    with pytest.raises(DomainError) as exc:
        callback_attempt_log(user=backoffice_belastingen, callback=make_callback(), result=AttemptResult.REACHED, at=timezone.now() + timedelta(hours=1))
    assert exc.value.field == "at"


def test_attempt_by_someone_else_than_the_claimer_is_refused(make_callback, backoffice_belastingen, backoffice2_belastingen):
    callback = make_callback()
    callback_claim(user=backoffice_belastingen, callback=callback)
    with pytest.raises(DomainError):
        callback_attempt_log(user=backoffice2_belastingen, callback=callback, result=AttemptResult.REACHED)


def test_unreachable_after_max_failed_attempts_mails_the_resident_exactly_once(
    make_callback, resident, backoffice_belastingen, mailoutbox, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        callback = make_callback(customer=resident)
    mailoutbox.clear()
    results = [AttemptResult.NO_ANSWER, AttemptResult.VOICEMAIL, AttemptResult.NO_ANSWER]
    for result in results:
        with django_capture_on_commit_callbacks(execute=True):
            callback_attempt_log(user=backoffice_belastingen, callback=callback, result=result)
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.UNREACHABLE
    assert callback.closed_on_time is True
    resident_mails = [m for m in mailoutbox if m.to == ["jan.jansen@example.nl"]]
    assert len(resident_mails) == 1
    assert "geprobeerd u te bellen" in resident_mails[0].body.replace("\n", " ")
    assert "3 keer" in resident_mails[0].body
    # No fourth attempt, and sending the outbox again sends nothing.
    with pytest.raises(DomainError):
        callback_attempt_log(user=backoffice_belastingen, callback=callback, result=AttemptResult.NO_ANSWER)
    from callbacks.services import notification_send, notification_send_pending

    notification = OutboundEmail.objects.get(kind=NotificationKind.RESIDENT_UNREACHABLE)
    assert notification_send(notification_id=notification.pk) is False
    assert notification_send_pending(older_than=timedelta(0)) == 0
    assert len([m for m in mailoutbox if m.to == ["jan.jansen@example.nl"]]) == 1


@override_settings(KCC_CALLBACK_MAX_ATTEMPTS=2)
def test_max_attempts_is_configurable_and_no_mail_without_address(make_callback, backoffice_belastingen, mailoutbox, django_capture_on_commit_callbacks):
    callback = make_callback(customer=CustomerFactory())  # no e-mail address known
    mailoutbox.clear()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            callback_attempt_log(user=backoffice_belastingen, callback=callback, result=AttemptResult.WRONG_NUMBER)
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.UNREACHABLE
    assert mailoutbox == []


# --- reassign, cancel ------------------------------------------------------------------


def test_reassign_to_another_department_keeps_the_deadline_and_tells_them(
    make_callback, backoffice_belastingen, burgerzaken, backoffice_burgerzaken, mailoutbox, django_capture_on_commit_callbacks,
):
    callback = make_callback()
    callback_claim(user=backoffice_belastingen, callback=callback)
    deadline = callback.deadline
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        callback_reassign(user=backoffice_belastingen, callback=callback, department=burgerzaken, assignee=backoffice_burgerzaken, reason="Gaat over paspoort")
    callback.refresh_from_db()
    assert (callback.target_department, callback.assigned_to, callback.status, callback.claimed_by) == (burgerzaken, backoffice_burgerzaken, CallbackStatus.OPEN, None)
    assert callback.deadline == deadline
    entry = callback.activities.get(kind=ActivityKind.REASSIGNED)
    assert entry.details["reason"] == "Gaat over paspoort"
    assert entry.details["from_department"] == "Belastingen" and entry.details["to_department"] == "Burgerzaken"
    assert [m.to for m in mailoutbox] == [[backoffice_burgerzaken.email]]
    assert "Gaat over paspoort" in mailoutbox[0].body


def test_reassign_needs_a_reason_and_a_colleague_of_that_department(make_callback, teamlead, burgerzaken, backoffice_belastingen):
    callback = make_callback()
    with pytest.raises(DomainError) as exc:
        callback_reassign(user=teamlead, callback=callback, department=burgerzaken, reason=" ")
    assert exc.value.field == "reason"
    with pytest.raises(DomainError) as exc:
        callback_reassign(user=teamlead, callback=callback, department=burgerzaken, assignee=backoffice_belastingen, reason="Verkeerde afdeling")
    assert exc.value.field == "assignee"


def test_cancel_needs_a_reason_and_ends_the_callback(make_callback, agent):
    callback = make_callback()
    with pytest.raises(DomainError):
        callback_cancel(user=agent, callback=callback, reason="")
    callback_cancel(user=agent, callback=callback, reason="Inwoner belde zelf terug en is geholpen")
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.CANCELLED and callback.closed_on_time is None


# --- activity log and updated_at -------------------------------------------------------


def test_every_change_is_in_the_activity_log_with_who_and_when(make_callback, agent, backoffice_belastingen, teamlead, burgerzaken, backoffice_burgerzaken):
    callback = make_callback()
    callback_claim(user=backoffice_belastingen, callback=callback)
    callback_attempt_log(user=backoffice_belastingen, callback=callback, result=AttemptResult.NO_ANSWER, note="Geen gehoor")
    callback_reassign(user=teamlead, callback=callback, department=burgerzaken, reason="Gaat over rijbewijs")
    callback_attempt_log(user=backoffice_burgerzaken, callback=callback, result=AttemptResult.REACHED)
    callback_close(user=backoffice_burgerzaken, callback=callback, outcome="Afspraak gemaakt")
    log = list(callback.activities.order_by("at", "pk").values_list("kind", "actor__username"))
    assert log == [
        (ActivityKind.CREATED, agent.username),
        (ActivityKind.CLAIMED, backoffice_belastingen.username),
        (ActivityKind.ATTEMPT, backoffice_belastingen.username),
        (ActivityKind.REASSIGNED, teamlead.username),
        (ActivityKind.CLAIMED, backoffice_burgerzaken.username),
        (ActivityKind.ATTEMPT, backoffice_burgerzaken.username),
        (ActivityKind.DONE, backoffice_burgerzaken.username),
    ]
    assert all(a.at is not None and a.actor_name for a in callback.activities.all())
    attempt = callback.activities.filter(kind=ActivityKind.ATTEMPT).first()
    assert attempt.summary == "Geen gehoor. Geen gehoor"


def test_every_change_bumps_updated_at(make_callback, backoffice_belastingen):
    callback = make_callback()
    stamps = [callback.updated_at]
    for step in (
        lambda: callback_claim(user=backoffice_belastingen, callback=callback),
        lambda: callback_attempt_log(user=backoffice_belastingen, callback=callback, result=AttemptResult.REACHED),
        lambda: callback_close(user=backoffice_belastingen, callback=callback),
    ):
        step()
        callback.refresh_from_db()
        stamps.append(callback.updated_at)
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_customer_merge_moves_callbacks_to_the_survivor(make_callback, resident):
    callback = make_callback(customer=resident)
    survivor = CustomerFactory()
    assert callbacks_customer_merge(source=resident, target=survivor) == 1
    callback.refresh_from_db()
    assert callback.customer == survivor
    assert callback.activities.filter(kind=ActivityKind.MERGED).exists()
